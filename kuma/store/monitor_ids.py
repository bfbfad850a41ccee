"""Which of a list of monitor ids a user owns (requests that name monitors by id, such as the bars the
dashboard asks for, answer only for the asker's own)."""

from __future__ import annotations

import json

import sqlite_utils


def owned_ids(db: sqlite_utils.Database, user_id: int, ids: list[int]) -> list[int]:
    """The ids among `ids` of monitors that belong to `user_id`, in the order given, each once."""
    owned = {
        row[0]
        for row in db.conn.execute(
            "SELECT id FROM monitor WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))",
            (int(user_id), json.dumps([int(i) for i in ids])),
        )
    }
    return [i for i in dict.fromkeys(ids) if i in owned]


def user_monitor_ids(db: sqlite_utils.Database, user_id: int) -> list[int]:
    """Every monitor id of `user_id`, ascending (the keys of that user's `monitorList`)."""
    return [row[0] for row in db.conn.execute("SELECT id FROM monitor WHERE user_id = ? ORDER BY id", (int(user_id),))]


def user_monitor_ids_after(db: sqlite_utils.Database, user_id: int, after: int) -> list[int]:
    """The ids of `user_id`'s monitors above `after`, ascending (those added since a list ended at `after`)."""
    sql = "SELECT id FROM monitor WHERE user_id = ? AND id > ? ORDER BY id"
    return [row[0] for row in db.conn.execute(sql, (int(user_id), int(after)))]
