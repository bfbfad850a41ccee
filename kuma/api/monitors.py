"""Socket.IO monitor events (socketio-events.md §3.2): CRUD, pause/resume, beats, chart data, clearing.

Replies and the list events that follow keep Uptime Kuma's order: `updateMonitorIntoList` /
`deleteMonitorFromList` / `monitorList` go to the owner's room BEFORE the ack. The monitoring engine
(`app.monitoring`) is told to start/stop/restart after each change.
"""
from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from typing import Any

from kuma.api.common import ApiError, ok, ok_i18n, on_login, require_login, to_int
from kuma.rules.validate import MonitorInputError, add_input, edit_input, validate_monitor
from kuma.shapes.heartbeat import important_beat, raw_row
from kuma.shapes.monitor import fetch_dicts, load_tree, maintenance_checker, monitor_entries, monitor_list
from kuma.shapes.monitor import load_monitor_jsons
from kuma.shapes.jsnum import js_number
from kuma.store import monitors_write as store

log = logging.getLogger(__name__)

NOT_OWNER = "You do not own this monitor."
HEARTBEAT_LIST_LIMIT = 100


# -- helpers shared with the tag handlers --------------------------------------------------------------

async def emit_monitor_update(app, user_id: int, monitor_id: int) -> None:
    """`updateMonitorIntoList({"<id>": Monitor})` to the owner's room (one event per monitor)."""
    payload = await monitor_entries(app, [monitor_id], user_id=user_id)
    if payload:
        await app.hub.emit("updateMonitorIntoList", payload, room=str(user_id))


async def send_monitor_list(app, user_id: int) -> None:
    await app.hub.emit("monitorList", await monitor_list(app, user_id), room=str(user_id))


async def _engine(app, action: str, monitor_id: int) -> None:
    """start_monitor / stop_monitor / restart_monitor on the monitoring service."""
    engine = app.monitoring
    actions = {"start_monitor": engine.start_monitor, "stop_monitor": engine.stop_monitor,
               "restart_monitor": engine.restart_monitor}
    try:
        await actions[action](monitor_id)
    except Exception:  # the change is stored; a scheduling hiccup must not turn the ack into an error
        log.exception("%s(%s) failed", action, monitor_id)


def _tree_changed(app) -> None:
    """Maintenance is inherited through groups: tell the maintenance service the monitor tree changed."""
    app.maintenance.changed()


def _sql_error(exc: sqlite3.Error) -> ApiError:
    text = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        text = f"SQLITE_CONSTRAINT: {text}"
    return ApiError(text)


async def _write(app, job):
    """Run a write job; input errors and SQL errors become `{ok: false, msg}` (nothing stored)."""
    try:
        return await app.db.write(job)
    except MonitorInputError as exc:
        raise ApiError(str(exc)) from None
    except sqlite3.Error as exc:
        raise _sql_error(exc) from None


async def _owned_row(app, user_id: int, monitor_id: Any) -> dict[str, Any]:
    """The user's monitor row, or ApiError("You do not own this monitor.") (also for unknown ids)."""
    number = to_int(monitor_id)
    row = None if number is None else await app.db.read(lambda db: store.get_monitor_row(db, number))
    if row is None or row.get("user_id") != user_id:
        raise ApiError(NOT_OWNER)
    return row


def _period_hours(period: Any) -> float:
    if period is None or isinstance(period, bool):
        raise ApiError("Invalid period.")
    try:
        hours = float(period)
    except (TypeError, ValueError):
        raise ApiError("Invalid period.") from None
    if hours != hours or hours < 0:  # NaN or negative
        raise ApiError("Invalid period.")
    return hours


# -- handlers ------------------------------------------------------------------------------------------

