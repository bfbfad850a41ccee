"""The afterLogin burst (socketio-events.md §2): everything a dashboard needs, in Uptime Kuma's wire order,
all sent before the login ack.

Other areas provide the payloads; an area that is not part of this build yet contributes the empty value
of its event, so a client never waits for an event that never comes:

- `kuma.shapes.monitor.monitor_list(app, user_id) -> dict` (and `monitor_type_list()` if it has one)
- `kuma.shapes.maintenance.maintenance_list(app, user_id) -> dict`
- `kuma.shapes.notification.notification_list(app, user_id) -> list`
- `kuma.shapes.status_page.status_page_list(app) -> dict`
- `app.extensions["monitoring"]`: avg ping, uptime and heartbeatList rows per monitor
"""
from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable

import trio

from kuma.accounts.info import info_payload
from kuma.api.common import current_user_id
from kuma.app import import_area
from kuma.shapes.lists import api_key_list, docker_host_list, proxy_list, remote_browser_list

log = logging.getLogger(__name__)

UPTIME_PERIODS: tuple[int | str, ...] = (24, 720, "1y")
HEARTBEAT_LIST_LIMIT = 100
IMPORTANT_LIST_LIMIT = 500


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def _area_value(module_name: str, function_name: str, empty: Any, *args: Any) -> Any:
    """Call `module.function(*args)` if that area exists, else the event's empty value."""
    module = import_area(module_name)
    fn = getattr(module, function_name, None) if module is not None else None
    if fn is None:
        return empty
    return await _maybe_await(fn(*args))


async def monitor_type_list(app: Any) -> dict:
    for module_name in ("kuma.shapes.monitor", "kuma.shapes.monitor_types", "kuma.api.monitors"):
        module = import_area(module_name)
        fn = getattr(module, "monitor_type_list", None) if module is not None else None
        if fn is not None:
            params = inspect.signature(fn).parameters
            return await _maybe_await(fn(app) if params else fn())
    return {}


async def gather(jobs: dict[str, Callable[[], Awaitable[Any]]]) -> dict[str, Any]:
    """Run independent reads concurrently; results by name."""
    results: dict[str, Any] = {}

    async def run(name: str, job: Callable[[], Awaitable[Any]]) -> None:
        results[name] = await job()

    async with trio.open_nursery() as nursery:
        for name, job in jobs.items():
            nursery.start_soon(run, name, job)
    return results


# -- per-monitor data --------------------------------------------------------------------------
def _recent_beats(db, monitor_id: int, limit: int) -> list[dict[str, Any]]:
    rows = db.conn.execute(
        "SELECT * FROM heartbeat WHERE monitor_id = ? ORDER BY time DESC, id DESC LIMIT ?", (monitor_id, limit)
    ).fetchall()
    return [dict(r) for r in reversed(rows)]


def _important_beats(db, monitor_id: int, limit: int) -> list[dict[str, Any]]:
    rows = db.conn.execute(
        "SELECT * FROM heartbeat WHERE monitor_id = ? AND important = 1 ORDER BY time DESC, id DESC LIMIT ?",
        (monitor_id, limit),
    ).fetchall()
    return [dict(r) for r in rows]


async def _engine_call(mon: Any, names: tuple[str, ...], *args: Any) -> tuple[bool, Any]:
    for name in names:
        fn = getattr(mon, name, None)
        if fn is not None:
            return True, await _maybe_await(fn(*args))
    return False, None


#: Without the engine, stats come from Uptime Kuma's aggregate tables: (table, seconds back).
STAT_WINDOWS = {"ping": ("stat_minutely", 86400), "24": ("stat_minutely", 86400),
                "720": ("stat_hourly", 720 * 3600), "1y": ("stat_daily", 365 * 86400)}


def stats_from_tables(db, monitor_id: int, window: str) -> tuple[int, int, float | None]:
    """(up, down, average ping of UP beats) over a window of the stat tables."""
    import time

    table, seconds = STAT_WINDOWS[window]
    row = db.conn.execute(
        f"SELECT SUM(up), SUM(down), SUM(ping * up) FROM {table} WHERE monitor_id = ? AND timestamp >= ?",
        (monitor_id, int(time.time()) - seconds),
    ).fetchone()
    up, down, ping_sum = (row[0] or 0), (row[1] or 0), row[2]
    return up, down, (ping_sum / up if up and ping_sum is not None else None)


