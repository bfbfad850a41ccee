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
import json
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


def _important_fallback(r: dict[str, Any]) -> dict[str, Any]:
    return {"monitorID": r["monitor_id"], "status": r["status"], "time": r["time"], "msg": r["msg"],
            "ping": r["ping"], "important": r["important"], "duration": r["duration"], "retries": r["retries"],
            "response": r["response"]}


#: Monitors per hand-over of heartbeatList / importantHeartbeatList events (then back-pressure).
EMIT_CHUNK = 100


def _fallback_stats(db, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Without the engine: the stat tables, per monitor."""
    out: dict[int, dict[str, Any]] = {}
    for i in ids:
        entry: dict[str, Any] = {"avgPing": _js_round(stats_from_tables(db, i, "ping")[2])}
        for period in ("24", "720", "1y"):
            up, down, _ = stats_from_tables(db, i, period)
            ratio = up / (up + down) if up + down else 0
            entry[period] = int(ratio) if float(ratio).is_integer() else ratio
        out[i] = entry
    return out


def _tls_infos(db, ids: list[int]) -> dict[int, str]:
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


def burst_reader(app: Any, ids: list[int]) -> Callable[[Any], tuple[dict, dict, dict, dict]]:
    """ONE reader job for everything the burst needs per monitor, in set-based queries: (stats
    {id: {"avgPing", "24", "720", "1y"}}, last 100 rows {id: [...]} oldest first, important rows {id: [...]}
    newest first (≤ 500), TLS info text {id: str})."""
    from kuma.store import heartbeats as beats_store

    mon = app.extensions.get("monitoring")
    engine_stats = getattr(mon, "stats_many_reader", None) if mon is not None else None
    stats_job = engine_stats(ids) if engine_stats is not None else None

    def read(db) -> tuple[dict, dict, dict, dict]:
        stats = stats_job(db) if stats_job is not None else _fallback_stats(db, ids)
        recent = beats_store.recent_many(db, ids, HEARTBEAT_LIST_LIMIT)
        important = beats_store.important_many(db, ids, IMPORTANT_LIST_LIMIT)
        return stats, recent, important, _tls_infos(db, ids)

    return read


def _important_fallback(r: dict[str, Any]) -> dict[str, Any]:
    return {"monitorID": r["monitor_id"], "status": r["status"], "time": r["time"], "msg": r["msg"],
            "ping": r["ping"], "important": r["important"], "duration": r["duration"], "retries": r["retries"],
            "response": r["response"]}


async def send_monitor_data(app: Any, sock: Any, ids: list[int]) -> None:
    """Stats for every monitor (room), then each monitor's heartbeatList (this socket). Ids as strings.

    Then `importantHeartbeatList` per monitor: not sent by Uptime Kuma 2.x, but clients made for 1.x
    (uptime_kuma_api's get_important_heartbeats) wait for it; the 2.x web UI ignores it.
    All data comes from one reader job; events go out in big batches, with back-pressure on this socket."""
    hub = app.extensions["hub"]
    room = str(current_user_id(sock))
    if not ids:
        return
    stats, recent, important, tls = await app.db.read(burst_reader(app, ids))
    shapes = import_area("kuma.shapes.heartbeat")
    raw_row = getattr(shapes, "raw_row", None) if shapes is not None else None
    important_beat = getattr(shapes, "important_beat", None) if shapes is not None else None
    shape_raw = raw_row or dict
    shape_important = important_beat or _important_fallback

    keys = [str(i) for i in ids]
    if hub.room_size(room) > 0:
        events: list[tuple[str, tuple]] = []
        for i, key in zip(ids, keys):
            entry = stats[i]
            events.append(("avgPing", (key, entry["avgPing"])))
            events.append(("uptime", (key, 24, entry["24"])))
            if i in tls:
                events.append(("certInfo", (key, tls[i])))
        events.extend(("uptime", (key, 720, stats[i]["720"])) for i, key in zip(ids, keys))
        events.extend(("uptime", (key, "1y", stats[i]["1y"])) for i, key in zip(ids, keys))
        await hub.emit_many(events, room=room)
        await sock.drain()
    for start in range(0, len(ids), EMIT_CHUNK):
        chunk = range(start, min(start + EMIT_CHUNK, len(ids)))
        await sock.emit_many(("heartbeatList", (keys[n], [shape_raw(r) for r in recent[ids[n]]], False)) for n in chunk)
    for start in range(0, len(ids), EMIT_CHUNK):
        chunk = range(start, min(start + EMIT_CHUNK, len(ids)))
        await sock.emit_many(
            ("importantHeartbeatList", (keys[n], [shape_important(r) for r in important[ids[n]]], False)) for n in chunk)
