"""The `user` table. Plain functions taking the `sqlite_utils.Database` first (see docs/CONTRACTS.md)."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from kuma.store.db import inserted_id


def _row(cursor) -> dict[str, Any] | None:
    row = cursor.fetchone()
    return None if row is None else dict(row)


def count_users(db: sqlite_utils.Database) -> int:
    return db.conn.execute("SELECT COUNT(id) FROM user").fetchone()[0]


def get_user(db: sqlite_utils.Database, user_id: int) -> dict[str, Any] | None:
    return _row(db.conn.execute("SELECT * FROM user WHERE id = ?", (user_id,)))


def first_user(db: sqlite_utils.Database) -> dict[str, Any] | None:
    """The user an auth-disabled instance logs every socket in as."""
    return _row(db.conn.execute("SELECT * FROM user ORDER BY id LIMIT 1"))


def find_active_user(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    """Active user whose name matches after trimming both sides (Uptime Kuma's login lookup)."""
    return _row(
        db.conn.execute("SELECT * FROM user WHERE TRIM(username) = ? AND active = 1 LIMIT 1", (username.strip(),))
    )


def find_user_by_name(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    return _row(db.conn.execute("SELECT * FROM user WHERE username = ? LIMIT 1", (username,)))


def create_user(db: sqlite_utils.Database, username: str, password_hash: str) -> int:
    cursor = db.conn.execute(
        "INSERT INTO user (username, password, active, twofa_status) VALUES (?, ?, 1, 0)", (username, password_hash)
    )
    return inserted_id(cursor)


def set_password_hash(db: sqlite_utils.Database, user_id: int, password_hash: str) -> None:
    db.conn.execute("UPDATE user SET password = ? WHERE id = ?", (password_hash, user_id))


def set_twofa_secret(db: sqlite_utils.Database, user_id: int, secret: str) -> None:
    db.conn.execute("UPDATE user SET twofa_secret = ? WHERE id = ?", (secret, user_id))


def set_twofa_status(db: sqlite_utils.Database, user_id: int, enabled: bool) -> None:
    db.conn.execute("UPDATE user SET twofa_status = ? WHERE id = ?", (1 if enabled else 0, user_id))


def set_twofa_last_token(db: sqlite_utils.Database, user_id: int, token: str | None) -> None:
    db.conn.execute("UPDATE user SET twofa_last_token = ? WHERE id = ?", (token, user_id))


def remove_twofa(db: sqlite_utils.Database, user_id: int) -> None:
    """`kuma remove-2fa`: status off, secret and last token cleared."""
    db.conn.execute(
        "UPDATE user SET twofa_status = 0, twofa_secret = NULL, twofa_last_token = NULL WHERE id = ?", (user_id,)
    )


def find_active_user_exact(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    """Active user with exactly this name (loginByToken: the token's username, no trimming)."""
    return _row(db.conn.execute("SELECT * FROM user WHERE username = ? AND active = 1", (username,)))
