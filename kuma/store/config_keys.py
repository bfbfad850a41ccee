"""`kuma_config_key(kind, object_id, key)`: the stable key each object has in a config file (issue 21).

A monitor renamed in the dashboard keeps its key, so the next `kuma apply` updates it instead of making a
second one. kuma's own table (Uptime Kuma ignores it); created on first use, rows of deleted objects are
dropped by `forget` (no foreign key: the kinds live in different tables).
"""

from __future__ import annotations

import sqlite_utils

_TABLE = """CREATE TABLE IF NOT EXISTS kuma_config_key (
    kind TEXT NOT NULL, object_id INTEGER NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (kind, key), UNIQUE (kind, object_id))"""


def ensure_table(db: sqlite_utils.Database) -> None:
    db.conn.execute(_TABLE)


def _has_table(db: sqlite_utils.Database) -> bool:
    row = db.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kuma_config_key'").fetchone()
    return row is not None


def keys_of(db: sqlite_utils.Database, kind: str) -> dict[int, str]:
    """object id → key for one kind (empty before the first apply)."""
    if not _has_table(db):
        return {}
    rows = db.conn.execute("SELECT object_id, key FROM kuma_config_key WHERE kind = ?", (kind,)).fetchall()
    return {row[0]: row[1] for row in rows}


def remember(db: sqlite_utils.Database, kind: str, object_id: int, key: str) -> None:
    """Pin `key` to the object (replacing what either had). Writer job."""
    ensure_table(db)
    db.conn.execute("DELETE FROM kuma_config_key WHERE kind = ? AND (object_id = ? OR key = ?)", (kind, object_id, key))
    db.conn.execute("INSERT INTO kuma_config_key (kind, object_id, key) VALUES (?, ?, ?)", (kind, object_id, key))


def forget(db: sqlite_utils.Database, kind: str, object_id: int) -> None:
    if _has_table(db):
        db.conn.execute("DELETE FROM kuma_config_key WHERE kind = ? AND object_id = ?", (kind, object_id))


def remember_many(db: sqlite_utils.Database, kind: str, pairs: dict[str, int]) -> None:
    """Pin every key → object id of one kind in one job."""
    for key, object_id in pairs.items():
        remember(db, kind, object_id, key)
