"""The aggregate tables `stat_minutely`, `stat_hourly`, `stat_daily`: one row per monitor and UTC bucket.

Each beat upserts the three buckets it falls in, inside the same write job as its heartbeat row, so the
aggregates never drift from the beats. Bucket rules (checked against the fixture rows):
- UP counts in `up`, DOWN and PENDING in `down`, MAINTENANCE only in `extras` `{"maintenance": n}`;
- `ping` is a running mean over the bucket's UP beats: the first UP beat sets avg/min/max to its ping,
  later UP beats with a numeric ping fold in as (avg×up + ping)/(up + 1); UP beats without a ping only
  increase `up`.
`timestamp` is the bucket start in Unix seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from kuma.status import DOWN as DOWN  # the one definition, re-exported here
from kuma.status import MAINTENANCE as MAINTENANCE
from kuma.status import PENDING as PENDING
from kuma.status import UP as UP

#: table → bucket length in seconds
TABLES: dict[str, int] = {"stat_minutely": 60, "stat_hourly": 3600, "stat_daily": 86400}
UNIT_TABLES: dict[str, str] = {"minute": "stat_minutely", "hour": "stat_hourly", "day": "stat_daily"}


def bucket_start(epoch: float, length: int) -> int:
    return int(epoch // length) * length


def _upsert_sql(table: str) -> str:
    """Numbered parameters, a tuple per beat (`_params`): ?1 monitor, ?2 bucket start, ?3 ping (0.0 when it
    does not count), ?4 whether it counts, ?5 up, ?6 down, ?7 maintenance, ?8 a new row's extras."""
    return (
        f"INSERT INTO {table} (monitor_id, timestamp, ping, ping_min, ping_max, up, down, extras) "
        "VALUES (?1, ?2, ?3, ?3, ?3, ?5, ?6, ?8) "
        "ON CONFLICT (monitor_id, timestamp) DO UPDATE SET "
        "ping = CASE WHEN ?4 THEN (CASE WHEN up = 0 THEN ?3 ELSE (ping * up + ?3) / (up + 1) END) ELSE ping END, "
        "ping_min = CASE WHEN ?4 THEN (CASE WHEN up = 0 THEN ?3 ELSE min(ping_min, ?3) END) ELSE ping_min END, "
        "ping_max = CASE WHEN ?4 THEN (CASE WHEN up = 0 THEN ?3 ELSE max(ping_max, ?3) END) ELSE ping_max END, "
        "up = up + ?5, down = down + ?6, "
        "extras = CASE WHEN ?7 THEN json_set(coalesce(extras, '{}'), '$.maintenance', "
        "coalesce(json_extract(extras, '$.maintenance'), 0) + 1) ELSE extras END"
    )


_UPSERTS = {table: _upsert_sql(table) for table in TABLES}
_MAINTENANCE_EXTRAS = '{"maintenance":1}'


def _params(monitor_id: int, status: int, ping: float | None) -> list[Any]:
    """One beat's parameters without the bucket start (index 1, set per table)."""
    has_ping = status == UP and ping is not None
    maintenance = status == MAINTENANCE
    return [
        monitor_id,
        0,
        float(ping) if has_ping and ping is not None else 0.0,
        1 if has_ping else 0,
        1 if status == UP else 0,
        1 if status in (DOWN, PENDING) else 0,
        1 if maintenance else 0,
        _MAINTENANCE_EXTRAS if maintenance else None,
    ]


def record_beat(db: sqlite_utils.Database, monitor_id: int, epoch: float, status: int, ping: float | None) -> None:
    """Fold one beat into its minute, hour and day buckets. Run inside a writer job."""
    params = _params(monitor_id, status, ping)
    for table, length in TABLES.items():
        params[1] = bucket_start(epoch, length)
        db.conn.execute(_UPSERTS[table], params)


