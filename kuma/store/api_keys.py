"""The `api_key` table (the `key` column holds the bcrypt hash of the secret, never the secret)."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from kuma.store.db import inserted_id


def list_api_keys(db: sqlite_utils.Database, user_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in db.conn.execute("SELECT * FROM api_key WHERE user_id = ? ORDER BY id", (user_id,))]


def get_api_key(db: sqlite_utils.Database, key_id: int) -> dict[str, Any] | None:
    row = db.conn.execute("SELECT * FROM api_key WHERE id = ?", (key_id,)).fetchone()
    return None if row is None else dict(row)


def insert_api_key(
    db: sqlite_utils.Database, user_id: int, name: str, key_hash: str, active: bool, expires: str | None
) -> int:
    cursor = db.conn.execute(
        "INSERT INTO api_key (key, name, user_id, active, expires) VALUES (?, ?, ?, ?, ?)",
        (key_hash, name, user_id, 1 if active else 0, expires),
    )
    return inserted_id(cursor)


def set_key_hash(db: sqlite_utils.Database, key_id: int, key_hash: str) -> None:
    db.conn.execute("UPDATE api_key SET key = ? WHERE id = ?", (key_hash, key_id))


def set_active(db: sqlite_utils.Database, key_id: int, user_id: int, active: bool) -> None:
    db.conn.execute("UPDATE api_key SET active = ? WHERE id = ? AND user_id = ?", (1 if active else 0, key_id, user_id))


def delete_api_key(db: sqlite_utils.Database, key_id: int, user_id: int) -> None:
    db.conn.execute("DELETE FROM api_key WHERE id = ? AND user_id = ?", (key_id, user_id))
