"""Uptime Kuma 2.5.3's schema, kept as data: `schema.sql` plus the migration bookkeeping rows.

A fresh kuma.db made here can be opened by real Uptime Kuma 2.5.3 and the other way round: the same
tables, columns, defaults and indexes, and the same `knex_migrations` / patch bookkeeping.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from importlib import resources


def _read_resource(name: str) -> str:
    return resources.files("kuma.store").joinpath(name).read_text(encoding="utf-8")


SCHEMA_SQL = _read_resource("schema.sql")
_MIGRATIONS = json.loads(_read_resource("migrations.json"))
KNEX_MIGRATIONS: list[str] = _MIGRATIONS["knex_migrations"]
DATABASE_VERSION: int = _MIGRATIONS["database_version"]
PATCHED_FILES: list[str] = _MIGRATIONS["patched_files"]


class SchemaError(RuntimeError):
    """The database is not one kuma can run on (too old, half-migrated, or not a kuma.db)."""


@dataclass(frozen=True)
class SchemaStatus:
    fresh: bool  # True when this call created the schema
    missing_migrations: tuple[str, ...]


def create_schema(conn: sqlite3.Connection, *, now_ms: int) -> None:
    """Create every table and the bookkeeping rows Uptime Kuma looks for, in one transaction.
    `now_ms` (the caller's clock) stamps the migration rows."""
    conn.execute("BEGIN")
    try:
        create_tables(conn)
        conn.executemany(
            "INSERT INTO knex_migrations (name, batch, migration_time) VALUES (?, 1, ?)",
            [(name, now_ms + i) for i, name in enumerate(KNEX_MIGRATIONS)],
        )
        conn.execute('INSERT INTO knex_migrations_lock ("index", is_locked) VALUES (1, 0)')
        conn.executemany(
            "INSERT INTO setting (key, value, type) VALUES (?, ?, NULL)",
            [
                ("database_version", str(DATABASE_VERSION)),
                ("databasePatchedFiles", json.dumps({name: True for name in PATCHED_FILES}, separators=(",", ":"))),
                ("migrateAggregateTableState", json.dumps("migrated")),
            ],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def create_tables(conn: sqlite3.Connection) -> None:
    """Only the tables and indexes of schema.sql, no rows (the copy from MySQL brings its own)."""
    for statement in (s.strip() for s in SCHEMA_SQL.split(";\n") if s.strip() and not _is_comment(s)):
        conn.execute(statement)


def _is_comment(chunk: str) -> bool:
    return all(line.startswith("--") or not line.strip() for line in chunk.splitlines())


def is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0


def check_schema(conn: sqlite3.Connection) -> SchemaStatus:
    """Refuse databases kuma cannot run on; say which migrations are missing otherwise."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "monitor" not in tables or "setting" not in tables:
        raise SchemaError("not an Uptime Kuma database (no monitor/setting tables)")
    if "knex_migrations" not in tables:
        raise SchemaError("database from Uptime Kuma 1.x: open it once with Uptime Kuma 2.x to migrate it")
    done = {r[0] for r in conn.execute("SELECT name FROM knex_migrations")}
    missing = tuple(name for name in KNEX_MIGRATIONS if name not in done)
    state = conn.execute("SELECT value FROM setting WHERE key = 'migrateAggregateTableState'").fetchone()
    if state and state[0] and json.loads(state[0]) == "migrating":
        raise SchemaError("aggregate table migration was interrupted (migrateAggregateTableState = migrating)")
    if missing:
        raise SchemaError(f"database is missing {len(missing)} migrations, first: {missing[0]}")
    return SchemaStatus(fresh=False, missing_migrations=missing)