def _js_round(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 2)
    return int(rounded) if float(rounded).is_integer() else rounded


async def avg_ping(app: Any, monitor_id: int) -> float | int | None:
    mon = app.extensions.get("monitoring")
    if mon is not None:
        found, value = await _engine_call(mon, ("avg_ping",), monitor_id)
        if found:
            return value
    _, _, ping = await app.db.read(lambda db: stats_from_tables(db, monitor_id, "ping"))
    return _js_round(ping)


async def uptime(app: Any, monitor_id: int, period: int | str) -> float | int:
    mon = app.extensions.get("monitoring")
    if mon is not None:
        found, value = await _engine_call(mon, ("uptime",), monitor_id, str(period))
        if found:
            return 0 if value is None else value
    up, down, _ = await app.db.read(lambda db: stats_from_tables(db, monitor_id, str(period)))
    ratio = up / (up + down) if up + down else 0
    return int(ratio) if float(ratio).is_integer() else ratio


async def _per_monitor(app: Any, ids: list[int], fn) -> dict[int, Any]:
    return await gather({str(i): (lambda i=i: fn(app, i)) for i in ids}) if ids else {}


# -- the burst ---------------------------------------------------------------------------------
async def after_login(app: Any, sock: Any, user: dict[str, Any]) -> None:
    """Join the user's room and send the burst. The caller acks the login afterwards."""
    hub = app.extensions["hub"]
    user_id = int(user["id"])
    room = str(user_id)
    previous = current_user_id(sock)
    if previous is not None and int(previous) != user_id:
        sock.leave(str(previous))  # logged in again as someone else on the same socket
    sock.session["user_id"] = user_id
    sock.join(room)

    monitors = await _area_value("kuma.shapes.monitor", "monitor_list", {}, app, user_id)
    await hub.emit("monitorList", monitors, room=room)

    lists = await gather({
        "monitorTypeList": lambda: monitor_type_list(app),
        "maintenanceList": lambda: _area_value("kuma.shapes.maintenance", "maintenance_list", {}, app, user_id),
        "info": lambda: info_payload(app, full=True),
        "notificationList": lambda: _area_value("kuma.shapes.notification", "notification_list", [], app, user_id),
        "proxyList": lambda: proxy_list(app, user_id),
        "dockerHostList": lambda: docker_host_list(app, user_id),
        "apiKeyList": lambda: api_key_list(app, user_id),
        "remoteBrowserList": lambda: remote_browser_list(app, user_id),
        "statusPageList": lambda: _area_value("kuma.shapes.status_page", "status_page_list", {}, app),
    })
    await hub.emit("monitorTypeList", lists["monitorTypeList"], room=room)
    await hub.emit("maintenanceList", lists["maintenanceList"], room=room)
    await sock.emit("info", lists["info"])
    for event in ("notificationList", "proxyList", "dockerHostList", "apiKeyList", "remoteBrowserList", "statusPageList"):
        await hub.emit(event, lists[event], room=room)

    ids = sorted(int(key) for key in monitors)  # JS object keys: ascending numeric order
    await send_monitor_data(app, sock, ids)

    from kuma.store.settings import get_setting

    if not await app.db.read(lambda db: get_setting(db, "initServerTimezone")):
        await sock.emit("initServerTimezone")


async def monitor_stats(app: Any, monitor_id: int) -> dict[str, Any]:
    """{"avgPing", "24", "720", "1y"} from the engine (one read), else from the stat tables."""
    mon = app.extensions.get("monitoring")
    fn = getattr(mon, "stats", None) if mon is not None else None
    if fn is not None:
        return await fn(monitor_id)
    return {"avgPing": await avg_ping(app, monitor_id), "24": await uptime(app, monitor_id, 24),
            "720": await uptime(app, monitor_id, 720), "1y": await uptime(app, monitor_id, "1y")}


