"""The aggregate-table step of the 1.x → 2.x migration: `stat_daily` / `stat_hourly` / `stat_minutely`
built from the heartbeat history set-based in SQL, one batch (one monitor, whole UTC days) per transaction.

Resumable: the plan and each monitor's progress live in kuma's own tables (`kuma_migration`,
`kuma_migration_monitor`); a batch's stat rows and its progress update commit together, and batches
never share a bucket (whole days of one monitor), so a kill at any point loses at most the batch in
flight and a restart neither repeats nor skips rows. The finished step drops those tables again.

The values are those of Uptime Kuma 2.5.3's own migration (`UptimeCalculator` in migration mode):
- UP counts in `up`, DOWN and PENDING in `down`, MAINTENANCE only in `extras` `{"maintenance": n}`;
- `ping` is its running mean over the bucket's UP beats, in time order, where an UP beat without a ping
  counts in `up` but leaves the mean: a_k = (a_{k-1}·(k-1) + p_k)/k, or a_k = a_{k-1}. In closed form
  a_n = Σ_j p_j · Π_{ping-less i > j} i/(i-1) / n, which the SQL evaluates with a suffix sum of
  ln(i) − ln(i−1) (equal to the running mean within floating-point rounding);
- min/max over the pings, starting from 0 when the bucket's first UP beat has no ping;
- hourly rows only for buckets with a beat in the last 30 days, minutely in the last 24 hours (the
  instant the migration started); daily rows for all history. Buckets are UTC.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

#: table → (bucket length s, keep window s or None for all history)
STAT_TABLES: dict[str, tuple[int, int | None]] = {
    "stat_daily": (86400, None),
    "stat_hourly": (3600, 30 * 86400),
    "stat_minutely": (60, 24 * 3600),
}
BATCH_ROWS = 100_000

_STATE_SQL = "CREATE TABLE IF NOT EXISTS kuma_migration (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_MONITOR_SQL = (
    "CREATE TABLE IF NOT EXISTS kuma_migration_monitor (monitor_id INTEGER PRIMARY KEY, total INTEGER NOT NULL, "
    "done INTEGER NOT NULL DEFAULT 0, next_from TEXT NOT NULL DEFAULT '', finished INTEGER NOT NULL DEFAULT 0)"
)


@dataclass(frozen=True)
class Plan:
    started: float  # epoch s: the instant the 24 h / 30 d windows are measured from
    total: int
    done: int


@dataclass(frozen=True)
class Batch:
    monitor_id: int
    start: str  # heartbeat.time >= start ('' = from the first)
    end: str | None  # heartbeat.time < end (a 'YYYY-MM-DD' day boundary), None = to the last


def stats_state(conn: sqlite3.Connection) -> str:
    """'resume' (kuma's step was under way), 'interrupted' (Uptime Kuma's own step was: it would refuse
    to start forever), 'needed', 'filled' (stat rows exist without a plan: Uptime Kuma skips then too)
    or 'done'."""
    if _has_table(conn, "kuma_migration"):
        return "resume"
    row = conn.execute("SELECT value FROM setting WHERE key = 'migrateAggregateTableState'").fetchone()
    state = json.loads(row[0]) if row and row[0] else None
    if state == "migrated":
        return "done"
    if state == "migrating":
        return "interrupted"
    empty = all(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0 for t in STAT_TABLES)
    return "needed" if empty else "filled"


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def set_state(conn: sqlite3.Connection, value: str) -> None:
    """Update, else insert: an upsert that hits its conflict still spends an AUTOINCREMENT id, and the
    `setting` counter should end where Uptime Kuma's does."""
    text = json.dumps(value)
    if conn.execute("UPDATE setting SET value = ? WHERE key = 'migrateAggregateTableState'", (text,)).rowcount == 0:
        conn.execute("INSERT INTO setting (key, value, type) VALUES ('migrateAggregateTableState', ?, NULL)", (text,))


