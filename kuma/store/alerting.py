"""kuma's own alerting tables: monitor dependencies, per-monitor alert settings, server-wide settings.

Uptime Kuma 2.5.3 ignores tables it does not know, so a database kuma used still opens there. The
tables are created the first time something is saved (a database never given alerting settings stays
exactly Uptime Kuma's schema); readers treat a missing table as "nothing set".

- `kuma_monitor_dependency(monitor_id, upstream_id)`: the dependant → upstream edges; both ends are
  monitors and go with them (ON DELETE CASCADE, which Uptime Kuma's own deletes honour too).
- `kuma_monitor_alerting(monitor_id, settings)`: the per-monitor alerting object as JSON (without
  `dependsOn`: the dependency rows are the one record of those).
- `kuma_setting(key, value)`: server-wide alerting settings as JSON values.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

_TABLES = (
    """CREATE TABLE IF NOT EXISTS kuma_monitor_dependency (
        monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE,
        upstream_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE,
        PRIMARY KEY (monitor_id, upstream_id))""",
    """CREATE TABLE IF NOT EXISTS kuma_monitor_alerting (
        monitor_id INTEGER PRIMARY KEY REFERENCES monitor(id) ON DELETE CASCADE,
        settings TEXT NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS kuma_setting (key TEXT PRIMARY KEY, value TEXT)",
)


def ensure_tables(db: sqlite_utils.Database) -> None:
    for statement in _TABLES:
        db.conn.execute(statement)


def _has(db: sqlite_utils.Database, table: str) -> bool:
    return (
        db.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
        is not None
    )


def all_dependencies(db: sqlite_utils.Database) -> dict[int, list[int]]:
    """Every dependant's upstreams."""
    if not _has(db, "kuma_monitor_dependency"):
        return {}
    edges: dict[int, list[int]] = {}
    for monitor_id, upstream_id in db.conn.execute(
        "SELECT monitor_id, upstream_id FROM kuma_monitor_dependency ORDER BY monitor_id, upstream_id"
    ):
        edges.setdefault(monitor_id, []).append(upstream_id)
    return edges


def all_monitor_settings(db: sqlite_utils.Database) -> dict[int, dict[str, Any]]:
    if not _has(db, "kuma_monitor_alerting"):
        return {}
    rows = db.conn.execute("SELECT monitor_id, settings FROM kuma_monitor_alerting").fetchall()
    return {monitor_id: json.loads(text) for monitor_id, text in rows}


def save_monitor(db: sqlite_utils.Database, monitor_id: int, upstreams: list[int], settings: dict[str, Any]) -> None:
    """Replace one monitor's upstreams and alerting settings."""
    ensure_tables(db)
    db.conn.execute("DELETE FROM kuma_monitor_dependency WHERE monitor_id = ?", (monitor_id,))
    db.conn.executemany(
        "INSERT INTO kuma_monitor_dependency (monitor_id, upstream_id) VALUES (?, ?)",
        [(monitor_id, upstream) for upstream in upstreams],
    )
    db.conn.execute(
        "INSERT INTO kuma_monitor_alerting (monitor_id, settings) VALUES (?, ?) "
        "ON CONFLICT(monitor_id) DO UPDATE SET settings = excluded.settings",
        (monitor_id, json.dumps({k: v for k, v in settings.items() if k != "dependsOn"}, separators=(",", ":"))),
    )


def existing_monitor_ids(db: sqlite_utils.Database, ids: list[int], user_id: int) -> set[int]:
    if not ids:
        return set()
    rows = db.conn.execute(f"SELECT id FROM monitor WHERE user_id = ? AND id IN ({_marks(ids)})", (user_id, *ids))
    return {r[0] for r in rows}


def server_settings(db: sqlite_utils.Database) -> dict[str, Any]:
    if not _has(db, "kuma_setting"):
        return {}
    return {key: json.loads(value) for key, value in db.conn.execute("SELECT key, value FROM kuma_setting")}


def save_server_settings(db: sqlite_utils.Database, values: dict[str, Any]) -> None:
    ensure_tables(db)
    db.conn.executemany(
        "INSERT INTO kuma_setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [(key, json.dumps(value)) for key, value in values.items()],
    )


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


def latest_statuses(db: sqlite_utils.Database, monitor_ids: list[int]) -> dict[int, int]:
    """The latest beat's status of each monitor (those without beats are absent)."""
    if not monitor_ids:
        return {}
    rows = db.conn.execute(
        f"""SELECT h.monitor_id, h.status FROM heartbeat h
            JOIN (SELECT monitor_id, MAX(id) AS id FROM heartbeat WHERE monitor_id IN ({_marks(monitor_ids)})
                  GROUP BY monitor_id) latest ON latest.id = h.id""",
        monitor_ids,
    )
    return {monitor_id: status for monitor_id, status in rows}


def monitor_names(db: sqlite_utils.Database, monitor_ids: list[int]) -> dict[int, str]:
    if not monitor_ids:
        return {}
    rows = db.conn.execute(f"SELECT id, name FROM monitor WHERE id IN ({_marks(monitor_ids)})", monitor_ids)
    return {monitor_id: name or "" for monitor_id, name in rows}


def linked_notification_ids(db: sqlite_utils.Database, monitor_id: int) -> list[int]:
    rows = db.conn.execute(
        "SELECT DISTINCT notification_id FROM monitor_notification WHERE monitor_id = ? ORDER BY notification_id",
        (monitor_id,),
    )
    return [r[0] for r in rows]


def existing_notification_ids(db: sqlite_utils.Database, ids: list[int], user_id: int) -> set[int]:
    if not ids:
        return set()
    rows = db.conn.execute(f"SELECT id FROM notification WHERE user_id = ? AND id IN ({_marks(ids)})", (user_id, *ids))
    return {r[0] for r in rows}
