"""Build the frozen kuma once per source state and reuse it across test runs.

The build takes a minute or more, so it goes to build/test-binary/<hash>/ where <hash> covers
everything that shapes the binary (kuma/, kuma.spec, pyproject.toml, scripts/build-binary). A clean
clone builds once; later runs on unchanged sources reuse it. A file lock keeps two test runs in the
same checkout from building at the same time; the previous source state is kept too, for a test run
that started before the sources changed.

Two variants share one hash folder: the one-file binary (`built_binary()`, `<hash>/dist/kuma`) and the
one-folder build (`built_onedir()`, `<hash>/onedir/kuma-dir/kuma`), each built only when a test asks for
it. They share PyInstaller's work folder (`<hash>/work`), so the second one reuses the first one's
analysis; the work folder goes with its hash folder when the sources change.

`KUMA_TEST_ARCH=aarch64` (or `armv7`; set by scripts/test-arch) makes `built_binary()` the Raspberry Pi
binary instead (`scripts/build-binary --arch`, run under qemu through binfmt_misc), cached the same way in
`<hash>/<arch>/kuma-linux-<arch>`: the same tests then run against it. The one-folder build is x86-64 only.
`KUMA_TEST_ARCH_BINARY=PATH` (scripts/test-arch --binary) tests that file instead of building one.
The tests start it through `<binary>.run-under-qemu` beside it, which sets QEMU_LD_PREFIX to the build's cached
Debian root filesystem (`scripts/lib/cross-build.sh --root <arch>`): binfmt_misc hands the binary to qemu-user, and qemu finds the target's dynamic loader
and libc there (on a Pi they are the system's own). `patient(s)` stretches a test's waits under emulation.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import platform
import shutil
import subprocess
from pathlib import Path

from tests.helpers.paths import REPO

CACHE = REPO / "build" / "test-binary"
INPUTS = ("kuma", "kuma.spec", "pyproject.toml", "scripts/build-binary", "scripts/lib/cross-build.sh",
          "scripts/lib/build_requirements.py")

#: variant → (build-binary options, folder under <hash>/, executable inside that folder)
VARIANTS = {
    "onefile": ((), "dist", "kuma"),
    "onedir": (("--onedir",), "onedir", "kuma-dir/kuma"),
    "aarch64": (("--arch", "aarch64"), "aarch64", "kuma-linux-aarch64"),
    "armv7": (("--arch", "armv7"), "armv7", "kuma-linux-armv7"),
}

#: the architecture name `platform.machine()` reports inside each build (what `kuma --version` prints)
MACHINES = {"aarch64": "aarch64", "armv7": "armv7l"}


def target_arch() -> str | None:
    """The Pi architecture scripts/test-arch asked for, or None for this machine's own binary."""
    arch = os.environ.get("KUMA_TEST_ARCH") or None
    if arch is not None and arch not in MACHINES:
        raise AssertionError(f"KUMA_TEST_ARCH must be one of {sorted(MACHINES)}, not {arch!r}")
    return arch


#: How much slower a build under qemu-user starts and answers than the native one (waits are multiplied).
EMULATION_SLOWDOWN = 5


def patient(seconds: float) -> float:
    """`seconds` for the native binary; EMULATION_SLOWDOWN times that for a Pi binary under qemu."""
    return seconds * (EMULATION_SLOWDOWN if target_arch() else 1)


def target_machine() -> str:
    """`platform.machine()` as the binary under test sees it (x86_64 here, aarch64 under qemu-aarch64)."""
    arch = target_arch()
    return MACHINES[arch] if arch else platform.machine()


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
    """Path of dist/kuma (one file) built from the current sources (building it if needed), or with
    KUMA_TEST_ARCH set, of the Pi binary for that architecture."""
    arch = target_arch()
    if arch is None:
        return _built("onefile")
    given = os.environ.get("KUMA_TEST_ARCH_BINARY")  # scripts/test-arch --binary: test this file as it is
    return _launcher(arch, Path(given).resolve() if given else _built(arch))


def built_onedir() -> Path:
    """Path of dist/kuma-dir/kuma (one folder) built from the current sources (building it if needed)."""
    if target_arch():
        raise AssertionError("the one-folder build exists for x86-64 only: scripts/test-arch deselects its tests")
    return _built("onedir")


def _launcher(arch: str, binary: Path) -> Path:
    """A shell script next to the binary that runs it under qemu-user with the target's libc."""
    out = subprocess.run([str(REPO / "scripts" / "lib" / "cross-build.sh"), "--root", arch],
                         cwd=REPO, capture_output=True, text=True, check=True)
    root = Path(out.stdout.strip())
    if not (root / "lib" / "ld-linux-aarch64.so.1").exists() and not (root / "lib" / "ld-linux-armhf.so.3").exists():
        raise AssertionError(f"no root filesystem at {root}: scripts/build-binary --arch {arch} makes it")
    launcher = binary.parent / f"{binary.name}.run-under-qemu"
    launcher.write_text(f'#!/bin/sh\nQEMU_LD_PREFIX="{root}" exec "{binary}" "$@"\n')
    launcher.chmod(0o755)
    return launcher


def _built(variant: str) -> Path:
    options, folder, executable = VARIANTS[variant]
    CACHE.mkdir(parents=True, exist_ok=True)
    key = source_hash()
    target = CACHE / key / folder / executable
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.is_file():
            return target
        # keep this source state and the one before it (a test run that began earlier may still use it):
        # each state is ~30 MB per variant plus ~50 MB of PyInstaller work files
        others = sorted((d for d in CACHE.iterdir() if d.is_dir() and d.name != key), key=lambda d: d.stat().st_mtime)
        for old in others[:-1]:
            shutil.rmtree(old, ignore_errors=True)
        (CACHE / key).mkdir(exist_ok=True)
        staging = CACHE / key / f"{folder}-staging"
        shutil.rmtree(staging, ignore_errors=True)  # a build that was interrupted
        out = subprocess.run(
            [str(REPO / "scripts" / "build-binary"), *options,
             "--distpath", str(staging), "--workpath", str(CACHE / key / "work")],
            cwd=REPO, capture_output=True, text=True,
        )
        if out.returncode != 0 or not (staging / executable).is_file():
            raise AssertionError(f"build-binary {' '.join(options)} failed ({out.returncode}):\n"
                                 f"{out.stdout[-4000:]}\n{out.stderr[-8000:]}")
        if source_hash() != key:
            # the sources changed while PyInstaller read them: use this build now, never find it again
            return staging / executable
        staging.rename(CACHE / key / folder)  # only a finished build is ever found at `target`
        return target