def start_plan(conn: sqlite3.Connection, *, now: float) -> Plan:
    """Record what is to be done (heartbeats per monitor) and mark the state "migrating", as Uptime Kuma
    does, so a 2.x started on a half-done file refuses instead of serving partial statistics."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table in STAT_TABLES:  # left by an interrupted Uptime Kuma run: redone from scratch
            conn.execute(f"DELETE FROM {table}")
        conn.execute(_STATE_SQL)
        conn.execute(_MONITOR_SQL)
        conn.execute("INSERT INTO kuma_migration (key, value) VALUES ('started', ?)", (repr(now),))
        conn.execute(
            "INSERT INTO kuma_migration_monitor (monitor_id, total) SELECT monitor_id, count(*) FROM heartbeat "
            "WHERE monitor_id IN (SELECT id FROM monitor) GROUP BY monitor_id ORDER BY monitor_id"
        )
        set_state(conn, "migrating")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return read_plan(conn)


def read_plan(conn: sqlite3.Connection) -> Plan:
    started = float(conn.execute("SELECT value FROM kuma_migration WHERE key = 'started'").fetchone()[0])
    total, done = conn.execute("SELECT total(total), total(done) FROM kuma_migration_monitor").fetchone()
    return Plan(started, int(total), int(done))


def next_batch(conn: sqlite3.Connection, rows: int = BATCH_ROWS) -> Batch | None:
    """The next unfinished monitor's next stretch: about `rows` beats, rounded up to a whole UTC day."""
    row = conn.execute(
        "SELECT monitor_id, next_from FROM kuma_migration_monitor WHERE finished = 0 ORDER BY monitor_id LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    monitor_id, start = row
    end = conn.execute(
        "SELECT date(time, '+1 day') FROM heartbeat WHERE monitor_id = ? AND time >= ? ORDER BY time LIMIT 1 OFFSET ?",
        (monitor_id, start, rows),
    ).fetchone()
    return Batch(monitor_id, start, end[0] if end and end[0] else None)


#: heartbeat.time → Unix seconds (unixepoch() is SQLite ≥ 3.38 and twice as fast as strftime).
EPOCH = "unixepoch(time)" if sqlite3.sqlite_version_info >= (3, 38) else "CAST(strftime('%s', time) AS INTEGER)"

_TEMP_SQL = [
    "CREATE TEMP TABLE IF NOT EXISTS kuma_part (bucket INTEGER PRIMARY KEY, n, sp, np, mn, mx, down, maint, "
    "first_ping, last_null, last)",
    "CREATE TEMP TABLE IF NOT EXISTS kuma_roll (bucket INTEGER PRIMARY KEY, n, sp, np, mn, mx, down, maint, "
    "first_ping, last_null, last, complex)",
]

#: One pass over the batch's beats: per-minute partial sums, from which every table rolls up.
_PARTIAL_SQL = f"""
INSERT INTO temp.kuma_part
SELECT {EPOCH} / 60 * 60 AS minute, total(status = 1), total(CASE WHEN status = 1 THEN ping END),
  total(status = 1 AND ping IS NOT NULL), min(CASE WHEN status = 1 THEN ping END),
  max(CASE WHEN status = 1 THEN ping END), total(status IN (0, 2)), total(status = 3),
  min(CASE WHEN status = 1 AND ping IS NOT NULL THEN time END),
  max(CASE WHEN status = 1 AND ping IS NULL THEN time END), max(time)
FROM heartbeat WHERE monitor_id = :m AND time >= :lo AND (:hi IS NULL OR time < :hi)
GROUP BY minute
"""

#: Partials → one table's buckets. A bucket is "complex" when an UP beat without ping follows its first
#: pinged one: only then does the running mean differ from Σping / up.
_ROLL_SQL = """
INSERT INTO temp.kuma_roll
SELECT bucket / :len * :len AS b, total(n), total(sp), total(np), min(mn), max(mx), total(down), total(maint),
  min(first_ping), max(last_null), max(last), coalesce(max(last_null) >= min(first_ping), 0)
FROM temp.kuma_part WHERE bucket >= :from GROUP BY b HAVING :cutoff IS NULL OR max(last) > :cutoff
"""


def _insert_sql(table: str) -> str:
    """The rolled-up buckets as stat rows: the simple running mean (leading ping-less UP beats count in
    `up` and pull the mean and the minimum towards 0, as they do in Uptime Kuma)."""
    return f"""
INSERT INTO {table} (monitor_id, timestamp, ping, up, down, ping_min, ping_max, extras)
SELECT :m, bucket, CASE WHEN n > 0 THEN sp / n ELSE 0.0 END, CAST(n AS INTEGER), CAST(down AS INTEGER),
  CASE WHEN np = 0 THEN 0.0 WHEN n > np THEN min(0.0, mn) ELSE mn END,
  CASE WHEN np = 0 THEN 0.0 WHEN n > np THEN max(0.0, mx) ELSE mx END,
  CASE WHEN maint > 0 THEN json_object('maintenance', CAST(maint AS INTEGER)) END
FROM temp.kuma_roll ORDER BY bucket
"""


def _complex_sql(table: str) -> str:
    """The exact running mean for complex buckets, from their raw UP beats in time order (module doc)."""
    return f"""
WITH ups AS (
  SELECT {EPOCH} / :len * :len AS bucket, id, time, ping,
    row_number() OVER (PARTITION BY {EPOCH} / :len * :len ORDER BY time, id) AS k
  FROM heartbeat WHERE monitor_id = :m AND time >= :lo AND (:hi IS NULL OR time < :hi) AND status = 1
    AND {EPOCH} / :len * :len IN (SELECT bucket FROM temp.kuma_roll WHERE complex)
), weighted AS (
  SELECT bucket, ping, k, sum(CASE WHEN ping IS NULL AND k > 1 THEN ln(k) - ln(k - 1) ELSE 0.0 END)
    OVER (PARTITION BY bucket ORDER BY time, id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS f
  FROM ups
), w AS (
  SELECT bucket, total(ping * exp(coalesce(f, 0.0))) AS s, max(k = 1 AND ping IS NULL) AS lead_null
  FROM weighted GROUP BY bucket
)
UPDATE {table} SET ping = w.s / r.n,
  ping_min = CASE WHEN w.lead_null THEN min(0.0, r.mn) ELSE r.mn END,
  ping_max = CASE WHEN w.lead_null THEN max(0.0, r.mx) ELSE r.mx END
FROM w JOIN temp.kuma_roll r ON r.bucket = w.bucket
WHERE {table}.monitor_id = :m AND {table}.timestamp = w.bucket
"""


_INSERT_SQL = {table: _insert_sql(table) for table in STAT_TABLES}
_COMPLEX_SQL = {table: _complex_sql(table) for table in STAT_TABLES}


def _time_text(epoch: float) -> str:
    """An instant as heartbeat.time text (UTC, milliseconds), for comparisons in SQL."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def run_batch(conn: sqlite3.Connection, batch: Batch, plan: Plan) -> int:
    """Fold one batch into the three tables and advance its monitor, in one transaction. Returns the
    number of heartbeats it covered."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = _fold(conn, batch, plan)
        conn.execute(
            "UPDATE kuma_migration_monitor SET done = done + ?, next_from = coalesce(?, next_from), "
            "finished = ? WHERE monitor_id = ?",
            (rows, batch.end, 1 if batch.end is None else 0, batch.monitor_id),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return rows


def _fold(conn: sqlite3.Connection, batch: Batch, plan: Plan) -> int:
    for sql in _TEMP_SQL:
        conn.execute(sql)
    conn.execute("DELETE FROM temp.kuma_part")
    base = {"m": batch.monitor_id, "lo": batch.start, "hi": batch.end}
    conn.execute(_PARTIAL_SQL, base)
    for table, (length, keep) in STAT_TABLES.items():
        _fold_table(conn, table, length, None if keep is None else plan.started - keep, base)
    count = conn.execute("SELECT total(n + down + maint) FROM temp.kuma_part").fetchone()[0]
    return int(count)


def _fold_table(conn: sqlite3.Connection, table: str, length: int, since: float | None, base: dict) -> None:
    """Roll the partials up into `table`; with `since`, only buckets holding a beat after it (and only
    partials from its bucket on are read)."""
    conn.execute("DELETE FROM temp.kuma_roll")
    cutoff = None if since is None else _time_text(since)
    start = 0 if since is None else int(since) // length * length
    params = {**base, "len": length, "from": start, "cutoff": cutoff}
    conn.execute(_ROLL_SQL, params)
    conn.execute(_INSERT_SQL[table], params)
    if conn.execute("SELECT 1 FROM temp.kuma_roll WHERE complex LIMIT 1").fetchone():
        conn.execute(_COMPLEX_SQL[table], params)


def finish(conn: sqlite3.Connection) -> None:
    """Mark the step done for Uptime Kuma ("migrated") and drop kuma's bookkeeping, together."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        set_state(conn, "migrated")
        conn.execute("DROP TABLE IF EXISTS kuma_migration_monitor")
        conn.execute("DROP TABLE IF EXISTS kuma_migration")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def sql_features() -> list[str]:
    """What the aggregate step needs of the SQLite this build links (math functions, window functions,
    UPDATE … FROM), tried on an in-memory database; raises when one is missing (`kuma self-check`)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v REAL)")
        conn.execute("INSERT INTO t VALUES (1, 0.0)")
        day_one = EPOCH.replace("time", "'1970-01-02 00:00:00.000'")
        row = conn.execute(
            f"SELECT ln(2.0), exp(0.0), {day_one}, "
            "(SELECT sum(x) OVER (ORDER BY x ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) "
            "FROM (SELECT 1 AS x UNION ALL SELECT 2) LIMIT 1)"
        ).fetchone()
        conn.execute("UPDATE t SET v = s.v FROM (SELECT 1 AS k, 2.5 AS v) AS s WHERE t.k = s.k")
        if abs(row[0] - 0.693147) > 1e-6 or row[1] != 1.0 or row[2] != 86400 or row[3] != 2:
            raise RuntimeError(f"SQLite functions answer wrongly: {row}")
        if conn.execute("SELECT v FROM t").fetchone()[0] != 2.5:
            raise RuntimeError("UPDATE … FROM did not update")
    finally:
        conn.close()
    return ["ln", "exp", "unixepoch" if "unixepoch" in EPOCH else "strftime", "window", "update-from"]
