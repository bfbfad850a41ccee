"""What the migration runner (kuma/migration) asks of a 1.x / 2.x kuma.db, on one autocommit connection
of its own (it runs before the server's Database is opened, or offline)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Found:
    """What a kuma.db holds, for the log line that says what kuma found."""

    state: str  # legacy_schema.legacy_state: '1.x', 'partial', 'current'
    stats: str  # legacy_stats.stats_state
    monitors: int
    heartbeats: int
    knex_locked: bool
    size: int


def open_file(path: Path) -> sqlite3.Connection:
    """An autocommit connection for the migration: WAL, foreign keys on, a generous busy timeout."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -64000")
    return conn


def is_uptime_kuma_file(conn: sqlite3.Connection) -> bool:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return "monitor" in names and "setting" in names


def inspect(conn: sqlite3.Connection, path: Path) -> Found:
    from kuma.store import legacy_schema, legacy_stats

    state = legacy_schema.legacy_state(conn)
    stats = legacy_stats.stats_state(conn) if state == "current" else "needed"
    monitors = conn.execute("SELECT count(*) FROM monitor").fetchone()[0]
    heartbeats = conn.execute("SELECT max(id) FROM heartbeat").fetchone()[0] or 0  # ~count, instant
    return Found(state, stats, monitors, heartbeats, _knex_locked(conn), path.stat().st_size)


def _knex_locked(conn: sqlite3.Connection) -> bool:
    try:
        row = conn.execute("SELECT max(is_locked) FROM knex_migrations_lock").fetchone()
    except sqlite3.OperationalError:
        return False
    return bool(row and row[0])


def clear_knex_lock(conn: sqlite3.Connection) -> None:
    """knex's lock row left at 1 by an Uptime Kuma killed mid-migration (it would wait for it forever)."""
    conn.execute("UPDATE knex_migrations_lock SET is_locked = 0")


def temp_in_memory(conn: sqlite3.Connection) -> None:
    """For the aggregate step: its per-batch temp tables and sorts are small and hot. Not for the schema
    step: building heartbeat's indexes in memory took ~500 MB on 10 M beats."""
    conn.execute("PRAGMA temp_store = MEMORY")


def checkpoint(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
