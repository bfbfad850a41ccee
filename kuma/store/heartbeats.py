"""The `heartbeat` table: one row per beat, written exactly as Uptime Kuma writes it.

Times are UTC text `YYYY-MM-DD HH:MM:SS.mmm`, which sorts like the instant it names, so range queries
compare strings. Reads use the `monitor_time_index` (monitor_id, time) index.
"""

from __future__ import annotations

import calendar
import json
import re
import time as _time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from kuma.columns import HEARTBEAT_COLUMNS
from kuma.store.db import dict_row, dict_rows, inserted_id

#: Column order of the table (and of the raw `heartbeatList` row).
COLUMNS = HEARTBEAT_COLUMNS
_INSERT_COLUMNS = COLUMNS[1:]
_INSERT_SQL = f"INSERT INTO heartbeat ({', '.join(_INSERT_COLUMNS)}) VALUES ({', '.join('?' for _ in _INSERT_COLUMNS)})"


#: (epoch second, its `YYYY-MM-DD HH:MM:SS`): beats come many per second, strftime is most of a format
_LAST_SECOND: tuple[int, str] = (-1, "")


def format_time(epoch: float) -> str:
    """Epoch seconds → `YYYY-MM-DD HH:MM:SS.mmm` (UTC, milliseconds truncated)."""
    global _LAST_SECOND
    seconds, ms = divmod(int(epoch * 1000), 1000)
    cached = _LAST_SECOND
    if cached[0] != seconds:
        cached = _LAST_SECOND = (seconds, _time.strftime("%Y-%m-%d %H:%M:%S", _time.gmtime(seconds)))
    return f"{cached[1]}.{ms:03d}"


_OWN_FORMAT = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):([0-5]\d)\.(\d{3})")


def parse_time(text: str) -> float:
    """`YYYY-MM-DD HH:MM:SS[.mmm]` (UTC) → epoch seconds. Also accepts an ISO `T` separator.
    The form `format_time` writes (every beat's previous one) skips strptime, ~10 times slower."""
    own = _OWN_FORMAT.fullmatch(text)
    if own is not None:
        y, mo, d, h, mi, s, ms = map(int, own.groups())
        if y >= 1970 and 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1] and h < 24 and mi < 60:
            return calendar.timegm((y, mo, d, h, mi, s)) + ms / 1000
    return _slow_parse(text)


def _slow_parse(text: str) -> float:
    text = text.strip().replace("T", " ").rstrip("Z")
    main, _, frac = text.partition(".")
    struct = _time.strptime(main, "%Y-%m-%d %H:%M:%S")
    seconds = calendar.timegm(struct)
    return seconds + (float("0." + frac) if frac.isdigit() else 0.0)


def format_seconds(epoch: float) -> str:
    """Epoch seconds → `YYYY-MM-DD HH:MM:SS` (UTC), the plain DATETIME format."""
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%d %H:%M:%S")


def insert(db: sqlite_utils.Database, beat: dict[str, Any]) -> int:
    """Insert one beat (keys of COLUMNS except id); returns the new id. Run inside a writer job."""
    cursor = db.conn.execute(_INSERT_SQL, tuple(beat.get(c) for c in _INSERT_COLUMNS))
    return inserted_id(cursor)


def insert_many(db: sqlite_utils.Database, beats: list[dict[str, Any]]) -> list[int]:
    """Insert beats in order with one `executemany`; their new ids, in order. Run inside a writer job.
    The ids are consecutive: the only writer inserts them one after another into an AUTOINCREMENT table
    without triggers, each taking the largest rowid so far plus one."""
    if not beats:
        return []
    db.conn.executemany(_INSERT_SQL, [tuple(beat.get(c) for c in _INSERT_COLUMNS) for beat in beats])
    last = db.conn.execute("SELECT last_insert_rowid()").fetchone()[0]
    return list(range(last - len(beats) + 1, last + 1))


def latest(db: sqlite_utils.Database, monitor_id: int) -> dict[str, Any] | None:
    """The monitor's latest beat by time (then id), or None."""
    return dict_row(
        db.conn.execute(
            "SELECT * FROM heartbeat WHERE monitor_id = ? ORDER BY time DESC, id DESC LIMIT 1", (monitor_id,)
        )
    )


def latest_many(db: sqlite_utils.Database, monitor_ids: list[int]) -> dict[int, dict[str, Any]]:
    """`latest()` of many monitors in one statement (the engine's boot); monitors without beats are absent."""
    cursor = db.conn.execute(
        "SELECT h.* FROM json_each(?) AS m JOIN heartbeat h ON h.id = (SELECT id FROM heartbeat "
        "WHERE monitor_id = m.value ORDER BY time DESC, id DESC LIMIT 1)",
        (json.dumps([int(i) for i in monitor_ids]),),
    )
    return {row["monitor_id"]: row for row in dict_rows(cursor)}


