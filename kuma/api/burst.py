"""The afterLogin burst (socketio-events.md §2): everything a dashboard needs, in Uptime Kuma's wire order,
all sent before the login ack.

The payloads come from the shapes (`monitor_list`, `maintenance_list`, `notification_list`,
`status_page_list`, the fixed `monitor_type_list`) and the per-monitor figures (avg ping, uptime) from
the stat tables through the read model (`app.readings`). The heartbeat lists are JSON text written by
SQLite (`kuma.store.beats_json`), read and framed per chunk of monitors in worker threads, two chunks at
once on two reader connections (from the moment the lists are known), ahead of the one being sent.

Everything goes to the socket that logged in, and only to it: the user's other sockets hold these lists
already, and whatever changes later reaches them through the change events (a burst to the whole room
made n logins cost n² × the lists). What many logins of one user share (the lists, the per-monitor
figures) is built once for all of them (`kuma.api.burst_cache`, at `app.bursts`): the same bytes.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import trio

from kuma.accounts.api_keys import utc_text
from kuma.accounts.info import info_from, read_info_settings
from kuma.api import legacy_lists, light_start
from kuma.api.common import current_user_id
from kuma.realtime.socketio import dumps, encode_event, encode_event_in_pieces, event_frame_from_json
from kuma.realtime.wire import Frame, Wire
from kuma.shapes.monitor_types import monitor_type_list
from kuma.store import beats_json
from kuma.store.monitors import latest_tls_infos
from kuma.store.settings import get_setting
from kuma.views.lists import api_key_list_reader, docker_host_list, proxy_list, remote_browser_list
from kuma.views.maintenance import maintenance_list_reader
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
    clients (kuma/api/legacy_lists.py) goes out into the room while the burst runs. A light-start socket
    gets its slim `monitorList` and `kumaStart` first, then the other lists, and no per-monitor events. Its
    reads are bulk reads: however many logins run at once, they leave a reader free for pushes and acks."""
    with legacy_lists.busy(app, int(user["id"])), app.db.bulk_reads():
        await _after_login(app, sock, user)


async def _after_login(app: Any, sock: Any, user: dict[str, Any]) -> None:
    user_id = int(user["id"])
    previous = current_user_id(sock)
    if previous is not None and int(previous) != user_id:
        sock.leave(str(previous))  # logged in again as someone else on the same socket
    sock.session["user_id"] = user_id
    sock.join(str(user_id))
    joined_at = trio.current_time()  # a build begun from here on misses nothing this socket needs

    bursts = app.bursts
    light = light_start.wanted(sock)  # kuma's own dashboard asked for less (kuma/api/light_start.py)
    if light:
        async with bursts.reading:
            start = await light_start.start_frames(app, sock, user_id, joined_at)
        await sock.send_encoded(start or [])  # its slim monitorList and kumaStart, before the other lists
    async with bursts.reading:  # a few logins read at once; the others wait parked (their sends are paced)
        shared: SharedLists = await bursts.get(
            ("lists", user_id, light),
            bursts.lists_key(user_id),
            joined_at,
            lambda: build_lists(app, user_id, with_monitors=not light),
            _lists_size,
        )
        own = await app.db.read(own_reader(app, user_id))  # one reader job, one thread hop
    async with trio.open_nursery() as nursery:  # the first figures are read while the lists go out
        figures = None if light or not shared.ids else MonitorData(app, nursery, user_id, shared.ids, joined_at)
        own["info"] = info_from(app, own["info"], full=True)
        frames: list = []
        for event in LIST_ORDER:
            if light and event == "monitorList":
                continue  # sent first, slim
            wire = shared.wires.get(event)
            frames.extend([wire] if wire is not None else encode_event(event, (own[event],)))
        await sock.send_encoded(frames)
        del frames
        if figures is not None:
            await figures.send(sock)

    if not own["timezone"]:
        await sock.emit("initServerTimezone")


def own_reader(app: Any, user_id: int) -> Callable[[Any], dict[str, Any]]:
    """One reader job for everything a login reads for itself (a thousand logins at once cost a thousand
    thread hops, not four thousand): the lists that move with the clock, the settings `info` is made of
    (shaped on the loop) and whether the server's time zone was set."""
    maintenance = maintenance_list_reader(app.clock.utcnow())
    keys = api_key_list_reader(user_id, utc_text(app.clock.time()))

    def read(db: Any) -> dict[str, Any]:
        return {
            "maintenanceList": maintenance(db),
            "info": read_info_settings(db),
            "apiKeyList": keys(db),
            "timezone": get_setting(db, "initServerTimezone"),
        }

    return read


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
#: Lists each login reads itself: small, and what they show moves with the clock (maintenance status, the
#: server's time zone offset, API key expiry), not only with writes.
OWN_LISTS = frozenset({"maintenanceList", "info", "apiKeyList"})


