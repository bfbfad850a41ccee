"""Issue #20: the aggregate step on a longer (synthetic) 1.23 history equals kuma's live rule replayed beat
by beat, in any batch size; `kill -9` of a real `kuma migrate` midway and a restart give the same rows;
stale state left by Uptime Kuma or by a killed run is recovered from instead of crash-looping."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from kuma.clock import parse_instant
from kuma.migration.runner import MigrationBusy, backup_path, migrate
from kuma.store import legacy_schema, stats
from kuma.store.legacy_stats import STAT_TABLES as KEEP
from tests.helpers.legacy_db import MIGRATED_AT, REFERENCE_DB, copy_legacy, extend_history
from tests.helpers.paths import REPO
from tests.migration.compare import STAT_TABLES, stat_differences, stat_rows

NOW = parse_instant(MIGRATED_AT)


@pytest.fixture(scope="module")
def two_days(tmp_path_factory) -> Path:
    """The 1.23 fixture with 2 more days of beats every 60 s (≈ 35,000 rows, every status and ping case)."""
    path = copy_legacy(tmp_path_factory.mktemp("two-days"))
    extend_history(path, days=2, interval=60)
    return path


def _epoch(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC).timestamp()


def live_rule_oracle(source: Path, target: Path) -> sqlite3.Connection:
    """The same history folded beat by beat with kuma's live upsert (kuma/store/stats.py), then cut to the
    windows Uptime Kuma's migration keeps (hourly: a beat in the last 30 days, minutely: 24 hours)."""
    copy_legacy(target.parent, source)
    conn = sqlite3.connect(str(target), isolation_level=None)
    legacy_schema.converge(conn, now_ms=0)
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    rows = conn.execute("SELECT monitor_id, time, status, ping FROM heartbeat ORDER BY monitor_id, time, id").fetchall()
    for monitor_id, when, status, ping in rows:
        stats.record_beat(db, monitor_id, _epoch(when), status, ping)
    for table, (length, keep) in KEEP.items():
        if keep is not None:
            conn.execute(
                f"DELETE FROM {table} WHERE NOT EXISTS (SELECT 1 FROM heartbeat h WHERE h.monitor_id = {table}.monitor_id "
                f"AND h.time > ? AND unixepoch(h.time) / {length} * {length} = {table}.timestamp)",
                (datetime.fromtimestamp(NOW - keep, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],),
            )
    conn.execute("COMMIT")
    return conn


def test_long_history_equals_the_live_rule_in_any_batch_size(two_days, tmp_path):
    oracle = live_rule_oracle(two_days, tmp_path / "oracle" / "kuma.db")
    results = {}
    for batch_rows in (1, 100_000):
        path = copy_legacy(tmp_path / f"batch-{batch_rows}", two_days)
        assert migrate(path, now=NOW, batch_rows=batch_rows).heartbeats == 261 + 12 * 2880
        results[batch_rows] = {t: stat_rows(sqlite3.connect(path), t) for t in STAT_TABLES}
    for table in STAT_TABLES:
        assert stat_differences(results[100_000][table], stat_rows(oracle, table)) == [], table
        assert results[1][table] == results[100_000][table], table  # bit for bit
    daily = results[100_000]["stat_daily"]
    assert len(daily) == 12 * 3  # Nov 29, Nov 30, Dec 1
    assert any(extras and json.loads(extras)["maintenance"] for *_, extras in daily)
    # minutely rows only within the last 24 hours, hourly for all of these 2 days
    minutely = results[100_000]["stat_minutely"]
    assert min(ts for _, ts, *_ in minutely) >= (NOW - 86400) // 60 * 60
    assert len({ts for _, ts, *_ in results[100_000]["stat_hourly"]}) == 50


