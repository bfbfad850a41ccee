"""The schema kuma creates is Uptime Kuma 2.5.3's, compared programmatically with the real database."""
from __future__ import annotations

import hashlib
import sqlite3

import pytest
import trio

from kuma.store import Database
from kuma.store.schema import KNEX_MIGRATIONS, SchemaError
from kuma.store.settings import get_setting
from tests.helpers.paths import FIXTURE_DB
from tests.helpers.server import copy_fixture_db


def describe_schema(path) -> dict:
    """Tables → columns (name, type, notnull, default, pk), foreign keys, and indexes with their columns."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    described = {}
    for table in tables:
        cols = [tuple(r[1:6]) for r in conn.execute(f'PRAGMA table_info("{table}")')]
        fks = sorted(tuple(r[2:8]) for r in conn.execute(f'PRAGMA foreign_key_list("{table}")'))
        indexes = {}
        for idx in conn.execute(f'PRAGMA index_list("{table}")'):
            name, unique = idx[1], idx[2]
            indexes[name] = (unique, [r[2] for r in conn.execute(f'PRAGMA index_info("{name}")')])
        described[table] = {"columns": cols, "foreign_keys": fks, "indexes": indexes}
    conn.close()
    return described


async def _open_and_close(path):
    db = Database.open(path)
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        nursery.cancel_scope.cancel()
    db.close()
    return db


async def test_fresh_database_matches_uptime_kuma_schema(tmp_path):
    path = tmp_path / "kuma.db"
    db = await _open_and_close(path)
    assert db.status.fresh
    ours, theirs = describe_schema(path), describe_schema(FIXTURE_DB)
    assert sorted(ours) == sorted(theirs)
    for table in theirs:
        assert ours[table] == theirs[table], table


async def test_fresh_database_has_migration_bookkeeping(tmp_path):
    path = tmp_path / "kuma.db"
    await _open_and_close(path)
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM knex_migrations ORDER BY id")]
    fixture = sqlite3.connect(f"file:{FIXTURE_DB}?mode=ro", uri=True)
    assert names == [r[0] for r in fixture.execute("SELECT name FROM knex_migrations ORDER BY id")]
    assert len(names) == 55 == len(KNEX_MIGRATIONS)
    assert conn.execute("SELECT batch, typeof(migration_time) FROM knex_migrations LIMIT 1").fetchone() == (1, "integer")
    assert conn.execute('SELECT "index", is_locked FROM knex_migrations_lock').fetchall() == [(1, 0)]
    settings = dict(conn.execute("SELECT key, value FROM setting"))
    assert settings["migrateAggregateTableState"] == '"migrated"'
    assert settings["database_version"] == "10"
    assert settings["databasePatchedFiles"] == fixture.execute(
        "SELECT value FROM setting WHERE key='databasePatchedFiles'").fetchone()[0]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_fixture_database_opens_as_current_and_is_not_modified(tmp_path):
    path = copy_fixture_db(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    db = Database.open(path)
    assert not db.status.fresh and db.status.missing_migrations == ()
    assert await db.read(lambda d: get_setting(d, "entryPage")) == "statusPage-main"
    assert await db.read(lambda d: d["monitor"].count) == 12
    db.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_database_missing_migrations_is_refused(tmp_path):
    path = copy_fixture_db(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM knex_migrations WHERE name = ?", (KNEX_MIGRATIONS[-1],))
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError, match="missing 1 migrations"):
        Database.open(path)


def test_foreign_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE foo (x)")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError, match="not an Uptime Kuma database"):
        Database.open(path)
