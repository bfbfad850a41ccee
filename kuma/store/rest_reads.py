"""Reads the REST API needs beyond the Socket.IO ones: beats and stat sums between two instants."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from kuma.store.stats import _SUMS, UNIT_TABLES, WindowSums

MAX_BEATS = 10_000


def beats_between(db: sqlite_utils.Database, monitor_id: int, start: str, end: str) -> list[dict[str, Any]]:
    """The monitor's beats with start ≤ time < end (UTC text), oldest first, at most MAX_BEATS."""
    cursor = db.conn.execute(
        "SELECT * FROM heartbeat WHERE monitor_id = ? AND time >= ? AND time < ? ORDER BY time ASC, id ASC LIMIT ?",
        (monitor_id, start, end, MAX_BEATS),
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def sums_between(db: sqlite_utils.Database, unit: str, monitor_id: int, start: int, end: int) -> WindowSums:
    """Sums over the `unit` buckets with start ≤ timestamp < end (epoch seconds)."""
    table = UNIT_TABLES[unit]
    row = db.conn.execute(
        f"SELECT {_SUMS} FROM {table} WHERE monitor_id = ? AND timestamp >= ? AND timestamp < ?",
        (monitor_id, start, end),
    ).fetchone()
    return WindowSums.of(row)
