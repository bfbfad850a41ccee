"""Reads `kuma export` needs that no other part does."""

from __future__ import annotations

import sqlite_utils


def monitor_active_flags(db: sqlite_utils.Database, user_id: int) -> dict[int, bool]:
    """Each of the user's monitors' own `active` column (the Monitor JSON's `active` also folds in the
    ancestors' flags, which is not what a config file declares)."""
    rows = db.conn.execute("SELECT id, active FROM monitor WHERE user_id = ?", (user_id,)).fetchall()
    return {row[0]: bool(row[1]) for row in rows}


def maintenance_links(db: sqlite_utils.Database) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """maintenance id → its monitor ids, and → its status page ids (each in link order), in two queries."""
    monitors: dict[int, list[int]] = {}
    pages: dict[int, list[int]] = {}
    for maintenance_id, monitor_id in db.conn.execute(
        "SELECT maintenance_id, monitor_id FROM monitor_maintenance ORDER BY id"
    ):
        monitors.setdefault(maintenance_id, []).append(monitor_id)
    for maintenance_id, page_id in db.conn.execute(
        "SELECT maintenance_id, status_page_id FROM maintenance_status_page ORDER BY id"
    ):
        pages.setdefault(maintenance_id, []).append(page_id)
    return monitors, pages


def public_groups_of_pages(db: sqlite_utils.Database) -> dict[int, list[dict]]:
    """status page id → its public groups in weight order, each {name, monitors: [{id, send_url, custom_url}]}."""
    groups: dict[int, dict] = {}
    out: dict[int, list[dict]] = {}
    for group_id, page_id, name in db.conn.execute(
        "SELECT id, status_page_id, name FROM [group] WHERE public = 1 AND status_page_id IS NOT NULL "
        "ORDER BY weight, id"
    ):
        groups[group_id] = {"name": name, "monitors": []}
        out.setdefault(page_id, []).append(groups[group_id])
    for group_id, monitor_id, send_url, custom_url in db.conn.execute(
        "SELECT group_id, monitor_id, send_url, custom_url FROM monitor_group ORDER BY weight, id"
    ):
        if group_id in groups:
            groups[group_id]["monitors"].append({"id": monitor_id, "send_url": send_url, "custom_url": custom_url})
    return out
