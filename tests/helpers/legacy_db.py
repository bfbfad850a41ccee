"""Uptime Kuma 1.23 databases for the migration tests and benchmark: the real 1.23 fixture, and the same
with a longer, synthetic heartbeat history (set-based inserts: millions of rows in seconds).

The synthetic beats are 1.23-shaped rows (`time` as 'YYYY-MM-DD HH:MM:SS.fff' UTC, pings as integers,
NULL pings for push-like UP beats) with every case the aggregate step must get right: UP with and
without ping, DOWN, PENDING and MAINTENANCE, spread so buckets mix them. Monitors with id % 6 == 5 have
no ping on any beat (like group and push monitors), id % 6 == 3 lack it on every 17th beat (the buckets
whose running mean is not Σping / up), the others always have one."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.helpers.paths import SHARED

LEGACY = SHARED / "fixtures" / "uptime-kuma-1.23"
LEGACY_DB = LEGACY / "kuma.db"
REFERENCE_DB = LEGACY / "migrated-by-2.5.3" / "kuma.db"
#: when Uptime Kuma 2.5.3 migrated the reference (its knex rows end 08:07:35.383): the 24 h / 30 d windows
MIGRATED_AT = "2026-12-01T08:07:35.383Z"
#: the last beat 1.23 wrote; later beats in the reference are 2.5.3's own 32 s of monitoring
LAST_1_23_BEAT = "2026-12-01 08:07:20.620"
FIRST_1_23_BEAT_EPOCH = 1796111944  # 2026-12-01 07:59:04 UTC


def copy_legacy(data_dir: Path, source: Path = LEGACY_DB) -> Path:
    """A writable copy of a fixture database as `data_dir/kuma.db` (shared/ is read-only)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / "kuma.db"
    shutil.copyfile(source, target)
    target.chmod(0o644)
    return target


def add_monitors(conn: sqlite3.Connection, count: int) -> list[int]:
    """Copies of fixture monitor 1 (an http monitor) until the database holds `count` monitors."""
    have = conn.execute("SELECT count(*) FROM monitor").fetchone()[0]
    cols = [r[1] for r in conn.execute("PRAGMA table_info(monitor)") if r[1] != "id"]
    names = ", ".join(f'"{c}"' for c in cols)
    select = ", ".join(f"'Synthetic ' || n" if c == "name" else f'"{c}"' for c in cols)
    for n in range(have + 1, count + 1):
        conn.execute(f"INSERT INTO monitor ({names}) SELECT {select} FROM monitor, (SELECT ? AS n) WHERE id = 1", (n,))
    conn.commit()
    return [r[0] for r in conn.execute("SELECT id FROM monitor ORDER BY id")]


def extend_history(path: Path, *, days: float, interval: int, monitors: int | None = None) -> int:
    """Add `days` of beats every `interval` s before the fixture's first beat, for every monitor (after
    growing the monitor table to `monitors`), in time order across monitors as a running server writes
    them (so one monitor's beats are spread over the whole file). Returns the heartbeat count afterwards."""
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    ids = add_monitors(conn, monitors) if monitors else [r[0] for r in conn.execute("SELECT id FROM monitor")]
    steps = int(days * 86400 // interval)
    start = FIRST_1_23_BEAT_EPOCH - steps * interval
    chunk = max(1, 86400 // interval)  # one day per transaction
    for first in range(0, steps, chunk):
        _insert_beats(conn, json.dumps(ids), start, first, min(chunk, steps - first), interval)
        conn.commit()
    count = conn.execute("SELECT count(*) FROM heartbeat").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return count


def _insert_beats(conn: sqlite3.Connection, ids: str, start: int, first: int, steps: int, interval: int) -> None:
    """Steps first … first+steps-1 of every monitor, step by step; status and ping are fixed functions
    of the step number, offset per monitor."""
    conn.execute(
        """
        WITH RECURSIVE n(i) AS (SELECT :first UNION ALL SELECT i + 1 FROM n WHERE i < :first + :steps - 1),
        beats AS (
          SELECT i, m.value AS m, CASE WHEN (i + m.value) % 211 = 0 THEN 0 WHEN (i + m.value) % 307 = 0 THEN 2
                                     WHEN (i / 60 + m.value) % 97 = 0 THEN 3 ELSE 1 END AS s
          FROM n CROSS JOIN json_each(:ids) AS m
        )
        INSERT INTO heartbeat (important, monitor_id, status, msg, time, ping, duration, down_count)
        SELECT CASE WHEN s != 1 THEN 1 ELSE 0 END, m, s,
               CASE s WHEN 1 THEN '200 - OK' WHEN 3 THEN 'Monitor under maintenance' ELSE 'connect ECONNREFUSED' END,
               strftime('%Y-%m-%d %H:%M:%f', :start + i * :interval + (i * 37 + m * 101) % 1000 / 1000.0, 'unixepoch'),
               CASE WHEN s = 1 AND m % 6 != 5 AND (m % 6 != 3 OR (i + m) % 17 != 0) THEN 20 + (i * 7919 + m * 31) % 300 END,
               :interval, 0
        FROM beats
        """,
        {"ids": ids, "start": start, "first": first, "steps": steps, "interval": interval},
    )
