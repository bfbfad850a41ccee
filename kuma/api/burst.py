"""The afterLogin burst (socketio-events.md §2): everything a dashboard needs, in Uptime Kuma's wire order,
all sent before the login ack.

The payloads come from the shapes (`monitor_list`, `maintenance_list`, `notification_list`,
`status_page_list`, the fixed `monitor_type_list`) and the per-monitor figures (avg ping, uptime) from
the stat tables through the read model (`app.readings`). The heartbeat lists are JSON text written by
SQLite (`kuma.store.beats_json`), read and framed per chunk of monitors in worker threads, one chunk
ahead of the one being sent.

Everything goes to the socket that logged in, and only to it: the user's other sockets hold these lists
already, and whatever changes later reaches them through the change events (a burst to the whole room
made n logins cost n² × the lists).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import trio

from kuma.accounts.info import info_payload
from kuma.api import legacy_lists, light_start
from kuma.api.common import current_user_id
from kuma.realtime.socketio import encode_event, encode_event_in_pieces, event_frame_from_json
from kuma.shapes.monitor_types import monitor_type_list
from kuma.store import beats_json
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


# -- the burst ---------------------------------------------------------------------------------
async def after_login(app: Any, sock: Any, user: dict[str, Any]) -> None:
    """Join the user's room and send the burst. The caller acks the login afterwards. No list for 1.x
    clients (kuma/api/legacy_lists.py) goes out into the room while the burst runs. Its reads are bulk
    reads: however many logins run at once, they leave a reader free for pushes and acks."""
    with legacy_lists.busy(app, int(user["id"])), app.db.bulk_reads():
        await _after_login(app, sock, user)


async def _after_login(app: Any, sock: Any, user: dict[str, Any]) -> None:
    user_id = int(user["id"])
    previous = current_user_id(sock)
    if previous is not None and int(previous) != user_id:
        sock.leave(str(previous))  # logged in again as someone else on the same socket
    sock.session["user_id"] = user_id
    sock.join(str(user_id))

    async with app.db.bulk_job():  # a few logins build their lists at once; the others wait holding nothing
        lists = await gather(
            {
                "monitorList": lambda: monitor_list(app, user_id),
                "maintenanceList": lambda: maintenance_list(app, user_id),
                "info": lambda: info_payload(app, full=True),
                "notificationList": lambda: notification_list(app, user_id),
                "proxyList": lambda: proxy_list(app, user_id),
                "dockerHostList": lambda: docker_host_list(app, user_id),
                "apiKeyList": lambda: api_key_list(app, user_id),
                "remoteBrowserList": lambda: remote_browser_list(app, user_id),
                "statusPageList": lambda: status_page_list(app),
                "timezone": lambda: app.db.read(lambda db: get_setting(db, "initServerTimezone")),
                "lightStart": lambda: light_start.start_frame(app, sock, user_id),  # None: Uptime Kuma's burst
            }
        )
        lists["monitorTypeList"] = monitor_type_list()
        frames = await trio.to_thread.run_sync(encode_lists, lists)
    ids = sorted(int(key) for key in lists["monitorList"])  # JS object keys: ascending numeric order
    timezone_set = bool(lists["timezone"])
    light_start_frame = lists["lightStart"]
    del lists  # only the encoded frames are kept while they are sent
    await sock.send_encoded(frames)
    del frames

    if light_start_frame:  # kuma's own dashboard asked for less (kuma/api/light_start.py)
        await sock.send_encoded([light_start_frame])
    else:
        await send_monitor_data(app, sock, ids)

    if not timezone_set:
        await sock.emit("initServerTimezone")


#: The lists, in Uptime Kuma's wire order.
LIST_ORDER = (
    "monitorList",
    "monitorTypeList",
    "maintenanceList",
    "info",
    "notificationList",
    "proxyList",
    "dockerHostList",
    "apiKeyList",
    "remoteBrowserList",
    "statusPageList",
)


def encode_lists(lists: dict[str, Any]) -> list:
    """The list frames in wire order, encoded item by item (run in a worker thread: thousands of monitors,
    or a notification of a megabyte, never hold the event loop)."""
    frames: list = []
    for event in LIST_ORDER:
        frames.extend(encode_event_in_pieces(event, lists[event]))
    return frames


#: Monitors per reader job of heartbeat lists (one job is read while the previous one is sent).
CHUNK = 250


def stats_frames_reader(app: Any, ids: list[int]) -> Callable[[Any], list]:
    """A reader job giving the encoded stat events of every monitor, in wire order: per monitor `avgPing`,
    `uptime` 24 (and `certInfo`), then every `uptime` 720, then every `uptime` "1y"."""
    stats_job = app.readings.stats_many_reader(ids)

    def read(db) -> list:
        stats, tls = stats_job(db), latest_tls_infos(db, ids)
        keys = [str(i) for i in ids]
        events: list[tuple[str, tuple]] = []
        for i, key in zip(ids, keys):
            events.append(("avgPing", (key, stats[i]["avgPing"])))
            events.append(("uptime", (key, 24, stats[i]["24"])))
            if i in tls:
                events.append(("certInfo", (key, tls[i])))
        events.extend(("uptime", (key, 720, stats[i]["720"])) for i, key in zip(ids, keys))
        events.extend(("uptime", (key, "1y", stats[i]["1y"])) for i, key in zip(ids, keys))
        frames: list = []
        for event, args in events:
            frames.extend(encode_event(event, args))
        return frames

    return read


def beats_frames_reader(ids: list[int]) -> Callable[[Any], tuple[list[str], list[str]]]:
    """A reader job giving the `heartbeatList` and `importantHeartbeatList` frames of these monitors."""

    def read(db) -> tuple[list[str], list[str]]:
        recent = beats_json.recent_json_many(db, ids, HEARTBEAT_LIST_LIMIT)
        important = beats_json.important_json_many(db, ids, IMPORTANT_LIST_LIMIT)
        return (
            [event_frame_from_json("heartbeatList", (f'"{i}"', recent[i], "false")) for i in ids],
            [event_frame_from_json("importantHeartbeatList", (f'"{i}"', important[i], "false")) for i in ids],
        )

    return read


async def send_monitor_data(app: Any, sock: Any, ids: list[int]) -> None:
    """Stats for every monitor, then each monitor's `heartbeatList`, then its `importantHeartbeatList` (not
    sent by Uptime Kuma 2.x, but clients made for 1.x, such as uptime_kuma_api's get_important_heartbeats,
    wait for it; the 2.x web UI ignores it). Ids as strings. The frames are built in reader threads, a
    chunk ahead of the one being sent; this socket's back-pressure paces the whole burst."""
    if not ids:
        return
    chunks = [ids[n : n + CHUNK] for n in range(0, len(ids), CHUNK)]
    async with trio.open_nursery() as nursery:
        stats = Prefetch(nursery, app.db.read, stats_frames_reader(app, ids))
        pending = Prefetch(nursery, app.db.read, beats_frames_reader(chunks[0]))
        await sock.send_encoded(await stats.result())
        important: list[str] = []
        for n in range(len(chunks)):
            recent_frames, important_frames = await pending.result()
            if n + 1 < len(chunks):
                pending = Prefetch(nursery, app.db.read, beats_frames_reader(chunks[n + 1]))
            important.extend(important_frames)
            await sock.send_encoded(recent_frames)
        for n in range(0, len(important), CHUNK):
            await sock.send_encoded(important[n : n + CHUNK])


class Prefetch:
    """`await fn(arg)` started now in `nursery`; `result()` waits for it."""

    def __init__(self, nursery: trio.Nursery, fn: Callable[[Any], Awaitable[Any]], arg: Any) -> None:
        self._done = trio.Event()
        self._value: Any = None
        nursery.start_soon(self._run, fn, arg)

    async def _run(self, fn: Callable[[Any], Awaitable[Any]], arg: Any) -> None:
        self._value = await fn(arg)
        self._done.set()

    async def result(self) -> Any:
        await self._done.wait()
        return self._value
