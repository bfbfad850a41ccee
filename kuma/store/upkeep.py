"""Whole-database SQLite upkeep the retention jobs run (kuma/monitoring/retention.py)."""

from __future__ import annotations

import sqlite_utils


def optimize(db: sqlite_utils.Database) -> None:
    """`PRAGMA optimize` (write job: after the daily clean-up)."""
    db.conn.execute("PRAGMA optimize")


def incremental_vacuum(db: sqlite_utils.Database, pages: int = 200) -> None:
    """Give up to `pages` free pages back to the file system (write job)."""
    db.conn.execute(f"PRAGMA incremental_vacuum({int(pages)})").fetchall()


def wal_checkpoint_passive(db: sqlite_utils.Database) -> None:
    """A PASSIVE WAL checkpoint (reader job: it never waits for the writer)."""
    db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