@dataclass
class SharedLists:
    """The lists every login of a user gets, encoded once (`Wire`s), and the monitor ids they hold."""

    wires: dict[str, Wire]
    ids: list[int]


def _lists_size(lists: SharedLists) -> int:
    return sum(wire.size for wire in lists.wires.values())


def _wires_size(wires: list[Wire]) -> int:
    return sum(wire.size for wire in wires)


async def build_lists(app: Any, user_id: int, *, with_monitors: bool = True) -> SharedLists:
    """Read the shared lists concurrently, then encode them in a worker thread. A light start's build
    leaves the full `monitorList` out (its socket got the slim one)."""
    async with app.db.bulk_job():  # a few builds at once; the others wait holding nothing
        jobs: dict[str, Callable[[], Awaitable[Any]]] = {
            "notificationList": lambda: notification_list(app, user_id),
            "proxyList": lambda: proxy_list(app, user_id),
            "dockerHostList": lambda: docker_host_list(app, user_id),
            "remoteBrowserList": lambda: remote_browser_list(app, user_id),
            "statusPageList": lambda: status_page_list(app),
        }
        if with_monitors:
            jobs = {"monitorList": lambda: monitor_list(app, user_id), **jobs}
        lists = await gather(jobs)
        lists["monitorTypeList"] = monitor_type_list()
        wires = await trio.to_thread.run_sync(encode_lists, lists)
    ids = sorted(int(key) for key in lists.get("monitorList", {}))  # JS object keys: ascending numeric order
    return SharedLists(wires, ids)


def encode_lists(lists: dict[str, Any]) -> dict[str, Wire]:
    """Each list as a `Wire` (its websocket bytes made here too), encoded item by item (run in a worker
    thread: thousands of monitors, or a notification of a megabyte, never hold the event loop)."""
    wires: dict[str, Wire] = {}
    for event in LIST_ORDER:
        if event not in OWN_LISTS and event in lists:
            wires[event] = _wire(encode_event_in_pieces(event, lists[event]))
    return wires


def _wire(frames: list) -> Wire:
    """Shared by the logins served from one build: held by the cache, not charged to each outbox."""
    wire = Wire(frames, held=True)
    wire.websocket_bytes()
    return wire


#: Monitors per reader job of heartbeat lists (one job is read while the previous one is sent).
CHUNK = 250


def stats_frames_reader(app: Any, ids: list[int]) -> Callable[[Any], list[Wire]]:
    """A reader job giving the encoded stat events of these monitors as three `Wire`s, which the burst
    sends in wire order over all chunks: per monitor `avgPing`, `uptime` 24 (and `certInfo`); then every
    `uptime` 720; then every `uptime` "1y"."""
    stats_job = app.readings.stats_many_reader(ids)

    def read(db) -> list[Wire]:
        stats, tls = stats_job(db), latest_tls_infos(db, ids)
        first: list[Frame] = []
        for i in ids:
            figures = stats[i]
            first.append(stat_frame("avgPing", i, "", figures["avgPing"]))
            first.append(stat_frame("uptime", i, "24,", figures["24"]))
            if i in tls:
                first.extend(encode_event("certInfo", (str(i), tls[i])))
        month = [stat_frame("uptime", i, "720,", stats[i]["720"]) for i in ids]
        year = [stat_frame("uptime", i, '"1y",', stats[i]["1y"]) for i in ids]
        return [_wire(first), _wire(month), _wire(year)]

    return read


def stat_frame(event: str, monitor_id: int, period: str, value: Any) -> str:
    """`encode_event(event, (str(monitor_id), [period,] value))`'s one frame, the same bytes, put together
    as text: 6,000 of them per 1,500 monitors, and a `json.dumps` each was most of the stats' CPU.
    `period` is the JSON text of the window with its comma (`24,`, `"1y",`) or empty (`avgPing`)."""
    kind = type(value)
    if kind is int:
        text = int.__repr__(value)
    elif kind is float and math.isfinite(value):
        text = float.__repr__(value)  # what json.dumps writes for a finite float
    else:
        text = dumps(value)  # None → null; anything else as the general encoder writes it
    return f'42["{event}","{monitor_id}",{period}{text}]'


def beats_frames_reader(ids: list[int]) -> Callable[[Any], list[Wire]]:
    """A reader job giving the `heartbeatList` and `importantHeartbeatList` frames of these monitors."""

    def read(db) -> list[Wire]:
        recent = beats_json.recent_json_many(db, ids, HEARTBEAT_LIST_LIMIT)
        important = beats_json.important_json_many(db, ids, IMPORTANT_LIST_LIMIT)
        return [
            _wire([event_frame_from_json("heartbeatList", (f'"{i}"', recent[i], "false")) for i in ids]),
            _wire([event_frame_from_json("importantHeartbeatList", (f'"{i}"', important[i], "false")) for i in ids]),
        ]

    return read


