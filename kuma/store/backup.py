"""A consistent copy of a live SQLite file through SQLite's online backup API (WAL content included),
written under a temporary name and renamed into place, so a half-written copy never looks like a backup."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

PAGES_PER_STEP = 4096


def backup_to(
    source: sqlite3.Connection, source_path: Path, target: Path, progress: Callable[[float], None] | None = None
) -> None:
    """Copy the database behind `source` to `target` (replacing it). Refuses when the disk lacks room."""
    need = source_path.stat().st_size + _wal_size(source_path)
    free = shutil.disk_usage(target.parent).free
    if free < need * 1.1:
        raise OSError(f"not enough free space for the backup {target} ({need} bytes needed, {free} free)")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dest = sqlite3.connect(str(partial))
    try:

        def step(_status: int, remaining: int, total: int) -> None:
            if progress and total:
                progress(1 - remaining / total)

        source.backup(dest, pages=PAGES_PER_STEP, progress=step)
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    finally:
        dest.close()
    os.replace(partial, target)


def _wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0
