"""Environment for child processes (`ping`, …), undoing what a frozen build changed for itself.

The PyInstaller bootloader points `LD_LIBRARY_PATH` at its unpacked folder so the bundled Python finds
its libraries, and keeps the caller's value in `LD_LIBRARY_PATH_ORIG`. A system binary started with the
bootloader's value would load our bundled libraries (libssl, libz …) instead of its own and may crash,
so every subprocess gets the original value back (or none, when there was none).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

#: Variables the PyInstaller bootloader rewrites, each kept under NAME + "_ORIG".
_REWRITTEN = ("LD_LIBRARY_PATH",)


def is_frozen() -> bool:
    """True inside a PyInstaller build (one-file or one-folder)."""
    return bool(getattr(sys, "frozen", False))


def subprocess_env(base: Mapping[str, str] | None = None, *, frozen: bool | None = None) -> dict[str, str]:
    """A copy of `base` (default `os.environ`) fit for starting system programs.

    In a frozen build `LD_LIBRARY_PATH` is restored from `LD_LIBRARY_PATH_ORIG` (removed when that is
    absent) and the `_ORIG` bookkeeping is dropped. From source the environment is returned unchanged.
    """
    env = dict(os.environ if base is None else base)
    if not (is_frozen() if frozen is None else frozen):
        return env
    for name in _REWRITTEN:
        original = env.pop(f"{name}_ORIG", None)
        if original is None:
            env.pop(name, None)
        else:
            env[name] = original
    return env
