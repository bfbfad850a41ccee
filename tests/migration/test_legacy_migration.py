"""Issue #20: a real Uptime Kuma 1.23 kuma.db, migrated by kuma, equals what Uptime Kuma 2.5.3 made of it.

The reference is the same 1.23 file after 2.5.3 migrated it (and then monitored for 32 s: those 20 beats
are folded into our result with kuma's live rule before the stat tables are compared)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kuma.clock import parse_instant
from kuma.migration.runner import backup_path, migrate, needs_migration
from kuma.store.schema import KNEX_MIGRATIONS
from tests.helpers.legacy_db import LAST_1_23_BEAT, LEGACY_DB, MIGRATED_AT, REFERENCE_DB, copy_legacy
from tests.migration.compare import STAT_TABLES, add_reference_run, schema, stat_differences, stat_rows, table_rows

NOW = parse_instant(MIGRATED_AT)
#: tables whose rows must equal the reference's exactly (heartbeat, setting, stats and sqlite_sequence below)
SAME_ROWS = (
    "api_key",
    "docker_host",
    "domain_expiry",
    "group",
    "incident",
    "maintenance",
    "maintenance_status_page",
    "monitor",
    "monitor_group",
    "monitor_maintenance",
    "monitor_notification",
    "monitor_tag",
    "monitor_tls_info",
    "notification",
    "notification_sent_history",
    "proxy",
    "remote_browser",
    "status_page",
    "status_page_cname",
    "tag",
    "user",
    "knex_migrations_lock",
)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    path = copy_legacy(tmp_path_factory.mktemp("legacy"))
    outcome = migrate(path, now=NOW)
    assert outcome.migrated and outcome.heartbeats == 261
    return path


@pytest.fixture(scope="module")
def reference():
    conn = sqlite3.connect(f"file:{REFERENCE_DB}?mode=ro", uri=True)
    yield conn
    conn.close()


def test_schema_and_bookkeeping_equal_the_reference(migrated, reference):
    conn = sqlite3.connect(migrated)
    assert schema(conn) == schema(reference)  # every table, column, index: same CREATE text
    knex = conn.execute("SELECT id, name, batch FROM knex_migrations ORDER BY id").fetchall()
    assert knex == reference.execute("SELECT id, name, batch FROM knex_migrations ORDER BY id").fetchall()
    assert [name for _, name, _ in knex] == KNEX_MIGRATIONS
    assert conn.execute("SELECT count(DISTINCT migration_time) FROM knex_migrations").fetchone()[0] == 55
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert not needs_migration(migrated)  # kuma (and so the server) now sees a current database


def test_rows_equal_the_reference(migrated, reference):
    conn = sqlite3.connect(migrated)
    for table in SAME_ROWS:
        assert table_rows(conn, table) == table_rows(reference, table), table
    beats = "SELECT * FROM heartbeat WHERE time <= ? ORDER BY id"
    assert conn.execute(beats, (LAST_1_23_BEAT,)).fetchall() == reference.execute(beats, (LAST_1_23_BEAT,)).fetchall()
    settings = dict(conn.execute("SELECT key, value FROM setting"))
    assert settings == dict(reference.execute("SELECT key, value FROM setting"))
    assert json.loads(settings["migrateAggregateTableState"]) == "migrated"
    # the counters kuma did not touch stay where 1.23 left them; heartbeat and stat_* differ by 2.5.3's run
    ours, theirs = (
        dict(conn.execute("SELECT name, seq FROM sqlite_sequence")),
        dict(reference.execute("SELECT name, seq FROM sqlite_sequence")),
    )
    for name in ("heartbeat", *STAT_TABLES):
        ours.pop(name, None), theirs.pop(name)
    assert ours == theirs
    # no kuma bookkeeping left behind in a finished file
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'kuma_%'").fetchall()


def test_stat_tables_equal_the_reference(migrated, reference, tmp_path):
    ours = copy_legacy(tmp_path, migrated)
    assert add_reference_run(ours, REFERENCE_DB) == 20
    conn = sqlite3.connect(ours)
    for table in STAT_TABLES:
        assert stat_differences(stat_rows(conn, table), stat_rows(reference, table)) == [], table
    assert len(stat_rows(conn, "stat_minutely")) == 104  # 07:59 … 08:08, as 2.5.3 wrote them


def test_backup_is_the_untouched_1_23_file(migrated):
    backup = sqlite3.connect(backup_path(migrated))
    original = sqlite3.connect(f"file:{LEGACY_DB}?mode=ro", uri=True)
    assert schema(backup) == schema(original)
    for (table,) in original.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        assert table_rows(backup, table) == table_rows(original, table), table
    assert backup.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, nothing beside it


def test_a_second_run_changes_nothing(migrated):
    before = sqlite3.connect(migrated).execute("SELECT count(*), total(up) FROM stat_daily").fetchone()
    assert migrate(migrated, now=NOW).migrated is False
    assert sqlite3.connect(migrated).execute("SELECT count(*), total(up) FROM stat_daily").fetchone() == before
