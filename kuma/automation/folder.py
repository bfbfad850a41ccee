"""A data folder for commands that change it while the server is stopped: its database path, the lock
`kuma serve` holds for its whole run (so `kuma apply` can tell the folder is in use and refuse), and an
App whose engine is "stopped" (the server starts what changed when it next runs)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "kuma.lock"


class FolderInUse(RuntimeError):
    """Another kuma process (a running server, another apply) holds the data folder."""


def db_path(data_dir: str | None) -> Path:
    from kuma.config import Config

    return Config.from_sources(data_dir=data_dir).db_path


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
