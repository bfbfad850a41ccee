"""The afterLogin burst (socketio-events.md §2): everything a dashboard needs, in Uptime Kuma's wire order,
all sent before the login ack.

The payloads come from the shapes (`monitor_list`, `maintenance_list`, `notification_list`,
`status_page_list`, the fixed `monitor_type_list`) and the per-monitor figures (avg ping, uptime) from
the stat tables through the read model (`app.readings`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import trio

from kuma.accounts.info import info_payload
from kuma.api import legacy_lists
from kuma.api.common import current_user_id
from kuma.shapes.heartbeat import important_beat, raw_row
from kuma.shapes.monitor_types import monitor_type_list
from kuma.store import heartbeats as beats_store
from kuma.store.monitors import latest_tls_infos
from kuma.store.settings import get_setting
from kuma.views.lists import api_key_list, docker_host_list, proxy_list, remote_browser_list
from kuma.views.maintenance import maintenance_list
from kuma.views.monitors import monitor_list
from kuma.views.notifications import notification_list
from kuma.views.status_pages import status_page_list

log = logging.getLogger(__name__)

UPTIME_PERIODS: tuple[int | str, ...] = (24, 720, "1y")
HEARTBEAT_LIST_LIMIT = 100
IMPORTANT_LIST_LIMIT = 500


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


# -- the burst ---------------------------------------------------------------------------------
async def after_login(app: Any, sock: Any, user: dict[str, Any]) -> None:
    """Join the user's room and send the burst. The caller acks the login afterwards. No list for 1.x
    clients (kuma/api/legacy_lists.py) goes out into the room while the burst runs."""
    with legacy_lists.busy(app, int(user["id"])):
        await _after_login(app, sock, user)


async def _after_login(app: Any, sock: Any, user: dict[str, Any]) -> None:
    hub = app.hub
    user_id = int(user["id"])
    room = str(user_id)
    previous = current_user_id(sock)
    if previous is not None and int(previous) != user_id:
        sock.leave(str(previous))  # logged in again as someone else on the same socket
    sock.session["user_id"] = user_id
    sock.join(room)

    monitors = await monitor_list(app, user_id)
    await hub.emit("monitorList", monitors, room=room)

    lists = await gather(
        {
            "maintenanceList": lambda: maintenance_list(app, user_id),
            "info": lambda: info_payload(app, full=True),
            "notificationList": lambda: notification_list(app, user_id),
            "proxyList": lambda: proxy_list(app, user_id),
            "dockerHostList": lambda: docker_host_list(app, user_id),
            "apiKeyList": lambda: api_key_list(app, user_id),
            "remoteBrowserList": lambda: remote_browser_list(app, user_id),
            "statusPageList": lambda: status_page_list(app),
        }
    )
    await hub.emit("monitorTypeList", monitor_type_list(), room=room)
    await hub.emit("maintenanceList", lists["maintenanceList"], room=room)
    await sock.emit("info", lists["info"])
    for event in (
        "notificationList",
        "proxyList",
        "dockerHostList",
        "apiKeyList",
        "remoteBrowserList",
        "statusPageList",
    ):
        await hub.emit(event, lists[event], room=room)

    ids = sorted(int(key) for key in monitors)  # JS object keys: ascending numeric order
    await send_monitor_data(app, sock, ids)

    if not await app.db.read(lambda db: get_setting(db, "initServerTimezone")):
        await sock.emit("initServerTimezone")


#: Monitors per hand-over of heartbeatList / importantHeartbeatList events (then back-pressure).
EMIT_CHUNK = 100


def burst_reader(app: Any, ids: list[int]) -> Callable[[Any], tuple[dict, dict, dict, dict]]:
    """ONE reader job for everything the burst needs per monitor, in set-based queries: (stats
    {id: {"avgPing", "24", "720", "1y"}}, last 100 rows {id: [...]} oldest first, important rows {id: [...]}
    newest first (≤ 500), TLS info text {id: str})."""
    stats_job = app.readings.stats_many_reader(ids)

    def read(db) -> tuple[dict, dict, dict, dict]:
        stats = stats_job(db)
        recent = beats_store.recent_many(db, ids, HEARTBEAT_LIST_LIMIT)
        important = beats_store.important_many(db, ids, IMPORTANT_LIST_LIMIT)
        return stats, recent, important, latest_tls_infos(db, ids)

    return read


async def send_monitor_data(app: Any, sock: Any, ids: list[int]) -> None:
    """Stats for every monitor (room), then each monitor's heartbeatList (this socket). Ids as strings.

    Then `importantHeartbeatList` per monitor: not sent by Uptime Kuma 2.x, but clients made for 1.x
    (uptime_kuma_api's get_important_heartbeats) wait for it; the 2.x web UI ignores it.
    All data comes from one reader job; events go out in big batches, with back-pressure on this socket."""
    hub = app.hub
    room = str(current_user_id(sock))
    if not ids:
        return
    stats, recent, important, tls = await app.db.read(burst_reader(app, ids))

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
        await sock.emit_many(("heartbeatList", (keys[n], [raw_row(r) for r in recent[ids[n]]], False)) for n in chunk)
    for start in range(0, len(ids), EMIT_CHUNK):
        chunk = range(start, min(start + EMIT_CHUNK, len(ids)))
        await sock.emit_many(
            ("importantHeartbeatList", (keys[n], [important_beat(r) for r in important[ids[n]]], False)) for n in chunk
        )