def _migrate_cli(data_dir: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), KUMA_CLOCK_START=MIGRATED_AT, KUMA_LOG_LEVEL="INFO")
    return subprocess.Popen(
        [sys.executable, "-m", "kuma", "migrate", "--data-dir", str(data_dir), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _progress(path: Path) -> tuple[int, int, int] | None:
    """(done, total, unfinished monitors) from kuma's progress table, read as another process would."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            row = conn.execute(
                "SELECT total(done), total(total), total(finished = 0) FROM kuma_migration_monitor"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return None
    return int(row[0]), int(row[1]), int(row[2])


def test_kill_9_at_30_percent_then_restart_gives_the_same_rows(tmp_path):
    source = copy_legacy(tmp_path / "source")
    extend_history(source, days=6, interval=20)  # ≈ 311,000 beats
    clean = copy_legacy(tmp_path / "clean", source)
    assert migrate(clean, now=NOW).migrated
    killed = copy_legacy(tmp_path / "killed", source)

    process = _migrate_cli(killed.parent, "--batch-rows", "1")  # one monitor-day per transaction
    seen = None
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        seen = _progress(killed)
        if seen and seen[1] and seen[0] >= 0.3 * seen[1]:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL, process.stdout.read()
    done, total, unfinished = _progress(killed)
    assert 0.3 * total <= done < total and unfinished > 0, (done, total)
    assert (killed.parent / "kuma.db.migrate-lock").exists()  # left behind by the kill: must not block

    restart = _migrate_cli(killed.parent)
    log, _ = restart.communicate(timeout=300)
    assert restart.returncode == 0, log
    assert "resuming where it stopped" in log
    assert f"{total - done:,} of {total:,} heartbeats to fold in" in log  # continues, never starts over
    for table in STAT_TABLES:
        assert stat_rows(sqlite3.connect(killed), table) == stat_rows(sqlite3.connect(clean), table), table
    # the backup is the one taken before the first run changed anything
    backup = sqlite3.connect(backup_path(killed))
    assert backup.execute("SELECT count(*) FROM heartbeat").fetchone()[0] == total
    assert not backup.execute("SELECT 1 FROM sqlite_master WHERE name = 'knex_migrations'").fetchall()


def test_an_interrupted_uptime_kuma_migration_is_redone(tmp_path):
    """2.x killed during its aggregate step leaves 'migrating' (it then refuses to start, every time) and
    maybe knex's lock row set: kuma clears both and rebuilds the stat tables from all heartbeats."""
    path = copy_legacy(tmp_path, REFERENCE_DB)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE setting SET value = '\"migrating\"' WHERE key = 'migrateAggregateTableState'")
    conn.execute("DELETE FROM stat_daily WHERE monitor_id > 6")
    conn.execute("UPDATE stat_hourly SET up = up + 100")  # half-written rows must not survive
    conn.execute("UPDATE knex_migrations_lock SET is_locked = 1")
    conn.commit()
    conn.close()
    assert migrate(path, now=NOW).heartbeats == 281
    conn, reference = sqlite3.connect(path), sqlite3.connect(REFERENCE_DB)
    for table in STAT_TABLES:  # the reference's rows are the fold of its 281 beats, by the same rule
        assert stat_differences(stat_rows(conn, table), stat_rows(reference, table)) == [], table
    assert conn.execute("SELECT is_locked FROM knex_migrations_lock").fetchall() == [(0,)]
    assert conn.execute("SELECT value FROM setting WHERE key = 'migrateAggregateTableState'").fetchone() == (
        '"migrated"',
    )


def test_a_live_lock_refuses_and_a_dead_one_does_not(tmp_path):
    path = copy_legacy(tmp_path)
    lock = path.with_name("kuma.db.migrate-lock")
    lock.write_text("424242")  # a lock file of a process that died: nobody holds it
    with open(lock, "r+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # now somebody does
        with pytest.raises(MigrationBusy, match="another process"):
            migrate(path, now=NOW)
        cli = _migrate_cli(path.parent)
        out, _ = cli.communicate(timeout=60)
        assert cli.returncode == 1 and "is migrating" in out, out
    assert migrate(path, now=NOW).migrated  # released: the stale file is no obstacle
    assert not lock.exists()


def test_a_database_older_than_1_23_is_refused_untouched(tmp_path):
    path = copy_legacy(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE setting SET value = '{\"patch-2fa.sql\":true}' WHERE key = 'databasePatchedFiles'")
    conn.commit()
    conn.close()
    cli = _migrate_cli(path.parent)
    out, _ = cli.communicate(timeout=60)
    assert cli.returncode == 1 and "older than 1.23" in out and "Uptime Kuma 1.23 first" in out, out
    assert not backup_path(path).exists()
    assert not sqlite3.connect(path).execute("SELECT 1 FROM sqlite_master WHERE name = 'knex_migrations'").fetchall()
