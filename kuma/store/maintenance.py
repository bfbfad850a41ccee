"""The `maintenance`, `monitor_maintenance` and `maintenance_status_page` tables."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from kuma.store.db import inserted_id

COLUMNS = (
    "title",
    "description",
    "strategy",
    "active",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "weekdays",
    "days_of_month",
    "interval_day",
    "cron",
    "timezone",
    "duration",
)


def all_maintenance(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return [dict(r) for r in db.conn.execute("SELECT * FROM maintenance ORDER BY id")]


def get_maintenance(db: sqlite_utils.Database, maintenance_id: Any) -> dict[str, Any] | None:
    row = db.conn.execute("SELECT * FROM maintenance WHERE id = ?", (maintenance_id,)).fetchone()
    return dict(row) if row else None


def insert_maintenance(db: sqlite_utils.Database, row: dict[str, Any], user_id: int | None) -> int:
    values = {k: row[k] for k in COLUMNS}
    values["user_id"] = user_id
    cursor = db.conn.execute(
        f"INSERT INTO maintenance ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
        tuple(values.values()),
    )
    return inserted_id(cursor)


def update_maintenance(db: sqlite_utils.Database, maintenance_id: int, row: dict[str, Any]) -> None:
    sets = ", ".join(f"{k} = ?" for k in COLUMNS)
    db.conn.execute(f"UPDATE maintenance SET {sets} WHERE id = ?", (*[row[k] for k in COLUMNS], maintenance_id))


def set_active(db: sqlite_utils.Database, maintenance_id: Any, active: bool) -> bool:
    return (
        db.conn.execute("UPDATE maintenance SET active = ? WHERE id = ?", (1 if active else 0, maintenance_id)).rowcount
        > 0
    )


def delete_maintenance(db: sqlite_utils.Database, maintenance_id: Any) -> None:
    db.conn.execute("DELETE FROM maintenance WHERE id = ?", (maintenance_id,))


def replace_monitor_links(db: sqlite_utils.Database, maintenance_id: int, monitor_ids: list[int]) -> None:
    db.conn.execute("DELETE FROM monitor_maintenance WHERE maintenance_id = ?", (maintenance_id,))
    db.conn.executemany(
        "INSERT INTO monitor_maintenance (monitor_id, maintenance_id) VALUES (?, ?)",
        [(m, maintenance_id) for m in monitor_ids],
    )


def replace_status_page_links(db: sqlite_utils.Database, maintenance_id: int, page_ids: list[int]) -> None:
    db.conn.execute("DELETE FROM maintenance_status_page WHERE maintenance_id = ?", (maintenance_id,))
    db.conn.executemany(
        "INSERT INTO maintenance_status_page (status_page_id, maintenance_id) VALUES (?, ?)",
        [(p, maintenance_id) for p in page_ids],
    )


def monitor_links(db: sqlite_utils.Database) -> list[tuple[int, int]]:
    """(monitor_id, maintenance_id) for every link."""
    return [(r[0], r[1]) for r in db.conn.execute("SELECT monitor_id, maintenance_id FROM monitor_maintenance")]


def monitors_of(db: sqlite_utils.Database, maintenance_id: Any) -> list[dict[str, int]]:
    rows = db.conn.execute(
        "SELECT monitor_id FROM monitor_maintenance WHERE maintenance_id = ? ORDER BY id", (maintenance_id,)
    )
    return [{"id": r[0]} for r in rows]


def status_pages_of(db: sqlite_utils.Database, maintenance_id: Any) -> list[dict[str, Any]]:
    rows = db.conn.execute(
        "SELECT sp.id, sp.title FROM maintenance_status_page msp JOIN status_page sp ON sp.id = msp.status_page_id "
        "WHERE msp.maintenance_id = ? ORDER BY msp.id",
        (maintenance_id,),
    )
    return [{"id": r[0], "title": r[1]} for r in rows]


def maintenance_ids_of_status_page(db: sqlite_utils.Database, status_page_id: int) -> list[int]:
    rows = db.conn.execute(
        "SELECT maintenance_id FROM maintenance_status_page WHERE status_page_id = ?", (status_page_id,)
    )
    return [r[0] for r in rows]


def monitor_parents(db: sqlite_utils.Database) -> dict[int, int | None]:
    return {r[0]: r[1] for r in db.conn.execute("SELECT id, parent FROM monitor")}
