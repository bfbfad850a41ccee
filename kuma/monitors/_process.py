"""Running a system program for a check (`systemctl`, `tailscale`, `pm2`): argv only, never a shell.

`trio.run_process` with the check context's child-process environment (a frozen build's own
`LD_LIBRARY_PATH` undone, see `kuma/process_env.py`), captured output and a timeout after which the program
is killed. A program that is not installed is a `ProgramMissing`, so each type can say so plainly.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import trio

from kuma.monitors.base import CheckContext


class ProgramMissing(Exception):
    """The program is not on PATH (or not executable)."""


class ProgramTimedOut(Exception):
    """The program ran past its timeout and was killed."""


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str


def child_env(ctx: CheckContext) -> dict[str, str]:
    if ctx.subprocess_env is not None:
        return ctx.subprocess_env
    from kuma.process_env import subprocess_env

    return subprocess_env()


async def run_program(argv: list[str], ctx: CheckContext, timeout: float) -> Finished:
    """Run `argv` (looked up on the child environment's PATH); output decoded as UTF-8."""
    env = child_env(ctx)
    program = shutil.which(argv[0], path=env.get("PATH", os.defpath))
    if program is None:
        raise ProgramMissing(argv[0])
    with trio.move_on_after(timeout):
        try:
            done = await trio.run_process(
                [program, *argv[1:]], capture_stdout=True, capture_stderr=True, check=False, env=env
            )
        except (FileNotFoundError, PermissionError):
            raise ProgramMissing(argv[0]) from None
        return Finished(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))
    raise ProgramTimedOut(argv[0])


def truncated(text: str, limit: int = 200) -> str:
    """Output kept in a beat message: trimmed, at most `limit` characters plus `...`."""
    text = text.strip()
    return text[:limit] + "..." if len(text) > limit else text
