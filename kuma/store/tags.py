"""The `tag` and `monitor_tag` tables. Tags are shared by all users (no ownership, as in Uptime Kuma)."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from kuma.store.db import inserted_id, read_back


def tag_row(db: sqlite_utils.Database, tag_id: int) -> dict[str, Any] | None:
    row = db.conn.execute("SELECT id, name, color FROM tag WHERE id = ?", (tag_id,)).fetchone()
    return None if row is None else {"id": row[0], "name": row[1], "color": row[2]}


def all_tags(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return [
        {"id": r[0], "name": r[1], "color": r[2]}
        for r in db.conn.execute("SELECT id, name, color FROM tag ORDER BY id")
    ]


def insert_tag(db: sqlite_utils.Database, name: Any, color: Any) -> dict[str, Any]:
    cursor = db.conn.execute("INSERT INTO tag (name, color) VALUES (?, ?)", (name, color))
    return read_back(tag_row(db, inserted_id(cursor)))


def update_tag(db: sqlite_utils.Database, tag_id: int, name: Any, color: Any) -> dict[str, Any] | None:
    if tag_row(db, tag_id) is None:
        return None
    db.conn.execute("UPDATE tag SET name = ?, color = ? WHERE id = ?", (name, color, tag_id))
    return tag_row(db, tag_id)


def delete_tag(db: sqlite_utils.Database, tag_id: int) -> None:
    db.conn.execute("DELETE FROM monitor_tag WHERE tag_id = ?", (tag_id,))
    db.conn.execute("DELETE FROM tag WHERE id = ?", (tag_id,))


def add_monitor_tag(db: sqlite_utils.Database, tag_id: int, monitor_id: int, value: str) -> None:
    db.conn.execute("INSERT INTO monitor_tag (tag_id, monitor_id, value) VALUES (?, ?, ?)", (tag_id, monitor_id, value))


def edit_monitor_tag(db: sqlite_utils.Database, tag_id: int, monitor_id: int, value: str) -> None:
    db.conn.execute("UPDATE monitor_tag SET value = ? WHERE tag_id = ? AND monitor_id = ?", (value, tag_id, monitor_id))


def delete_monitor_tag(db: sqlite_utils.Database, tag_id: int, monitor_id: int, value: str) -> None:
    db.conn.execute(
        "DELETE FROM monitor_tag WHERE tag_id = ? AND monitor_id = ? AND (value = ? OR (value IS NULL AND ? = ''))",
        (tag_id, monitor_id, value, value),
    )


def tag_names(db: sqlite_utils.Database) -> list[str]:
    """Every tag's name (the `/metrics` label set, fixed at start-up)."""
    return [r[0] for r in db.conn.execute("SELECT name FROM tag")]