#: Reader jobs of one burst running at once: two reader connections build chunks side by side (SQLite runs
#: without the GIL, so on two cores the heartbeat JSON of two chunks is written at once) while the loop sends
#: the chunk before; bulk reads leave the last reader to pushes and acks (`Database.bulk_reads`).
AHEAD = 2


async def send_monitor_data(app: Any, sock: Any, ids: list[int], joined_at: float) -> None:
    """The per-monitor frames of these monitors (`MonitorData`), read and sent now."""
    if not ids:
        return
    async with trio.open_nursery() as nursery:
        await MonitorData(app, nursery, current_user_id(sock), ids, joined_at).send(sock)


class MonitorData:
    """Stats for every monitor, then each monitor's `heartbeatList`, then its `importantHeartbeatList` (not
    sent by Uptime Kuma 2.x, but clients made for 1.x, such as uptime_kuma_api's get_important_heartbeats,
    wait for it; the 2.x web UI ignores it). Ids as strings. Each chunk of monitors is built once for the
    logins that may share it (`app.bursts`: a beat rebuilds only its monitor's chunk), in reader threads,
    `AHEAD` jobs at once from the moment this is made (in `nursery`), ahead of the one being sent; the
    socket's back-pressure paces the whole burst."""

    def __init__(self, app: Any, nursery: trio.Nursery, user_id: Any, ids: list[int], joined_at: float) -> None:
        self._chunks = [ids[n : n + CHUNK] for n in range(0, len(ids), CHUNK)]
        self._ahead = Ahead(nursery, monitor_data_parts(app, user_id, self._chunks, joined_at), AHEAD)

    async def send(self, sock: Any) -> None:
        """Send the frames in Uptime Kuma's order as the reads come in."""
        ahead, chunks = self._ahead, self._chunks
        stats = [await ahead.next() for _ in chunks]
        await sock.send_encoded([group[k] for k in range(3) for group in stats])
        del stats
        important: list[Wire] = []
        for _ in chunks:
            recent, important_wire = await ahead.next()
            important.append(important_wire)
            await sock.send_encoded([recent])
        await sock.send_encoded(important)


def monitor_data_parts(
    app: Any, user_id: Any, chunks: list[list[int]], joined_at: float
) -> list[Callable[[], Awaitable[list[Wire]]]]:
    """The burst's reader jobs in the order it sends them: each chunk's stat events, then each chunk's
    heartbeat lists; each a part of `app.bursts` (built once for the logins that may share it)."""
    bursts = app.bursts

    def part(name: str, n: int, reader: Callable[[Any], list[Wire]]) -> Callable[[], Awaitable[list[Wire]]]:
        key = bursts.figures_key(user_id, chunks[n])

        async def get() -> list[Wire]:
            return await bursts.get((name, user_id, n), key, joined_at, lambda: app.db.read(reader), _wires_size)

        return get

    stats = [part("stats", n, stats_frames_reader(app, chunk)) for n, chunk in enumerate(chunks)]
    beats = [part("beats", n, beats_frames_reader(chunk)) for n, chunk in enumerate(chunks)]
    return stats + beats


class Ahead:
    """The results of `jobs`, in order, each started in `nursery` while fewer than `window` results are not
    taken yet: the next jobs run while the caller sends the one it took, and memory holds a few, not all."""

    def __init__(self, nursery: trio.Nursery, jobs: list[Callable[[], Awaitable[Any]]], window: int) -> None:
        self._nursery = nursery
        self._jobs = iter(jobs)
        self._pending: list[Prefetch] = []
        for _ in range(window):
            self._start_next()

    def _start_next(self) -> None:
        job = next(self._jobs, None)
        if job is not None:
            self._pending.append(Prefetch(self._nursery, job))

    async def next(self) -> Any:
        """The oldest result not taken yet (waits for it); the next job starts as it is taken."""
        value = await self._pending.pop(0).result()
        self._start_next()
        return value


class Prefetch:
    """`await fn()` started now in `nursery`; `result()` waits for it."""

    def __init__(self, nursery: trio.Nursery, fn: Callable[[], Awaitable[Any]]) -> None:
        self._done = trio.Event()
        self._value: Any = None
        nursery.start_soon(self._run, fn)

    async def _run(self, fn: Callable[[], Awaitable[Any]]) -> None:
        self._value = await fn()
        self._done.set()

    async def result(self) -> Any:
        await self._done.wait()
        return self._value
