"""A data folder for commands that change it while the server is stopped: its database path, the lock
`kuma serve` holds for its whole run (so `kuma apply` can tell the folder is in use and refuse), and an
App whose engine is "stopped" (the server starts what changed when it next runs)."""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

LOCK_NAME = "kuma.lock"


class FolderInUse(RuntimeError):
    """Another kuma process (a running server, another apply) holds the data folder."""


def db_path(data_dir: str | None) -> Path:
    from kuma.config import Config

    return Config.from_sources(data_dir=data_dir).db_path


def open_read_only(data_dir: str | None) -> sqlite_utils.Database | None:
    """The folder's database on a read-only connection (fine beside a running server), or None once stderr
    says there is none: how the read-only commands (export, report) start."""
    from kuma.store import offline

    path = db_path(data_dir)
    if not path.exists():
        print(f"No database at {path}", file=sys.stderr)
        return None
    return offline.open_read_only(path)


@contextmanager
def hold(data_dir: Path) -> Iterator[None]:
    """Hold the folder's lock (an flock on `kuma.lock`, freed by the OS if the process dies)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderInUse(
                f"{data_dir} is in use by a running kuma server (or another kuma apply); "
                "stop the server first, or apply over its REST API: kuma apply FILE --url http://host:port --api-key …"
            ) from None
        yield
    finally:
        os.close(fd)