def record_beats(db: sqlite_utils.Database, beats: list[tuple[int, float, int, float | None]]) -> None:
    """`record_beat` for many (monitor id, epoch, status, ping) in order: one `executemany` per table
    (a batch of beats costs three statements, not three per beat). Run inside a writer job."""
    rows = [(_params(monitor_id, status, ping), epoch) for monitor_id, epoch, status, ping in beats]
    for table, length in TABLES.items():
        for params, epoch in rows:
            params[1] = int(epoch // length) * length
        db.conn.executemany(_UPSERTS[table], [tuple(params) for params, _ in rows])


def _check_table(table: str) -> None:
    """Table names go into the SQL text, so only the stat tables may pass."""
    if table not in TABLES:
        raise ValueError(f"not a stat table: {table}")


#: The sums a window is computed from, in `WindowSums` order (`ping * up`: the up-weighted ping).
_SUMS = "count(*), total(up), total(down), total(ping * up)"


@dataclass(frozen=True)
class WindowSums:
    """Sums over the buckets of one window: what uptime and average ping are computed from."""

    buckets: int = 0
    up: int = 0
    down: int = 0
    ping_weighted: float = 0.0  # Σ(avg ping × up)

    @classmethod
    def of(cls, row: Any, start: int = 0) -> WindowSums:
        """From the four `_SUMS` columns at `start` of a result row (SQLite's total() is a float)."""
        return cls(int(row[start]), int(row[start + 1]), int(row[start + 2]), float(row[start + 3]))


def window_sums(db: sqlite_utils.Database, table: str, monitor_id: int, since: int) -> WindowSums:
    """Sums over buckets with timestamp ≥ since; if there are none, over the latest bucket (§7)."""
    _check_table(table)
    row = db.conn.execute(
        f"SELECT {_SUMS} FROM {table} WHERE monitor_id = ? AND timestamp >= ?", (monitor_id, since)
    ).fetchone()
    if row[0] == 0:
        row = db.conn.execute(
            f"SELECT {_SUMS} FROM "
            f"(SELECT up, down, ping FROM {table} WHERE monitor_id = ? ORDER BY timestamp DESC LIMIT 1)",
            (monitor_id,),
        ).fetchone()
    return WindowSums.of(row)


def buckets(db: sqlite_utils.Database, table: str, monitor_id: int, since: int) -> list[dict[str, Any]]:
    """Raw bucket rows of one monitor with timestamp ≥ since, newest first (charts)."""
    _check_table(table)
    rows = db.conn.execute(
        f"SELECT timestamp, up, down, ping, ping_min, ping_max, extras FROM {table} "
        "WHERE monitor_id = ? AND timestamp >= ? ORDER BY timestamp DESC",
        (monitor_id, since),
    ).fetchall()
    return [dict(r) for r in rows]


def delete_before(db: sqlite_utils.Database, table: str, monitor_id: int, before: int) -> int:
    """Drop one monitor's buckets older than `before` (Unix s). Uses the (monitor_id, timestamp) index."""
    _check_table(table)
    return db.conn.execute(f"DELETE FROM {table} WHERE monitor_id = ? AND timestamp < ?", (monitor_id, before)).rowcount


def clear_monitor(db: sqlite_utils.Database, monitor_id: int) -> None:
    """Delete every aggregate row of a monitor (clearStatistics / clearHeartbeats)."""
    for table in TABLES:
        db.conn.execute(f"DELETE FROM {table} WHERE monitor_id = ?", (monitor_id,))


def _ids_json(monitor_ids: Iterable[int]) -> str:
    """Ids as one JSON parameter (`json_each`): no bound-variable limit however many monitors."""
    return json.dumps([int(i) for i in monitor_ids])


def window_sums_many(
    db: sqlite_utils.Database, table: str, monitor_ids: Iterable[int], since: int
) -> dict[int, WindowSums]:
    """`window_sums` for many monitors in two set-based queries (one GROUP BY over the window, one for
    the monitors whose window is empty: their latest bucket). Monitors without any bucket get
    `WindowSums()`; the values equal the per-monitor reader's."""
    _check_table(table)
    ids = [int(i) for i in monitor_ids]
    out: dict[int, WindowSums] = {}
    for row in db.conn.execute(
        f"SELECT monitor_id, {_SUMS} FROM {table} "
        "WHERE monitor_id IN (SELECT value FROM json_each(?)) AND timestamp >= ? GROUP BY monitor_id",
        (_ids_json(ids), since),
    ):
        out[row[0]] = WindowSums.of(row, 1)
    missing = [i for i in ids if i not in out]
    if missing:
        for row in db.conn.execute(
            f"SELECT s.monitor_id, 1, total(s.up), total(s.down), total(s.ping * s.up) FROM {table} s "
            "WHERE s.monitor_id IN (SELECT value FROM json_each(?)) AND s.timestamp = "
            f"(SELECT max(timestamp) FROM {table} WHERE monitor_id = s.monitor_id) GROUP BY s.monitor_id",
            (_ids_json(missing),),
        ):
            out[row[0]] = WindowSums.of(row, 1)
    return {i: out.get(i, WindowSums()) for i in ids}