def register(hub, app) -> None:  # noqa: C901 - one closure per event keeps each handler next to its wire facts
    @on_login(hub, "add")
    async def add(sock, monitor=None, *rest):
        user_id = require_login(sock)

        def job(db):
            fields, notifications, start = add_input(monitor, store.monitor_columns(db))
            parent = fields.get("parent")
            if parent is not None and store.get_monitor_row(db, parent) is None:
                raise MonitorInputError("Invalid Monitor Group")
            validate_monitor({"interval": 20, "retry_interval": 20, **fields})
            return store.insert_monitor(db, user_id, fields, notifications), start

        monitor_id, start = await _write(app, job)
        if isinstance(monitor, dict) and monitor.get("parent") is not None:
            _tree_changed(app)
        await emit_monitor_update(app, user_id, monitor_id)
        if start:
            await _engine(app, "start_monitor", monitor_id)
        return ok_i18n("successAdded", monitorID=monitor_id)

    @on_login(hub, "editMonitor")
    async def edit_monitor(sock, monitor=None, *rest):
        user_id = require_login(sock)
        monitor_id = to_int(monitor.get("id")) if isinstance(monitor, dict) else None

        def job(db):
            row = None if monitor_id is None else store.get_monitor_row(db, monitor_id)
            if row is None:
                raise MonitorInputError("Cannot read properties of null (reading 'user_id')")
            if row["user_id"] != user_id:
                raise MonitorInputError("Permission denied.")
            fields = edit_input(monitor, store.monitor_columns(db))
            parent = fields.get("parent", row.get("parent"))
            if parent is not None:
                tree = load_tree(db)
                if parent == monitor_id or parent in tree.descendants(monitor_id) or parent not in tree.nodes:
                    raise MonitorInputError("Invalid Monitor Group")
            merged = {**row, **fields}
            validate_monitor(merged, sent=set(fields))
            store.update_monitor(db, monitor_id, fields)
            if "notificationIDList" in monitor:
                from kuma.rules.validate import notification_ids

                store.replace_notifications(db, monitor_id, notification_ids(monitor.get("notificationIDList")))
            unlinked: list[int] = []
            if row.get("type") == "group" and merged.get("type") != "group":
                unlinked = store.unlink_children(db, monitor_id)
            tree = load_tree(db)
            runnable = bool(merged.get("active")) and tree.parents_active(monitor_id)
            return unlinked, runnable, bool(unlinked) or merged.get("parent") != row.get("parent")

        unlinked, runnable, tree_changed = await _write(app, job)
        if tree_changed:
            _tree_changed(app)
        if runnable:
            await _engine(app, "restart_monitor", monitor_id)
        for child in unlinked:
            await emit_monitor_update(app, user_id, child)
        await emit_monitor_update(app, user_id, monitor_id)
        return ok_i18n("Saved.", monitorID=monitor_id)

    @on_login(hub, "getMonitorList")
    async def get_monitor_list(sock, *rest):
        user_id = require_login(sock)
        await send_monitor_list(app, user_id)
        return ok()

    @on_login(hub, "getMonitor")
    async def get_monitor(sock, monitor_id=None, *rest):
        user_id = require_login(sock)
        number = to_int(monitor_id)
        checker = maintenance_checker(app)
        found = {} if number is None else await app.db.read(
            lambda db: load_monitor_jsons(db, user_id=user_id, ids=[number], under_maintenance=checker))
        monitor = found.get(number)
        if monitor is None:
            raise ApiError("Cannot read properties of null (reading 'id')")
        monitor["path"] = [None]  # Uptime Kuma's getMonitor does not load the path
        monitor["pathName"] = ""
        return ok(monitor=monitor)

    @on_login(hub, "pauseMonitor")
    async def pause_monitor(sock, monitor_id=None, *rest):
        user_id = require_login(sock)
        row = await _owned_row(app, user_id, monitor_id)
        await _write(app, lambda db: store.set_active(db, row["id"], False))
        await _engine(app, "stop_monitor", row["id"])
        await emit_monitor_update(app, user_id, row["id"])
        return ok_i18n("successPaused")

    @on_login(hub, "resumeMonitor")
    async def resume_monitor(sock, monitor_id=None, *rest):
        user_id = require_login(sock)
        row = await _owned_row(app, user_id, monitor_id)
        await _write(app, lambda db: store.set_active(db, row["id"], True))
        await _engine(app, "start_monitor", row["id"])
        await emit_monitor_update(app, user_id, row["id"])
        return ok_i18n("successResumed")

    @on_login(hub, "deleteMonitor")
    async def delete_monitor(sock, monitor_id=None, delete_children=False, *rest):
        user_id = require_login(sock)
        number = to_int(monitor_id)
        hub_ = app.hub
        if number is None:
            raise ApiError("Invalid monitor ID")
        row = await app.db.read(lambda db: store.get_monitor_row(db, number))
        owned = row is not None and row.get("user_id") == user_id
        if owned and row.get("type") == "group":
            if delete_children is True:
                descendants = await app.db.read(lambda db: load_tree(db).descendants(number))
                for child in reversed(descendants):  # leaves first
                    await _engine(app, "stop_monitor", child)
                    await _write(app, lambda db, child=child: store.delete_monitor(db, child, user_id))
                    await hub_.emit("deleteMonitorFromList", child, room=str(user_id))
            else:
                children = await _write(app, lambda db: store.unlink_children(db, number))
                for child in children:
                    await emit_monitor_update(app, user_id, child)
        if owned:
            await _engine(app, "stop_monitor", number)
            await _write(app, lambda db: store.delete_monitor(db, number, user_id))
        if owned:
            _tree_changed(app)
        await hub_.emit("deleteMonitorFromList", number, room=str(user_id))
        return ok_i18n("successDeleted")

    @on_login(hub, "getMonitorBeats")
    async def get_monitor_beats(sock, monitor_id=None, period=None, *rest):
        require_login(sock)
        hours = _period_hours(period)
        number = to_int(monitor_id)
        since = (app.clock.utcnow() - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")
        rows = [] if number is None else await app.db.read(lambda db: fetch_dicts(
            db, "SELECT * FROM heartbeat WHERE monitor_id = ? AND time > ? ORDER BY time ASC, id ASC", (number, since)))
        return ok(data=[raw_row(r) for r in rows])

    @on_login(hub, "getMonitorChartData")
    async def get_monitor_chart_data(sock, monitor_id=None, period=None, *rest):
        require_login(sock)
        hours = _period_hours(period)
        number = to_int(monitor_id)
        buckets = await app.readings.chart_data(-1 if number is None else number, hours)
        return ok(data=[{key: js_number(value) for key, value in item.items()} for item in buckets])

    @on_login(hub, "clearEvents")
    async def clear_events(sock, monitor_id=None, *rest):
        user_id = require_login(sock)
        number = to_int(monitor_id)
        owned = number is not None and await app.db.read(lambda db: store.owner_of(db, number)) == user_id
        if owned:
            await _write(app, lambda db: store.clear_events(db, number))
        return ok()

    @on_login(hub, "clearHeartbeats")
    async def clear_heartbeats(sock, monitor_id=None, *rest):
        user_id = require_login(sock)
        number = to_int(monitor_id)
        row = None if number is None else await app.db.read(lambda db: store.get_monitor_row(db, number))
        if row is not None and row.get("user_id") == user_id:
            await _write(app, lambda db: store.clear_heartbeats(db, number))
            await _forget_stats(app, number)
            if row.get("active"):
                await _engine(app, "restart_monitor", number)
            rows = await app.db.read(lambda db: _recent_beats(db, number))
            await app.hub.emit("heartbeatList", number, [raw_row(r) for r in rows], True, room=str(user_id))
        return ok()

    @on_login(hub, "clearStatistics")
    async def clear_statistics(sock, *rest):
        require_login(sock)
        await _write(app, store.clear_statistics)
        active = await app.db.read(store.active_monitor_ids)
        for monitor_id in active:
            await _forget_stats(app, monitor_id)
            await _engine(app, "restart_monitor", monitor_id)
        return ok()

    @on_login(hub, "monitorImportantHeartbeatListCount")
    async def important_count(sock, monitor_id=None, *rest):
        user_id = require_login(sock)
        where, params = _important_filter(user_id, monitor_id)
        count = await app.db.read(lambda db: db.conn.execute(
            f"SELECT COUNT(*) FROM heartbeat h JOIN monitor m ON m.id = h.monitor_id WHERE {where}", params).fetchone()[0])
        return ok(count=count)

    @on_login(hub, "monitorImportantHeartbeatListPaged")
    async def important_paged(sock, monitor_id=None, offset=0, count=25, *rest):
        user_id = require_login(sock)
        where, params = _important_filter(user_id, monitor_id)
        limit = max(0, to_int(count) or 0)
        skip = max(0, to_int(offset) or 0)
        rows = await app.db.read(lambda db: fetch_dicts(
            db, f"SELECT h.* FROM heartbeat h JOIN monitor m ON m.id = h.monitor_id WHERE {where} "
                "ORDER BY h.time DESC, h.id DESC LIMIT ? OFFSET ?", (*params, limit, skip)))
        return ok(data=[important_beat(r) for r in rows])


def _important_filter(user_id: int, monitor_id: Any) -> tuple[str, tuple]:
    """Important beats of one of the user's monitors, or of all of them when the id is null."""
    if monitor_id is None:
        return "h.important = 1 AND m.user_id = ?", (user_id,)
    number = to_int(monitor_id)
    return "h.important = 1 AND m.user_id = ? AND h.monitor_id = ?", (user_id, -1 if number is None else number)


def _recent_beats(db, monitor_id: int) -> list[dict[str, Any]]:
    rows = fetch_dicts(db, "SELECT * FROM heartbeat WHERE monitor_id = ? ORDER BY time DESC, id DESC LIMIT ?",
                       (monitor_id, HEARTBEAT_LIST_LIMIT))
    return list(reversed(rows))


async def _forget_stats(app, monitor_id: int) -> None:
    """Drop the engine's in-memory uptime numbers of a monitor whose statistics were cleared."""
    app.monitoring.forget(monitor_id)
