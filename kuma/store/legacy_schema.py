"""Bring an Uptime Kuma 1.23 (or half-migrated 2.x) kuma.db to the 2.5.3 schema, in one transaction.

Uptime Kuma gets there by 55 knex migrations; what they leave is `schema.sql` (the reference database
migrated by 2.5.3 has byte-identical `sqlite_master` text). So instead of replaying them we converge each
table on its target: a table that only gained columns at the end (heartbeat, the big one) has its
definition swapped in `sqlite_master` — what `ALTER TABLE … ADD COLUMN` itself does, no row is rewritten;
any other changed table is rebuilt by copy (they are small). Then the indexes, the data fixes of the
migrations that were missing (`legacy_fixes.py`) and the `knex_migrations` rows, so that Uptime Kuma
2.5.3 sees a current database.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass

from kuma.store import legacy_fixes
from kuma.store.schema import KNEX_MIGRATIONS, PATCHED_FILES, SCHEMA_SQL, SchemaError

log = logging.getLogger(__name__)

#: (table, new column) → the column it was renamed from by a migration (its values move along).
RENAMED: dict[tuple[str, str], str] = {("status_page", "analytics_id"): "google_analytics_tag_id"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    notnull: bool
    default: str | None
    pk: int


@dataclass(frozen=True)
class Target:
    """The 2.5.3 schema, read from `schema.sql` into an in-memory database once."""

    tables: dict[str, str]  # name → CREATE TABLE text, in schema order
    indexes: dict[str, tuple[str, str]]  # name → (table, CREATE INDEX text)
    columns: dict[str, list[Column]]
    foreign_keys: dict[str, set[tuple]]


def load_target() -> Target:
    """What schema.sql builds (tables, indexes, columns, foreign keys), read from an in-memory database, so
    a legacy file is compared with the real thing rather than a hand-kept list."""
    mem = sqlite3.connect(":memory:")
    mem.executescript(SCHEMA_SQL)
    tables = {n: s for n, s in mem.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid")}
    tables.pop("sqlite_sequence", None)
    indexes = {
        n: (t, s)
        for n, t, s in mem.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    }
    target = Target(tables, indexes, {t: columns(mem, t) for t in tables}, {t: foreign_keys(mem, t) for t in tables})
    mem.close()
    return target


def columns(conn: sqlite3.Connection, table: str) -> list[Column]:
    return [Column(r[1], r[2], bool(r[3]), r[4], r[5]) for r in conn.execute(f'PRAGMA table_info("{table}")')]


def foreign_keys(conn: sqlite3.Connection, table: str) -> set[tuple]:
    return {(r[2], r[3], r[4], r[5], r[6]) for r in conn.execute(f'PRAGMA foreign_key_list("{table}")')}


def affinity(declared: str) -> str:
    """SQLite's column affinity rules (datatype3 §3.1): what decides how stored values read back."""
    t = declared.upper()
    if "INT" in t:
        return "INTEGER"
    if any(k in t for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if any(k in t for k in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def legacy_state(conn: sqlite3.Connection) -> str:
    """'1.x' (no knex bookkeeping), 'partial' (a 2.x database missing migrations) or 'current'."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "monitor" not in names or "setting" not in names:
        raise SchemaError("not an Uptime Kuma database (no monitor/setting tables)")
    if "knex_migrations" not in names:
        return "1.x"
    done = {r[0] for r in conn.execute("SELECT name FROM knex_migrations")}
    return "current" if all(n in done for n in KNEX_MIGRATIONS) else "partial"


def require_1_23_patches(conn: sqlite3.Connection) -> None:
    """The converge starts from 1.23's legacy patch level (database_version 10 + all 44 patch files)."""
    row = conn.execute("SELECT value FROM setting WHERE key = 'databasePatchedFiles'").fetchone()
    version = conn.execute("SELECT value FROM setting WHERE key = 'database_version'").fetchone()
    patched = json.loads(row[0]) if row and row[0] else {}
    missing = [name for name in PATCHED_FILES if not patched.get(name)]
    if not version or str(version[0]) != "10" or missing:
        raise SchemaError(
            "database from an Uptime Kuma older than 1.23 (legacy patches missing"
            + (f", first: {missing[0]}" if missing else "")
            + "): open it once with Uptime Kuma 1.23 first"
        )


def converge(conn: sqlite3.Connection, *, now_ms: int) -> list[str]:
    """Run every schema step in ONE transaction (a kill leaves the file as it was). Returns the names of
    the knex migrations that were missing. Foreign keys are off meanwhile, as Uptime Kuma does."""
    target = load_target()
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA legacy_alter_table = ON")  # renames must not rewrite other tables' references
    conn.execute("BEGIN IMMEDIATE")
    try:
        done = _done_migrations(conn)
        missing = [n for n in KNEX_MIGRATIONS if n not in done]
        for table in target.tables:
            _converge_table(conn, target, table)
        _converge_indexes(conn, target)
        _knex_counters(conn, target)
        legacy_fixes.apply(conn, missing)
        _record_migrations(conn, missing, now_ms)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA legacy_alter_table = OFF")
        conn.execute("PRAGMA foreign_keys = ON")
    return missing


def same_sql(a: str, b: str) -> bool:
    """Equal up to whitespace: Uptime Kuma's template tables carry CRLF line ends, schema.sql LF."""
    return a.split() == b.split()


def _done_migrations(conn: sqlite3.Connection) -> set[str]:
    try:
        return {r[0] for r in conn.execute("SELECT name FROM knex_migrations")}
    except sqlite3.OperationalError:
        return set()


def _table_sql(conn: sqlite3.Connection, table: str) -> str | None:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return row[0] if row else None


def _converge_table(conn: sqlite3.Connection, target: Target, table: str) -> None:
    current = _table_sql(conn, table)
    wanted = target.tables[table]
    if current is not None and same_sql(current, wanted):
        return
    if current is None:
        conn.execute(wanted)
        log.info("schema: created table %s", table)
    elif _appendable(conn, target, table):
        _swap_definition(conn, table, wanted)
        log.info("schema: %s gained columns in place (no rows rewritten)", table)
    else:
        _rebuild(conn, target, table)
        log.info("schema: rebuilt table %s", table)


def _appendable(conn: sqlite3.Connection, target: Target, table: str) -> bool:
    """True when the target only appends columns (same names, affinities, keys before them), adds no
    UNIQUE/CHECK and keeps the foreign keys: then old rows read back the same under the new text."""
    old, new = columns(conn, table), target.columns[table]
    if len(new) < len(old) or "CHECK" in target.tables[table].upper():
        return False
    for a, b in zip(old, new, strict=False):
        if a.name != b.name or affinity(a.type) != affinity(b.type) or a.pk != b.pk or (b.notnull and not a.notnull):
            return False
    for extra in new[len(old) :]:
        if extra.pk or (extra.notnull and extra.default is None) or _non_constant(extra.default):
            return False
    uniques = [r for r in conn.execute(f'PRAGMA index_list("{table}")') if r[3] == "u"]
    return (
        not uniques
        and "UNIQUE" not in target.tables[table].upper()
        and foreign_keys(conn, table) == target.foreign_keys[table]
    )


def _non_constant(default: str | None) -> bool:
    return default is not None and ("(" in default or "CURRENT_" in default.upper())


def _swap_definition(conn: sqlite3.Connection, table: str, wanted: str) -> None:
    """Replace the table's CREATE text (SQLite's documented writable_schema procedure, lang_altertable §7)."""
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (wanted, table))
        conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


def _rebuild(conn: sqlite3.Connection, target: Target, table: str) -> None:
    """Rename away, create with the target text, copy the columns both have (renamed ones included), drop
    the old table, and keep the AUTOINCREMENT counter where it was."""
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    old_cols = {c.name for c in columns(conn, table)}
    scratch = f"_kuma_old_{table}"
    conn.execute(f'ALTER TABLE "{table}" RENAME TO "{scratch}"')
    conn.execute(target.tables[table])
    pairs = [
        (c.name, RENAMED.get((table, c.name), c.name))
        for c in target.columns[table]
        if RENAMED.get((table, c.name), c.name) in old_cols
    ]
    into = ", ".join(f'"{new}"' for new, _ in pairs)
    source = ", ".join(f'"{old}"' for _, old in pairs)
    conn.execute(f'INSERT INTO "{table}" ({into}) SELECT {source} FROM "{scratch}" ORDER BY rowid')
    conn.execute(f'DROP TABLE "{scratch}"')
    if seq is not None:
        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, seq[0]))


