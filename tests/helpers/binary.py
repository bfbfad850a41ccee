"""Build the one-file binary once per source state and reuse it across test runs.

The build takes a minute or more, so it goes to build/test-binary/<hash>/ where <hash> covers
everything that shapes the binary (kuma/, kuma.spec, pyproject.toml, scripts/build-binary). A clean
clone builds once; later runs on unchanged sources reuse it. A file lock keeps two test runs in the
same checkout from building at the same time.
"""
from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
from pathlib import Path

from tests.helpers.paths import REPO

CACHE = REPO / "build" / "test-binary"
INPUTS = ("kuma", "kuma.spec", "pyproject.toml", "scripts/build-binary")


def source_hash() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = REPO / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or file.suffix in (".pyc", ".pyo"):
                continue
            digest.update(str(file.relative_to(REPO)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def built_binary() -> Path:
    """Path of dist/kuma built from the current sources (building it if needed)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = source_hash()
    target = CACHE / key / "dist" / "kuma"
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.is_file():
            return target
        for old in CACHE.iterdir():  # keep one build: each is ~30 MB
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        staging = CACHE / key / "staging"
        out = subprocess.run(
            [str(REPO / "scripts" / "build-binary"), "--distpath", str(staging), "--workpath", str(CACHE / key / "work")],
            cwd=REPO, capture_output=True, text=True,
        )
        if out.returncode != 0 or not (staging / "kuma").is_file():
            raise AssertionError(f"build-binary failed ({out.returncode}):\n{out.stdout[-4000:]}\n{out.stderr[-8000:]}")
        staging.rename(target.parent)  # only a finished build is ever found at `target`
        shutil.rmtree(CACHE / key / "work", ignore_errors=True)
        return target
