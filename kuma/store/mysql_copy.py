"""The SQLite side of `kuma migrate --from mysql://…`: a new kuma.db (schema.sql's tables) filled batch
by batch. Each batch's rows and the copy's progress (table `kuma_mysql_copy`: per table the last copied
id) commit in one transaction, so a killed copy resumes after its last commit: no row twice, none lost."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kuma.store import schema

PROGRESS_TABLE = "kuma_mysql_copy"
_PROGRESS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {PROGRESS_TABLE} (table_name TEXT PRIMARY KEY, source TEXT NOT NULL, "
    "total INTEGER NOT NULL, "
    "copied INTEGER NOT NULL DEFAULT 0, last_id INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0)"
)


@dataclass(frozen=True)
class TableState:
    name: str
    total: int
    copied: int
    last_id: int
    done: bool


def open_target(path: Path) -> sqlite3.Connection:
    """The file being built; created with schema.sql's tables the first time. Foreign keys off while rows
    arrive in table order (checked once at the end)."""
    fresh = not path.exists()
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")
    if fresh or not has_progress(conn):
        conn.execute("BEGIN")
        schema.create_tables(conn)
        conn.execute(_PROGRESS_DDL)
        conn.execute("COMMIT")
    return conn


def has_progress(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (PROGRESS_TABLE,)).fetchone()
    return row is not None


def target_columns(conn: sqlite3.Connection, table: str) -> tuple[list[str], str | None]:
    """schema.sql's columns of `table` and its integer primary key (None when it has none)."""
    info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    keys = [r[1] for r in info if r[5] and r[2].upper() == "INTEGER"]
    return [r[1] for r in info], (keys[0] if len(keys) == 1 else None)


def target_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kuma_%' "
        "ORDER BY rowid"
    )
    return [r[0] for r in rows]


def copied_from(conn: sqlite3.Connection) -> str | None:
    """The source (URL without password) a started copy is reading, so a rerun cannot mix in another."""
    row = conn.execute(f"SELECT min(source) FROM {PROGRESS_TABLE}").fetchone()
    return row[0] if row else None


def plan(conn: sqlite3.Connection, totals: dict[str, int], source: str) -> list[TableState]:
    """Record each table's row count the first time; later runs read back where each stands."""
    conn.execute("BEGIN")
    conn.executemany(
        f"INSERT OR IGNORE INTO {PROGRESS_TABLE} (table_name, source, total) VALUES (?, ?, ?)",
        [(t, source, n) for t, n in totals.items()],
    )
    conn.execute("COMMIT")
    rows = conn.execute(f"SELECT table_name, total, copied, last_id, done FROM {PROGRESS_TABLE} ORDER BY rowid")
    return [TableState(n, t, c, i, bool(d)) for n, t, c, i, d in rows if n in totals]


def write_batch(
    conn: sqlite3.Connection, table: str, cols: list[str], key: str | None, rows: Sequence[tuple[Any, ...]]
) -> int:
    """Insert one batch and move the table's mark, in one transaction. Returns the new last id."""
    names = ", ".join(f'"{c}"' for c in cols)
    marks = ", ".join("?" for _ in cols)
    last = int(rows[-1][cols.index(key)]) if key is not None and rows else 0
    conn.execute("BEGIN")
    try:
        if key is None:
            conn.execute(f'DELETE FROM "{table}"')  # copied whole: a rerun replaces it
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        conn.execute(
            f"UPDATE {PROGRESS_TABLE} SET copied = copied + ?, last_id = max(last_id, ?), done = ? WHERE table_name = ?",
            (len(rows), last, int(key is None), table),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return last


def mark_done(conn: sqlite3.Connection, table: str) -> None:
    conn.execute(f"UPDATE {PROGRESS_TABLE} SET done = 1 WHERE table_name = ?", (table,))


def finish(conn: sqlite3.Connection, next_ids: dict[str, int]) -> list[str]:
    """sqlite_sequence from MySQL's AUTO_INCREMENT counters, and the bookkeeping settings Uptime Kuma's
    SQLite path looks for when MySQL never had them. Returns the settings added."""
    conn.execute("BEGIN")
    for table, next_id in next_ids.items():
        if next_id > 1 and _autoincrement(conn, table):
            conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, next_id - 1))
    added = []
    for key, value in _bookkeeping().items():
        if conn.execute("SELECT 1 FROM setting WHERE key = ?", (key,)).fetchone() is None:
            conn.execute("INSERT INTO setting (key, value, type) VALUES (?, ?, NULL)", (key, value))
            added.append(key)
    conn.execute("COMMIT")
    return added


def _autoincrement(conn: sqlite3.Connection, table: str) -> bool:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return bool(row and "AUTOINCREMENT" in (row[0] or "").upper())


def _bookkeeping() -> dict[str, str]:
    return {
        "database_version": str(schema.DATABASE_VERSION),
        "databasePatchedFiles": json.dumps({n: True for n in schema.PATCHED_FILES}, separators=(",", ":")),
    }


def started(conn: sqlite3.Connection) -> bool:
    """A previous run recorded its plan: this run resumes it."""
    return conn.execute(f"SELECT count(*) FROM {PROGRESS_TABLE}").fetchone()[0] > 0


def final_check(path: Path) -> int:
    """schema.check_schema on the finished file (raises SchemaError); returns how many rows break a
    foreign key (MySQL without foreign keys can hold such orphans)."""
    conn = sqlite3.connect(str(path))
    try:
        schema.check_schema(conn)
        return len(conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()


def checkpoint_and_close(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    conn.close()