def latest_status(db: sqlite_utils.Database, monitor_ids: Iterable[int]) -> dict[int, int]:
    """monitor id → status of its latest beat (monitors without beats are absent)."""
    result: dict[int, int] = {}
    for monitor_id in monitor_ids:
        row = db.conn.execute(
            "SELECT status FROM heartbeat WHERE monitor_id = ? ORDER BY time DESC, id DESC LIMIT 1", (monitor_id,)
        ).fetchone()
        if row is not None:
            result[monitor_id] = int(row[0])
    return result


def recent(db: sqlite_utils.Database, monitor_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """The last `limit` beats, oldest first, as raw rows (the `heartbeatList` row shape)."""
    rows = db.conn.execute(
        "SELECT * FROM heartbeat WHERE monitor_id = ? ORDER BY time DESC, id DESC LIMIT ?", (monitor_id, limit)
    ).fetchall()
    return [dict(r) for r in reversed(rows)]


def delete_old(
    db: sqlite_utils.Database,
    monitor_id: int,
    *,
    non_important_before: str | None,
    keep_latest: int,
    all_before: str | None,
) -> int:
    """Retention for one monitor (§8): non-important beats older than a cut-off except the latest
    `keep_latest`, and every beat older than `all_before`. Returns rows deleted."""
    deleted = 0
    if non_important_before is not None:
        deleted += db.conn.execute(
            "DELETE FROM heartbeat WHERE monitor_id = ? AND important = 0 AND time < ? AND id NOT IN "
            "(SELECT id FROM heartbeat WHERE monitor_id = ? ORDER BY time DESC, id DESC LIMIT ?)",
            (monitor_id, non_important_before, monitor_id, keep_latest),
        ).rowcount
    if all_before is not None:
        deleted += db.conn.execute(
            "DELETE FROM heartbeat WHERE monitor_id = ? AND time < ?", (monitor_id, all_before)
        ).rowcount
    return deleted


def _rows_by_monitor(cursor, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    names = [d[0] for d in cursor.description]
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    position = names.index("monitor_id")
    for row in cursor.fetchall():
        out[row[position]].append(dict(zip(names, row)))
    return out


def recent_many(
    db: sqlite_utils.Database, monitor_ids: Iterable[int], limit: int = 100
) -> dict[int, list[dict[str, Any]]]:
    """`recent` for many monitors in one statement: each monitor's last `limit` beats (by the
    (monitor_id, time) index, however long its history), oldest first; monitors without beats → []."""
    ids = [int(i) for i in monitor_ids]
    cursor = db.conn.execute(
        "SELECT h.* FROM json_each(?) m JOIN heartbeat h ON h.id IN "
        "(SELECT id FROM heartbeat WHERE monitor_id = m.value ORDER BY time DESC, id DESC LIMIT ?) "
        "ORDER BY h.monitor_id, h.time, h.id",
        (json.dumps(ids), limit),
    )
    return _rows_by_monitor(cursor, ids)


def important_many(
    db: sqlite_utils.Database, monitor_ids: Iterable[int], limit: int = 500
) -> dict[int, list[dict[str, Any]]]:
    """Each monitor's last `limit` important beats, NEWEST first (the `importantHeartbeatList` order)."""
    ids = [int(i) for i in monitor_ids]
    cursor = db.conn.execute(
        "SELECT h.* FROM json_each(?) m JOIN heartbeat h ON h.id IN "
        "(SELECT id FROM heartbeat WHERE monitor_id = m.value AND important = 1 "
        "ORDER BY time DESC, id DESC LIMIT ?) "
        "ORDER BY h.monitor_id, h.time DESC, h.id DESC",
        (json.dumps(ids), limit),
    )
    return _rows_by_monitor(cursor, ids)


def since(db: sqlite_utils.Database, monitor_id: int, after: str) -> list[dict[str, Any]]:
    """The monitor's beats newer than `after` (UTC text), oldest first (getMonitorBeats)."""
    cursor = db.conn.execute(
        "SELECT * FROM heartbeat WHERE monitor_id = ? AND time > ? ORDER BY time ASC, id ASC", (monitor_id, after)
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _important_filter(user_id: int, monitor_id: int | None) -> tuple[str, tuple]:
    """Important beats of one of the user's monitors, or of all of them when `monitor_id` is None."""
    if monitor_id is None:
        return "h.important = 1 AND m.user_id = ?", (user_id,)
    return "h.important = 1 AND m.user_id = ? AND h.monitor_id = ?", (user_id, monitor_id)


def important_count(db: sqlite_utils.Database, user_id: int, monitor_id: int | None) -> int:
    """How many important beats the user's monitor (or all the user's monitors) has."""
    where, params = _important_filter(user_id, monitor_id)
    return db.conn.execute(
        f"SELECT COUNT(*) FROM heartbeat h JOIN monitor m ON m.id = h.monitor_id WHERE {where}", params
    ).fetchone()[0]


def important_page(
    db: sqlite_utils.Database, user_id: int, monitor_id: int | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """One page of important beats, newest first (monitorImportantHeartbeatListPaged)."""
    where, params = _important_filter(user_id, monitor_id)
    cursor = db.conn.execute(
        f"SELECT h.* FROM heartbeat h JOIN monitor m ON m.id = h.monitor_id WHERE {where} "
        "ORDER BY h.time DESC, h.id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
