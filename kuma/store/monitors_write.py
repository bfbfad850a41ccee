"""Writes to `monitor` and its link tables for the monitor API (plus the few reads those writes need).

Every function takes the `sqlite_utils.Database` first and runs inside a writer job (or a read for the
`get_*` helpers). Reading rows for the monitoring engine lives in `kuma/store/monitors.py`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from kuma.rules.validate import Column
from kuma.store.db import table_info

STAT_TABLES = ("stat_minutely", "stat_hourly", "stat_daily")


def monitor_columns(db: sqlite_utils.Database) -> dict[str, Column]:
    """The `monitor` table's columns with NOT NULL / default facts (for input conversion)."""
    rows = table_info(db.conn, "monitor")
    cached = _COLUMNS.get(id(rows))
    if cached is None or cached[0] is not rows:
        columns = {r[1]: Column(name=r[1], notnull=bool(r[3]), has_default=r[4] is not None) for r in rows}
        cached = _COLUMNS[id(rows)] = (rows, columns)
    return dict(cached[1])


#: table_info rows (cached per connection) → the Column facts made from them.
_COLUMNS: dict[int, tuple[list[tuple], dict[str, Column]]] = {}


def get_monitor_row(db: sqlite_utils.Database, monitor_id: int) -> dict[str, Any] | None:
    cursor = db.conn.execute("SELECT * FROM monitor WHERE id = ?", (monitor_id,))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row))


def owner_of(db: sqlite_utils.Database, monitor_id: int) -> int | None:
    row = db.conn.execute("SELECT user_id FROM monitor WHERE id = ?", (monitor_id,)).fetchone()
    return None if row is None else row[0]


def existing_ids(db: sqlite_utils.Database, table: str, ids: Iterable[int]) -> list[int]:
    ids = list(ids)
    if not ids:
        return []
    found = {r[0] for r in db.conn.execute(f"SELECT id FROM [{table}] WHERE id IN ({','.join('?' * len(ids))})", ids)}
    return [i for i in ids if i in found]


def insert_monitor(db: sqlite_utils.Database, user_id: int, fields: dict[str, Any], notification_ids: list[int]) -> int:
    row, _ = insert_monitor_row(db, user_id, fields, notification_ids)
    return int(row["id"])


def insert_monitor_row(
    db: sqlite_utils.Database, user_id: int, fields: dict[str, Any], notification_ids: list[int]
) -> tuple[dict[str, Any], list[int]]:
    """Insert a monitor; (its row as stored: defaults and column affinity applied, from the INSERT's own
    RETURNING, so nothing is read back; the notification ids linked, in link order)."""
    values = dict(fields)
    values["user_id"] = user_id
    cursor = db.conn.execute(_insert_sql(tuple(values)), list(values.values()))
    stored = cursor.fetchall()
    if len(stored) != 1:
        raise sqlite3.InterfaceError("no row was inserted")
    row = dict(zip([d[0] for d in cursor.description], stored[0]))
    return row, _link_notifications(db, int(row["id"]), notification_ids)


def _insert_sql(names: tuple[str, ...]) -> str:
    """The INSERT for these columns, made once per column set (the form sends the same keys every time:
    the text of ~100 columns was built per add; the same text also keeps sqlite3's statement cache hit)."""
    sql = _INSERTS.get(names)
    if sql is None:
        if len(_INSERTS) >= 64:  # column sets from odd clients: bounded
            _INSERTS.clear()
        columns, marks = ", ".join(f"[{n}]" for n in names), ", ".join("?" * len(names))
        sql = _INSERTS[names] = f"INSERT INTO monitor ({columns}) VALUES ({marks}) RETURNING *"
    return sql


_INSERTS: dict[tuple[str, ...], str] = {}


def update_monitor(db: sqlite_utils.Database, monitor_id: int, fields: dict[str, Any]) -> None:
    if not fields:
        return
    names = list(fields)
    db.conn.execute(
        f"UPDATE monitor SET {', '.join(f'[{n}] = ?' for n in names)} WHERE id = ?",
        [fields[n] for n in names] + [monitor_id],
    )


def replace_notifications(db: sqlite_utils.Database, monitor_id: int, notification_ids: list[int]) -> list[int]:
    """Link exactly these notifications (unknown notification ids are skipped); returns the ids linked."""
    db.conn.execute("DELETE FROM monitor_notification WHERE monitor_id = ?", (monitor_id,))
    return _link_notifications(db, monitor_id, notification_ids)


def _link_notifications(db: sqlite_utils.Database, monitor_id: int, notification_ids: list[int]) -> list[int]:
    """Link these notifications to a monitor that has none linked (a new id: AUTOINCREMENT never reuses one)."""
    linked = existing_ids(db, "notification", notification_ids)
    for notification_id in linked:
        db.conn.execute(
            "INSERT INTO monitor_notification (monitor_id, notification_id) VALUES (?, ?)",
            (monitor_id, notification_id),
        )
    return linked


def set_active(db: sqlite_utils.Database, monitor_id: int, active: bool) -> None:
    db.conn.execute("UPDATE monitor SET active = ? WHERE id = ?", (1 if active else 0, monitor_id))


def children_of(db: sqlite_utils.Database, monitor_id: int) -> list[int]:
    return [r[0] for r in db.conn.execute("SELECT id FROM monitor WHERE parent = ? ORDER BY id", (monitor_id,))]


def unlink_children(db: sqlite_utils.Database, monitor_id: int) -> list[int]:
    """Make the group's direct children top-level monitors; returns their ids."""
    children = children_of(db, monitor_id)
    db.conn.execute("UPDATE monitor SET parent = NULL WHERE parent = ?", (monitor_id,))
    return children


def delete_monitor(db: sqlite_utils.Database, monitor_id: int, user_id: int) -> bool:
    """Delete one of the user's monitors (heartbeats, stats, links cascade). False if nothing was deleted."""
    cursor = db.conn.execute("DELETE FROM monitor WHERE id = ? AND user_id = ?", (monitor_id, user_id))
    return cursor.rowcount > 0


def clear_events(db: sqlite_utils.Database, monitor_id: int) -> None:
    db.conn.execute("UPDATE heartbeat SET msg = '', important = 0 WHERE monitor_id = ?", (monitor_id,))


def clear_heartbeats(db: sqlite_utils.Database, monitor_id: int) -> None:
    db.conn.execute("DELETE FROM heartbeat WHERE monitor_id = ?", (monitor_id,))
    for table in STAT_TABLES:
        db.conn.execute(f"DELETE FROM {table} WHERE monitor_id = ?", (monitor_id,))


def clear_statistics(db: sqlite_utils.Database) -> None:
    db.conn.execute("DELETE FROM heartbeat")
    for table in STAT_TABLES:
        db.conn.execute(f"DELETE FROM {table}")


def active_monitor_ids(db: sqlite_utils.Database) -> list[int]:
    return [r[0] for r in db.conn.execute("SELECT id FROM monitor WHERE active = 1 ORDER BY id")]
