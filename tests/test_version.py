"""`kuma --version` from source: version, the checkout's commit, "from source" and this machine's
architecture (issue #16; tests/test_binary.py checks the frozen builds' build date and target architecture)."""
from __future__ import annotations

import platform
import subprocess
import sys

from kuma import __version__
from kuma.build_info import source_commit
from tests.helpers.paths import REPO


def _git_head() -> str:
    return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()


def test_version_from_source_names_commit_and_architecture(tmp_path):
    out = subprocess.run([sys.executable, "-m", "kuma", "--version"], capture_output=True, text=True, cwd=REPO,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (f"kuma {__version__} (Uptime Kuma API 2.5.3) commit {_git_head()}, from source, "
                          f"linux-{platform.machine()}\n")


def test_commit_outside_a_checkout_is_unknown(tmp_path):
    assert source_commit(tmp_path) == "unknown"
    assert source_commit(REPO) == _git_head()


def test_frozen_build_without_its_build_file_fails_loudly():
    """A binary not made by kuma.spec (no kuma/build.json) says so rather than printing made-up values."""
    script = "import sys; sys.frozen = True\nfrom kuma.cli import main; main(['--version'])"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 1
    assert "RuntimeError: this binary has no kuma/build.json: build it with scripts/build-binary" in out.stderr
    assert out.stdout == ""
