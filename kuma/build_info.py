"""What `kuma --version` says about this build: version, commit, build date and CPU architecture.

A Pi owner with three downloads (x86-64, aarch64, armv7) needs to tell which one they run and from which
commit, so a frozen binary carries `kuma/build.json`, written by kuma.spec when it is built (inside the
target's root filesystem for the Pi builds, so the architecture is the target's). From source the commit
comes from git at the moment `--version` runs, and the build date reads "from source".
"""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

from kuma import UPTIME_KUMA_VERSION, __version__
from kuma.process_env import is_frozen

#: The file kuma.spec writes into the binary's `kuma` package folder.
BUILD_FILE = "build.json"


def build_info() -> dict[str, Any]:
    """{"version", "commit", "built", "arch"}: baked in when frozen, looked up when run from source."""
    if is_frozen():
        return _frozen_info()
    return {"version": __version__, "commit": source_commit(), "built": None, "arch": platform.machine()}


def _frozen_info() -> dict[str, Any]:
    """A frozen build without its build file was not made by kuma.spec: say so instead of guessing."""
    source = resources.files("kuma") / BUILD_FILE
    if not source.is_file():
        raise RuntimeError(f"this binary has no kuma/{BUILD_FILE}: build it with scripts/build-binary")
    return dict(json.loads(source.read_text(encoding="utf-8")))


def source_commit(repo: Path | None = None) -> str:
    """The checkout's commit (12 hex digits), or "unknown" outside a git checkout or without git."""
    folder = repo or Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def version_line(info: dict[str, Any] | None = None) -> str:
    """One line: `kuma 0.1.0 (Uptime Kuma API 2.5.3) commit 0123abcd4567, built 2026-…Z, linux-aarch64`."""
    info = info or build_info()
    built = f"built {info['built']}" if info["built"] else "from source"
    return (
        f"kuma {info['version']} (Uptime Kuma API {UPTIME_KUMA_VERSION}) "
        f"commit {info['commit']}, {built}, linux-{info['arch']}"
    )