async def all_stats(app: Any, ids: list[int]) -> dict[str, dict[str, Any]]:
    """Every monitor's stats in ONE read (the engine's window rules), so a burst for thousands of monitors
    does not queue thousands of reads; per-monitor `stats()` calls when the engine's parts are missing."""
    mon = app.extensions.get("monitoring")
    upt = import_area("kuma.monitoring.uptime")
    sums_of = getattr(import_area("kuma.store.stats"), "window_sums", None)
    wall = getattr(mon, "wall", None)
    if mon is None or upt is None or sums_of is None or wall is None:
        return await _per_monitor(app, ids, monitor_stats)
    now = wall()

    def read(db):
        out = {}
        for i in ids:
            sums = {key: sums_of(db, upt.table_for(unit), i, upt.window_start(now, unit, count))
                    for key, (unit, count) in upt.PERIODS.items()}
            out[str(i)] = {"avgPing": upt.rounded_ping(upt.average_ping(sums["24"])),
                           "24": upt.uptime_ratio(sums["24"]), "720": upt.uptime_ratio(sums["720"]),
                           "1y": upt.uptime_ratio(sums["1y"])}
        return out

    return await app.db.read(read)


def read_beats(db, ids: list[int]) -> tuple[dict[int, list], dict[int, list], dict[int, str]]:
    """For every monitor in one read: the last 100 raw rows (oldest first), the important beats (newest
    first, at most 500) and the stored TLS info text, if any."""
    recent = {i: _recent_beats(db, i, HEARTBEAT_LIST_LIMIT) for i in ids}
    important = {i: _important_beats(db, i, IMPORTANT_LIST_LIMIT) for i in ids}
    tls: dict[int, str] = {}
    for i in ids:
        row = db.conn.execute("SELECT info_json FROM monitor_tls_info WHERE monitor_id = ? ORDER BY id DESC LIMIT 1",
                              (i,)).fetchone()
        if row is not None and row[0]:
            tls[i] = row[0]
    return recent, important, tls


def _shaped(rows_by_id: dict[int, list], name: str, fallback) -> dict[int, list]:
    shapes = import_area("kuma.shapes.heartbeat")
    fn = getattr(shapes, name, None) if shapes is not None else None
    return {i: [(fn or fallback)(r) for r in rows] for i, rows in rows_by_id.items()}


def _important_fallback(r: dict[str, Any]) -> dict[str, Any]:
    return {"monitorID": r["monitor_id"], "status": r["status"], "time": r["time"], "msg": r["msg"],
            "ping": r["ping"], "important": r["important"], "duration": r["duration"], "retries": r["retries"],
            "response": r["response"]}


async def send_monitor_data(app: Any, sock: Any, ids: list[int]) -> None:
    """Stats for every monitor (room), then each monitor's heartbeatList (this socket). Ids as strings.

    Then `importantHeartbeatList` per monitor: not sent by Uptime Kuma 2.x, but clients made for 1.x
    (uptime_kuma_api's get_important_heartbeats) wait for it; the 2.x web UI ignores it."""
    hub = app.extensions["hub"]
    room = str(current_user_id(sock))
    if not ids:
        return
    stats = await all_stats(app, ids)
    recent, important, tls = await app.db.read(lambda db: read_beats(db, ids))
    recent = _shaped(recent, "raw_row", dict)
    important = _shaped(important, "important_beat", _important_fallback)
    if hub.room_size(room) > 0:
        for i in ids:
            await hub.emit("avgPing", str(i), stats[str(i)]["avgPing"], room=room)
            await hub.emit("uptime", str(i), 24, stats[str(i)]["24"], room=room)
            if i in tls:
                await hub.emit("certInfo", str(i), tls[i], room=room)
        for i in ids:
            await hub.emit("uptime", str(i), 720, stats[str(i)]["720"], room=room)
        for i in ids:
            await hub.emit("uptime", str(i), "1y", stats[str(i)]["1y"], room=room)
    for i in ids:
        await sock.emit("heartbeatList", str(i), recent[i], False)
    for i in ids:
        await sock.emit("importantHeartbeatList", str(i), important[i], False)
