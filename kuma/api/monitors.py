"""Socket.IO monitor events (socketio-events.md §3.2): CRUD, pause/resume, beats, chart data, clearing.

Replies and the list events that follow keep Uptime Kuma's order: `updateMonitorIntoList` /
`deleteMonitorFromList` / `monitorList` go to the owner's room BEFORE the ack. The monitoring engine
(`app.extensions["monitoring"]`) is told to start/stop/restart after each change when it is present.
"""
from __future__ import annotations

import logging
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from kuma.api.common import ApiError, ok, ok_i18n, on_login, require_login, to_int
from kuma.rules.validate import MonitorInputError, add_input, edit_input, validate_monitor
from kuma.shapes.heartbeat import important_beat, raw_row
from kuma.shapes.monitor import fetch_dicts, load_tree, maintenance_checker, monitor_entries, monitor_list
from kuma.shapes.monitor import load_monitor_jsons
from kuma.shapes.monitor_types import monitor_type_list  # noqa: F401  (the login burst looks it up here too)
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
        await app.extensions["hub"].emit("updateMonitorIntoList", payload, room=str(user_id))


async def send_monitor_list(app, user_id: int) -> None:
    await app.extensions["hub"].emit("monitorList", await monitor_list(app, user_id), room=str(user_id))


async def _engine(app, action: str, monitor_id: int) -> None:
    """start_monitor / stop_monitor / restart_monitor on the monitoring service, if this build has one."""
    service = app.extensions.get("monitoring")
    fn = getattr(service, action, None)
    if fn is None:
        return
    try:
        await fn(monitor_id)
    except Exception:  # the change is stored; a scheduling hiccup must not turn the ack into an error
        log.exception("%s(%s) failed", action, monitor_id)


def _tree_changed(app) -> None:
    """Maintenance is inherited through groups: tell the maintenance service the monitor tree changed."""
    changed = getattr(app.extensions.get("maintenance"), "changed", None)
    if changed is not None:
        changed()


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


def _now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


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


# -- chart data (pure) ---------------------------------------------------------------------------------

def chart_bucket(row: dict[str, Any] | None, timestamp: int) -> dict[str, Any]:
    """One `getMonitorChartData` item; `maintenance` only when the bucket counted maintenance beats."""
    if row is None:
        return {"up": 0, "down": 0, "avgPing": 0, "minPing": 0, "maxPing": 0, "timestamp": timestamp}
    item = {
        "up": row["up"], "down": row["down"], "avgPing": js_number(row["ping"]), "minPing": js_number(row["ping_min"]),
        "maxPing": js_number(row["ping_max"]), "timestamp": row["timestamp"],
    }
    extras = row.get("extras")
    if extras:
        import json

        try:
            maintenance = json.loads(extras).get("maintenance")
        except (ValueError, AttributeError):
            maintenance = None
        if maintenance:
            item["maintenance"] = maintenance
    return item


def chart_window(period_hours: float, now: float) -> tuple[str, int, int]:
    """(stat table, bucket size in seconds, number of buckets) for a chart period."""
    if period_hours <= 24:
        return "stat_minutely", 60, max(1, int(period_hours * 60))
    if period_hours <= 720:
        return "stat_hourly", 3600, max(1, int(period_hours))
    return "stat_daily", 86400, max(1, int(period_hours / 24))


def read_chart_data(db, monitor_id: int, period_hours: float, now: float) -> list[dict[str, Any]]:
    table, size, count = chart_window(period_hours, now)
    current = int(now // size * size)
    oldest = current - (count - 1) * size
    rows = fetch_dicts(
        db, f"SELECT * FROM {table} WHERE monitor_id = ? AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp DESC",
        (monitor_id, oldest, current),
    )
    items = [chart_bucket(r, r["timestamp"]) for r in rows]
    if not rows or rows[0]["timestamp"] != current:  # the in-progress bucket is always there
        items.insert(0, chart_bucket(None, current))
    return items


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
        hub_ = app.extensions["hub"]
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
        since = (_now_utc() - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")
        rows = [] if number is None else await app.db.read(lambda db: fetch_dicts(
            db, "SELECT * FROM heartbeat WHERE monitor_id = ? AND time > ? ORDER BY time ASC, id ASC", (number, since)))
        return ok(data=[raw_row(r) for r in rows])

    @on_login(hub, "getMonitorChartData")
    async def get_monitor_chart_data(sock, monitor_id=None, period=None, *rest):
        require_login(sock)
        hours = _period_hours(period)
        number = to_int(monitor_id)
        service = app.extensions.get("monitoring")
        engine_chart = getattr(service, "chart_data", None)
        if engine_chart is not None and number is not None:  # the engine's buckets and clock when it runs
            buckets = await engine_chart(number, hours)
            return ok(data=[{key: js_number(value) for key, value in item.items()} for item in buckets])
        now = time.time()
        data = await app.db.read(lambda db: read_chart_data(db, -1 if number is None else number, hours, now))
        return ok(data=data)

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
            await app.extensions["hub"].emit("heartbeatList", number, [raw_row(r) for r in rows], True,
                                             room=str(user_id))
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
    service = app.extensions.get("monitoring")
    for name in ("forget", "clear_statistics", "forget_stats"):
        fn = getattr(service, name, None)
        if fn is not None:
            try:
                result = fn(monitor_id)
                if hasattr(result, "__await__"):
                    await result
            except Exception:
                log.exception("%s(%s) failed", name, monitor_id)
            return
