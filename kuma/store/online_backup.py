"""Online backup and offline restore of `kuma.db`.

Backup uses SQLite's backup API in one step: the copy is read inside one read transaction, so it is one
consistent snapshot (in WAL mode a reader never blocks the server's writer, so checks and pushes go on).
Everything committed before the backup began is in it. The copy is written next to the target and
renamed into place only after `PRAGMA integrity_check` says ok, as a single file (journal mode DELETE).

Restore refuses a data folder whose database another process has open (switching it out of WAL mode
needs the only connection, which a running server never allows), checks the source's integrity and that
it is an Uptime Kuma 2 database, copies it in, checks the copy, and keeps the replaced file beside it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from kuma.store.schema import SchemaError, check_schema


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why."""


def integrity(conn: sqlite3.Connection) -> str:
    """`ok`, or SQLite's first complaint."""
    return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _copy(source: sqlite3.Connection, target: Path) -> None:
    target.unlink(missing_ok=True)
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)  # pages=-1: all pages in one step, one snapshot
        copy.execute("PRAGMA journal_mode = DELETE")
        verdict = integrity(copy)
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check: {verdict}")
    finally:
        copy.close()


def backup(db_path: Path, target: Path) -> int:
    """Copy a (running or stopped) server's database to `target`; returns the copy's size in bytes."""
    if not db_path.is_file():
        raise BackupError(f"no database at {db_path}")
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(str(db_path), timeout=30)
    try:
        source.execute("PRAGMA busy_timeout = 30000")
        _copy(source, partial)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {exc}") from None
    finally:
        source.close()
    os.replace(partial, target)
    return target.stat().st_size


def _check_source(source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    conn = sqlite3.connect(str(source))
    try:
        verdict = integrity(conn)
        if verdict != "ok":
            raise BackupError(f"{source} failed its integrity check: {verdict}")
        check_schema(conn)
    except (sqlite3.Error, SchemaError) as exc:
        raise BackupError(f"{source} cannot be restored: {exc}") from None
    finally:
        conn.close()


def _refuse_if_open(db_path: Path) -> None:
    """A running server keeps the database open in WAL mode; only a sole connection can leave WAL."""
    if not db_path.exists():
        return
    conn = sqlite3.connect(str(db_path), timeout=0.5)
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.Error:
        mode = "busy"
    finally:
        conn.close()
    if str(mode).lower() != "delete":
        raise BackupError(f"{db_path} is in use: stop the server before restoring")


def restore(source: Path, data_dir: Path, stamp: str) -> Path | None:
    """Put `source` in place as `data_dir/kuma.db`; returns where the replaced file was kept (or None)."""
    db_path = data_dir / "kuma.db"
    _check_source(source)
    _refuse_if_open(db_path)
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = data_dir / "kuma.db.restoring"
    src = sqlite3.connect(str(source))
    try:
        _copy(src, partial)
    finally:
        src.close()
    kept = None
    if db_path.exists():
        kept = data_dir / f"kuma.db.before-restore-{stamp}"
        os.replace(db_path, kept)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(partial, db_path)
    return kept
