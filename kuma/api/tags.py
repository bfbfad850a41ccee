"""Socket.IO tag events (socketio-events.md §3.3). Tags are global (no ownership checks, as in Uptime Kuma);
monitor-tag changes are followed by `updateMonitorIntoList` for that monitor, before the ack."""
from __future__ import annotations

import sqlite3
from typing import Any

from kuma.api.common import ApiError, ok, ok_i18n, on_login, require_login, to_int
from kuma.api.monitors import emit_monitor_update
from kuma.store import tags as store


def _sql_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert_error(table: str, values: dict[str, Any], exc: sqlite3.Error) -> str:
    """knex's error text for a failed insert: `insert into `t` (`a`, `b`) values (…) - SQLITE_…: <reason>`."""
    names = sorted(values)
    columns = ", ".join(f"`{n}`" for n in names)
    literals = ", ".join(_sql_literal(values[n]) for n in names)
    code = "SQLITE_CONSTRAINT" if isinstance(exc, sqlite3.IntegrityError) else "SQLITE_ERROR"
    return f"insert into `{table}` ({columns}) values ({literals}) - {code}: {exc}"


def _text(value: Any) -> Any:
    """Names/colours as stored: strings stay, numbers become text, null stays null (NOT NULL decides)."""
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _value(value: Any) -> str:
    return "" if value is None else str(value)


def register(hub, app) -> None:
    @on_login(hub, "getTags")
    async def get_tags(sock, *rest):
        require_login(sock)
        return ok(tags=await app.db.read(store.all_tags))

    @on_login(hub, "addTag")
    async def add_tag(sock, tag=None, *rest):
        require_login(sock)
        if not isinstance(tag, dict):
            raise ApiError("Cannot read properties of undefined (reading 'name')")
        values = {"name": _text(tag.get("name")), "color": _text(tag.get("color"))}
        try:
            row = await app.db.write(lambda db: store.insert_tag(db, values["name"], values["color"]))
        except sqlite3.Error as exc:
            raise ApiError(insert_error("tag", values, exc)) from None
        return ok(tag=row)

    @on_login(hub, "editTag")
    async def edit_tag(sock, tag=None, *rest):
        require_login(sock)
        if not isinstance(tag, dict):
            raise ApiError("Cannot read properties of undefined (reading 'id')")
        tag_id = to_int(tag.get("id"))
        try:
            row = None if tag_id is None else await app.db.write(
                lambda db: store.update_tag(db, tag_id, _text(tag.get("name")), _text(tag.get("color"))))
        except sqlite3.Error as exc:
            raise ApiError(f"SQLITE_CONSTRAINT: {exc}") from None
        if row is None:
            raise ApiError("tagNotFound", msgi18n=True)
        return ok_i18n("Saved.", tag=row)

    @on_login(hub, "deleteTag")
    async def delete_tag(sock, tag_id=None, *rest):
        require_login(sock)
        number = to_int(tag_id)
        if number is not None:
            await app.db.write(lambda db: store.delete_tag(db, number))
        return ok_i18n("successDeleted")

    async def _monitor_tag_change(sock, tag_id, monitor_id, value, action, reply: str):
        user_id = require_login(sock)
        tag_number, monitor_number = to_int(tag_id), to_int(monitor_id)
        if tag_number is None or monitor_number is None:
            raise ApiError("Invalid tag or monitor ID")
        try:
            await app.db.write(lambda db: action(db, tag_number, monitor_number, _value(value)))
        except sqlite3.IntegrityError as exc:
            raise ApiError(f"SQLITE_CONSTRAINT: {exc}") from None
        await emit_monitor_update(app, user_id, monitor_number)
        return ok_i18n(reply)

    @on_login(hub, "addMonitorTag")
    async def add_monitor_tag(sock, tag_id=None, monitor_id=None, value="", *rest):
        return await _monitor_tag_change(sock, tag_id, monitor_id, value, store.add_monitor_tag, "successAdded")

    @on_login(hub, "editMonitorTag")
    async def edit_monitor_tag(sock, tag_id=None, monitor_id=None, value="", *rest):
        return await _monitor_tag_change(sock, tag_id, monitor_id, value, store.edit_monitor_tag, "successEdited")

    @on_login(hub, "deleteMonitorTag")
    async def delete_monitor_tag(sock, tag_id=None, monitor_id=None, value="", *rest):
        return await _monitor_tag_change(sock, tag_id, monitor_id, value, store.delete_monitor_tag, "successDeleted")
