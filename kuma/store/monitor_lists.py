"""The batch reads behind monitor lists: a set of monitors (a user's, or some ids) and their links, each
in one query whatever the count (the login burst and `monitorList` read hundreds at once).

`kuma.views.monitors` puts the pieces together; the column order of `monitor_rows` is the caller's
(Monitor JSON key order), so its pure shape can build each dict with `zip`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from kuma.store.db import table_info


def fetch_dicts(db: sqlite_utils.Database, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Rows as dicts whatever the connection's row_factory is."""
    cursor = db.conn.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _filter(user_id: int | None, ids: list[int] | None) -> tuple[str, list[Any]]:
    """` WHERE …` (or "") and its parameters: the user's monitors and/or the given ids."""
    where: list[str] = []
    params: list[Any] = []
    if user_id is not None:
        where.append("user_id = ?")
        params.append(user_id)
    if ids is not None:
        where.append(f"id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def monitor_column_names(db: sqlite_utils.Database) -> set[str]:
    """The `monitor` table's columns (an older database may lack some the key table names)."""
    return {r[1] for r in table_info(db.conn, "monitor")}


def monitor_rows(
    db: sqlite_utils.Database, columns: list[str | None], *, user_id: int | None = None, ids: list[int] | None = None
) -> list[tuple]:
    """Tuples of `columns` in that order (None → NULL), then `active` and `type`; ascending ids."""
    select = ", ".join(f"[{c}]" if c is not None else "NULL" for c in columns) + ", [active], [type]"
    where, params = _filter(user_id, ids)
    return db.conn.execute(f"SELECT {select} FROM monitor{where} ORDER BY id", params).fetchall()


def notification_ids_of(
    db: sqlite_utils.Database, *, user_id: int | None = None, ids: list[int] | None = None
) -> dict[int, list[int]]:
    """monitor id → linked notification ids (link order), for the same monitor filter as `monitor_rows`."""
    where, params = _filter(user_id, ids)
    out: dict[int, list[int]] = {}
    for monitor_id, notification_id in db.conn.execute(
        f"SELECT monitor_id, notification_id FROM monitor_notification WHERE monitor_id IN "
        f"(SELECT id FROM monitor{where}) ORDER BY id",
        params,
    ):
        out.setdefault(monitor_id, []).append(notification_id)
    return out


def tag_rows_of(db: sqlite_utils.Database, *, user_id: int | None = None, ids: list[int] | None = None) -> list[tuple]:
    """(tag_id, monitor_id, value, name, color) of every monitor_tag of the filtered monitors, link order."""
    where, params = _filter(user_id, ids)
    return db.conn.execute(
        "SELECT mt.tag_id, mt.monitor_id, mt.value, t.name, t.color FROM monitor_tag mt "
        f"JOIN tag t ON t.id = mt.tag_id WHERE mt.monitor_id IN (SELECT id FROM monitor{where}) ORDER BY mt.id",
        params,
    ).fetchall()


def tree_rows(db: sqlite_utils.Database) -> list[tuple[int, Any, int | None, bool]]:
    """(id, name, parent, active) of every monitor by id: the whole group tree in one query."""
    rows = db.conn.execute("SELECT id, name, parent, active FROM monitor ORDER BY id").fetchall()
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]


def tree_rows_around(
    db: sqlite_utils.Database, ids: list[int], groups: list[int]
) -> list[tuple[int, Any, int | None, bool]]:
    """`tree_rows` restricted to what some monitors' paths, descendants and inherited pause need: the
    monitors, their ancestors (by primary key) and the descendants of those of them that are `groups`
    (only a group has children; `parent` has no index, so each level of that walk scans the table).
    UNION stops on a cycle."""
    rows = db.conn.execute(
        "WITH RECURSIVE up(id) AS (SELECT value FROM json_each(:ids) "
        "  UNION SELECT m.parent FROM monitor m JOIN up ON m.id = up.id WHERE m.parent IS NOT NULL), "
        "down(id) AS (SELECT value FROM json_each(:groups) "
        "  UNION SELECT m.id FROM monitor m JOIN down ON m.parent = down.id) "
        "SELECT id, name, parent, active FROM monitor "
        "WHERE id IN (SELECT id FROM up UNION SELECT id FROM down) ORDER BY id",
        {"ids": json.dumps([int(i) for i in ids]), "groups": json.dumps([int(i) for i in groups])},
    ).fetchall()
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]


def active_monitor_labels(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """id, name, type, url, hostname, port of every active monitor by id (the `/metrics` series labels)."""
    return [
        dict(r)
        for r in db.conn.execute("SELECT id, name, type, url, hostname, port FROM monitor WHERE active = 1 ORDER BY id")
    ]
