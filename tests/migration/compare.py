"""Comparing a kuma-migrated database with Uptime Kuma 2.5.3's own result (the reference fixture)."""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from kuma.store import stats
from tests.helpers.legacy_db import LAST_1_23_BEAT

STAT_COLUMNS = "monitor_id, timestamp, ping, up, down, ping_min, ping_max, extras"
STAT_TABLES = ("stat_daily", "stat_hourly", "stat_minutely")


def schema(conn: sqlite3.Connection) -> dict[tuple[str, str], list[str]]:
    """type/name → CREATE text split on whitespace (Uptime Kuma's template tables carry CRLF)."""
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%'")
    return {(t, n): (s or "").split() for t, n, s in rows}


def table_rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    return conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()


def stat_rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    return conn.execute(f"SELECT {STAT_COLUMNS} FROM {table} ORDER BY monitor_id, timestamp").fetchall()


def add_reference_run(ours: Path, reference: Path) -> int:
    """Fold the beats Uptime Kuma 2.5.3 itself stored after migrating (its 32 s of monitoring) into our
    stat tables with kuma's live rule, so both databases hold the same history. Returns how many."""
    conn = sqlite3.connect(str(ours), isolation_level=None)
    db = sqlite_utils.Database(conn)
    ref = sqlite3.connect(str(reference))
    later = ref.execute(
        "SELECT monitor_id, time, status, ping FROM heartbeat WHERE time > ? ORDER BY time, id", (LAST_1_23_BEAT,)
    ).fetchall()
    for monitor_id, time, status, ping in later:
        epoch = datetime.strptime(time, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC).timestamp()
        stats.record_beat(db, monitor_id, epoch, status, ping)
    conn.close()
    ref.close()
    return len(later)


def stat_differences(a: list[tuple], b: list[tuple]) -> list[str]:
    """Rows that differ: keys, counts and extras exactly, the three pings within float rounding."""
    out = [f"row counts {len(a)} != {len(b)}"] if len(a) != len(b) else []
    for x, y in zip(a, b):
        same_floats = all(
            math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-9) for u, v in zip((x[2], x[5], x[6]), (y[2], y[5], y[6]))
        )
        if x[:2] != y[:2] or x[3:5] != y[3:5] or x[7] != y[7] or not same_floats:
            out.append(f"{x} != {y}")
    return out
