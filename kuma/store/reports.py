"""The reads behind `kuma report` and the report domain function: a monitor's beats in a time range.

Heartbeat times are UTC text that sorts like the instant it names (kuma/store/heartbeats.py), so the
range is a string comparison on the `monitor_time_index` (monitor_id, time) index.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from kuma.store.db import dict_rows

_COLUMNS = "time, status, msg, ping"


def beats_between(db: sqlite_utils.Database, monitor_id: int, start: str, end: str) -> list[dict[str, Any]]:
    """Beats with start <= time < end, oldest first."""
    return dict_rows(
        db.conn.execute(
            f"SELECT {_COLUMNS} FROM heartbeat WHERE monitor_id = ? AND time >= ? AND time < ? ORDER BY time, id",
            (monitor_id, start, end),
        )
    )


def beat_before(db: sqlite_utils.Database, monitor_id: int, start: str) -> dict[str, Any] | None:
    """The last beat earlier than `start` (the state the range opens in), or None."""
    row = db.conn.execute(
        f"SELECT {_COLUMNS} FROM heartbeat WHERE monitor_id = ? AND time < ? ORDER BY time DESC, id DESC LIMIT 1",
        (monitor_id, start),
    ).fetchone()
    return dict(row) if row is not None else None


def monitor_names(db: sqlite_utils.Database) -> dict[int, str]:
    """Every monitor's id → name, by id (the `--all` report's order)."""
    return {row[0]: row[1] for row in db.conn.execute("SELECT id, name FROM monitor ORDER BY id").fetchall()}