def _knex_counters(conn: sqlite3.Connection, target: Target) -> None:
    """knex recreates a table to alter it (its CREATE text then starts `CREATE TABLE "name"`), and the copy
    leaves an AUTOINCREMENT counter even when the table is empty: Uptime Kuma's result has `seq` 0 rows
    for those; so does ours."""
    for table, sql in target.tables.items():
        if sql.startswith(f'CREATE TABLE "{table}"') and "AUTOINCREMENT" in sql.upper():
            conn.execute(
                f'INSERT INTO sqlite_sequence (name, seq) SELECT ?, coalesce((SELECT max(rowid) FROM "{table}"), 0) '
                "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
                (table, table),
            )


def _converge_indexes(conn: sqlite3.Connection, target: Target) -> None:
    """Drop indexes the target does not have (or has with other text) and create the missing ones."""
    present = {
        n: s for n, s in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    }
    for name, sql in present.items():
        wanted = target.indexes.get(name)
        if wanted is None or not same_sql(wanted[1], sql):
            conn.execute(f'DROP INDEX "{name}"')
            present[name] = ""
    for name, (_table, sql) in target.indexes.items():
        if not same_sql(present.get(name) or "", sql):
            conn.execute(sql)
            log.info("schema: index %s", name)


def _record_migrations(conn: sqlite3.Connection, missing: list[str], now_ms: int) -> None:
    batch = _next_batch(conn)
    conn.executemany(
        "INSERT INTO knex_migrations (name, batch, migration_time) VALUES (?, ?, ?)",
        [(name, batch, now_ms + i) for i, name in enumerate(missing)],
    )
    if conn.execute("SELECT count(*) FROM knex_migrations_lock").fetchone()[0] == 0:
        conn.execute('INSERT INTO knex_migrations_lock ("index", is_locked) VALUES (1, 0)')


def _next_batch(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(batch), 0) FROM knex_migrations").fetchone()[0]) + 1
