"""Reading `monitor` rows and the monitor tree (groups via `parent`). Writes live with their areas.

Rows are plain dicts with the table's snake_case column names, as monitor types expect them.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from kuma.store.db import dict_row, dict_rows


def get(db: sqlite_utils.Database, monitor_id: int) -> dict[str, Any] | None:
    return dict_row(db.conn.execute("SELECT * FROM monitor WHERE id = ?", (monitor_id,)))


def active_ids(db: sqlite_utils.Database) -> list[int]:
    """Ids of monitors to run at boot: `active = 1` of the row itself (children of a paused group too)."""
    return [r[0] for r in db.conn.execute("SELECT id FROM monitor WHERE active = 1 ORDER BY id")]


def by_push_token(db: sqlite_utils.Database, token: str) -> dict[str, Any] | None:
    """The active monitor with this push token (type not checked, as Uptime Kuma does)."""
    return dict_row(
        db.conn.execute("SELECT * FROM monitor WHERE push_token = ? AND active = 1 ORDER BY id LIMIT 1", (token,))
    )


def holds_push_token(db: sqlite_utils.Database, monitor_id: int, token: str) -> bool:
    """Whether this monitor is still active with this push token (checked inside a push's write job, so a
    change made behind the server's back, by another process, is seen at commit time)."""
    row = db.conn.execute("SELECT active, push_token FROM monitor WHERE id = ?", (monitor_id,)).fetchone()
    return row is not None and bool(row[0]) and row[1] == token


def push_token_holders(db: sqlite_utils.Database, monitor_ids: list[int]) -> dict[int, str]:
    """`holds_push_token` for many: monitor id → push token of those of them that are active."""
    rows = db.conn.execute(
        "SELECT id, active, push_token FROM monitor WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(monitor_ids),),
    )
    return {r[0]: r[2] for r in rows if r[1]}


def parent_map(db: sqlite_utils.Database) -> dict[int, int | None]:
    """monitor id → parent id for every monitor (the whole tree in one query)."""
    return {r[0]: r[1] for r in db.conn.execute("SELECT id, parent FROM monitor")}


def ancestors(db: sqlite_utils.Database, monitor_id: int) -> list[int]:
    """Ancestor group ids, nearest first. Cycles (corrupt data) are cut."""
    result: list[int] = []
    seen = {monitor_id}
    current = monitor_id
    while True:
        row = db.conn.execute("SELECT parent FROM monitor WHERE id = ?", (current,)).fetchone()
        if row is None or row[0] is None or row[0] in seen:
            return result
        current = int(row[0])
        seen.add(current)
        result.append(current)


def children(db: sqlite_utils.Database, monitor_id: int) -> list[dict[str, Any]]:
    """Direct children rows of a group, by id."""
    return dict_rows(db.conn.execute("SELECT * FROM monitor WHERE parent = ? ORDER BY id", (monitor_id,)))


def descendant_ids(db: sqlite_utils.Database, monitor_id: int) -> list[int]:
    """All descendants (recursive), depth-first by id."""
    parents = parent_map(db)
    kids: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            kids.setdefault(parent, []).append(child)
    result: list[int] = []
    stack = sorted(kids.get(monitor_id, []), reverse=True)
    seen = {monitor_id}
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        result.append(current)
        stack.extend(sorted(kids.get(current, []), reverse=True))
    return result


def proxy_for(db: sqlite_utils.Database, monitor: dict[str, Any]) -> dict[str, Any] | None:
    """The monitor's proxy row when it has one and that proxy is active."""
    proxy_id = monitor.get("proxy_id")
    if not proxy_id:
        return None
    return dict_row(db.conn.execute("SELECT * FROM proxy WHERE id = ? AND active = 1", (proxy_id,)))


def update_columns(db: sqlite_utils.Database, monitor_id: int, updates: dict[str, Any]) -> None:
    """Set a few columns after a check (e.g. dns_last_result). Unknown column names are ignored."""
    if not updates:
        return
    columns = {r[1] for r in db.conn.execute("PRAGMA table_info(monitor)")}
    names = [name for name in updates if name in columns and name != "id"]
    if not names:
        return
    assignments = ", ".join(f'"{name}" = ?' for name in names)
    db.conn.execute(f"UPDATE monitor SET {assignments} WHERE id = ?", (*[updates[n] for n in names], monitor_id))


def save_tls_info(db: sqlite_utils.Database, monitor_id: int, info_json: str) -> None:
    """Upsert the monitor's `monitor_tls_info` row (one per monitor)."""
    cursor = db.conn.execute("UPDATE monitor_tls_info SET info_json = ? WHERE monitor_id = ?", (info_json, monitor_id))
    if cursor.rowcount == 0:
        db.conn.execute("INSERT INTO monitor_tls_info (monitor_id, info_json) VALUES (?, ?)", (monitor_id, info_json))


def latest_tls_infos(db, ids: list[int]) -> dict[int, str]:
    """The stored TLS info text of every monitor that has one (the latest row), in one query."""
    tls: dict[int, str] = {}
    for monitor_id, info in db.conn.execute(
        "SELECT t.monitor_id, t.info_json FROM monitor_tls_info t WHERE t.monitor_id IN "
        "(SELECT value FROM json_each(?)) AND t.id = (SELECT max(id) FROM monitor_tls_info WHERE monitor_id = t.monitor_id)",
        (json.dumps(ids),),
    ):
        if info:
            tls[monitor_id] = info
    return tls


def stored_tls_info(db, monitor_id: int) -> str | None:
    """The monitor's `monitor_tls_info.info_json` text, if any (the `certInfo` event's payload)."""
    row = db.conn.execute("SELECT info_json FROM monitor_tls_info WHERE monitor_id = ?", (monitor_id,)).fetchone()
    return None if row is None else row[0]


def all_ids(db: sqlite_utils.Database) -> list[int]:
    """Every monitor id, ascending (retention works through them one write job each)."""
    return [r[0] for r in db.conn.execute("SELECT id FROM monitor ORDER BY id")]


def active_rows(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every `active = 1` monitor row, by id (the engine's boot read)."""
    return dict_rows(db.conn.execute("SELECT * FROM monitor WHERE active = 1 ORDER BY id"))


def active_proxies(db: sqlite_utils.Database) -> dict[int, dict[str, Any]]:
    """Active proxy rows by id (the engine's boot read: `proxy_for` for every monitor at once)."""
    return {r["id"]: r for r in dict_rows(db.conn.execute("SELECT * FROM proxy WHERE active = 1"))}


def linked_row(db: sqlite_utils.Database, table: str, row_id: int) -> dict[str, Any] | None:
    """A `docker_host` or `remote_browser` row a check uses, by id (the table name is one of those two)."""
    if table not in ("docker_host", "remote_browser"):
        raise ValueError(table)
    row = db.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return dict(row) if row is not None else None
