"""`kuma_api_key_scope`: what an API key may do over the REST API ("read" or "write").

kuma's own table (Uptime Kuma ignores it, so the database still opens there), created on the first save;
the row goes with its key (ON DELETE CASCADE). A key without a row is read-only: keys made before kuma
had scopes were made for `/metrics`, which only reads, so none gains write access by an upgrade.
"""

from __future__ import annotations

import sqlite_utils

READ = "read"
WRITE = "write"
SCOPES = (READ, WRITE)

_TABLE = """CREATE TABLE IF NOT EXISTS kuma_api_key_scope (
    api_key_id INTEGER PRIMARY KEY REFERENCES api_key(id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')))"""


def _has_table(db: sqlite_utils.Database) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kuma_api_key_scope'"
    return db.conn.execute(sql).fetchone() is not None


def scope_of(db: sqlite_utils.Database, key_id: int) -> str:
    if not _has_table(db):
        return READ
    row = db.conn.execute("SELECT scope FROM kuma_api_key_scope WHERE api_key_id = ?", (key_id,)).fetchone()
    return READ if row is None else row[0]


def scopes_of(db: sqlite_utils.Database, key_ids: list[int]) -> dict[int, str]:
    if not _has_table(db):
        return {key_id: READ for key_id in key_ids}
    found = dict(db.conn.execute("SELECT api_key_id, scope FROM kuma_api_key_scope").fetchall())
    return {key_id: found.get(key_id, READ) for key_id in key_ids}


def set_scope(db: sqlite_utils.Database, key_id: int, scope: str) -> None:
    db.conn.execute(_TABLE)
    db.conn.execute(
        "INSERT INTO kuma_api_key_scope (api_key_id, scope) VALUES (?, ?) "
        "ON CONFLICT (api_key_id) DO UPDATE SET scope = excluded.scope",
        (key_id, scope),
    )
