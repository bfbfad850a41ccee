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


def monitor_index(db: sqlite_utils.Database, user_id: int) -> list[dict[str, Any]]:
    """What the monitor list filters on, for every monitor of the user, ascending ids: id, type, active,
    name, url, hostname and the tag names (two queries, no per-monitor work)."""
    rows = db.conn.execute(
        "SELECT id, type, active, name, url, hostname FROM monitor WHERE user_id = ? ORDER BY id", (user_id,)
    ).fetchall()
    index = [
        {"id": r[0], "type": r[1], "active": bool(r[2]), "name": r[3], "url": r[4], "hostname": r[5], "tags": []}
        for r in rows
    ]
    by_id = {item["id"]: item for item in index}
    for monitor_id, name in db.conn.execute(
        "SELECT mt.monitor_id, t.name FROM monitor_tag mt JOIN tag t ON t.id = mt.tag_id "
        "JOIN monitor m ON m.id = mt.monitor_id WHERE m.user_id = ?",
        (user_id,),
    ):
        if monitor_id in by_id:
            by_id[monitor_id]["tags"].append(name)
    return index
