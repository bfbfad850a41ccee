"""kuma's own dashboard's light start (issue #14): a kuma-only login option, never used by other clients.

Uptime Kuma's afterLogin burst sends every monitor whole (~2.5 kB each) and its last 100 beats (and 500
important ones) and uptime figures before the login ack: 50 MB for 2,000 monitors, most of it bars nobody
scrolls to and form fields nobody edits. kuma's dashboard asks for less in its Socket.IO handshake,
`auth: {kumaStart: "light"}` (the handshake, not an event: with auth disabled the burst goes out on connect,
before any event could ask). Such a socket gets first, read in one job:

    monitorList {"<id>": <slim monitor>}         (kuma/shapes/monitor_slim.py: id, name, type, tree, status,
                                                 tags, url/hostname/port/resolver; not the full monitor)
    kumaStart {latest: {"<id>": {status, time, msg, ping}}}

(of the latest beat of each monitor that has one: enough for every row's status, the counts and the
filters; `getMonitorBars` brings the whole rows),
then the other lists as every client gets them (`monitorTypeList` … `statusPageList`, the same bytes), then
the login ack. The full monitor comes with Uptime Kuma's own `getMonitor` when a page needs it (detail, edit).
Later `monitorList` / `updateMonitorIntoList` events to the user's room reach light sockets in slim form
(`emit_monitors`, `emit_monitor_list_wire`) and every other client as before. The bars and the figures come
on demand, for the rows the user sees:

    getMonitorBars(ids, limit = 100) → {ok, heartbeatList: {"<id>": rows}, avgPing: {"<id>": ms},
        uptime: {"<id>": {"24", "720", "1y"}}, certInfo: {"<id>": text}}

`heartbeatList` rows are those of the burst's `heartbeatList` (the last `limit` beats, oldest first), the
figures those of its `avgPing` / `uptime` / `certInfo` events; only the asker's own monitors are answered.
The 24 h figures are not in `kumaStart`: they sum every minute bucket of the day (1,440 rows per monitor
at a 60 s interval), the one per-monitor cost of a start that grows with the data, and a row shows them
only once it is on screen. Live events (`heartbeat`, `uptime`, …) reach the socket as before. A socket
that does not ask (every Uptime Kuma client) gets Uptime Kuma's burst byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import trio

from kuma.api.common import ApiError, Events, ok, require_login
from kuma.domain.values import to_int
from kuma.realtime.socketio import encode_event, encode_event_in_pieces, event_frame_from_json
from kuma.realtime.wire import Wire
from kuma.shapes.monitor_slim import slim_entries
from kuma.store import beats_json
from kuma.store.monitor_ids import owned_ids, user_monitor_ids
from kuma.store.monitors import latest_tls_infos
from kuma.views.monitor_slim import load_slim_monitors
from kuma.views.monitors import maintenance_checker

if TYPE_CHECKING:
    from kuma.app import App

events = Events()

AUTH_KEY = "kumaStart"
LIGHT = "light"
START_EVENT = "kumaStart"
#: At most this many monitors per `getMonitorBars` (a screenful is ~20; a page ahead and behind fits).
MAX_IDS = 200
#: Beats per monitor, as the burst's `heartbeatList`.
MAX_LIMIT = 100


def wanted(sock: Any) -> bool:
    """Did this socket ask for the light start in its handshake?"""
    auth = getattr(sock, "auth", None)
    return isinstance(auth, dict) and auth.get(AUTH_KEY) == LIGHT


# -- the start ------------------------------------------------------------------------------------
def slim_list_reader(app: App, user_id: int) -> Callable[[Any], Wire]:
    """A reader job giving the slim `monitorList` frame as a `Wire` that every light start of the user may
    share while nothing it shows changed (`app.bursts`; made here, in the reader thread)."""
    checker = maintenance_checker(app)

    def read(db: Any) -> Wire:
        wire = Wire(encode_event_in_pieces("monitorList", load_slim_monitors(db, user_id, checker)), held=True)
        wire.websocket_bytes()
        return wire

    return read


def start_frame_reader(user_id: int) -> Callable[[Any], str]:
    """A reader job giving the `kumaStart` frame: the latest beat of each of the user's monitors (the set of
    `monitorList`), JSON text written by SQLite. Read at each start: it moves with every beat."""

    def read(db: Any) -> str:
        latest = beats_json.latest_brief_json_many(db, user_monitor_ids(db, user_id))
        beats = ",".join(f'"{i}":{text}' for i, text in latest.items())
        return event_frame_from_json(START_EVENT, ('{"latest":{' + beats + "}}",))

    return read


async def start_frames(app: App, sock: Any, user_id: int, joined_at: float) -> list[Any] | None:
    """The light start's first frames, the slim `monitorList` and `kumaStart` (read concurrently), for a
    socket that asked for it (sent before the other lists, in place of the full `monitorList` and the
    per-monitor events); None for every other socket."""
    if not wanted(sock):
        return None
    bursts = app.bursts
    frames: list[Any] = [None, None]

    async def build() -> Wire:
        return await app.db.read(slim_list_reader(app, user_id))

    async def slim() -> None:  # shared by the user's light starts while it shows what is current
        frames[0] = await bursts.get(("slim", user_id), bursts.lists_key(user_id), joined_at, build, _size)

    async def start() -> None:
        frames[1] = await app.db.read(start_frame_reader(user_id))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(slim)
        nursery.start_soon(start)
    return frames


def _size(wire: Wire) -> int:
    return wire.size


# -- later list events: slim to light sockets, Uptime Kuma's to the others ---------------------------
def light_sockets(app: App, room: str) -> list[Any]:
    """The room's sockets that asked for the light start."""
    return [sock for sock in app.hub.sockets_in_room(room) if wanted(sock)]


def _send_split(app: App, room: str, light: list[Any], full_frames: list[Any], slim_frames: list[Any]) -> None:
    """Uptime Kuma's frames to the room's other sockets, the slim ones to its light-start sockets."""
    full = [sock for sock in app.hub.sockets_in_room(room) if not wanted(sock)]
    if full:
        app.hub.send_wire(Wire(full_frames), full)
    if light:
        app.hub.send_wire(Wire(slim_frames), light)


async def emit_monitors(app: App, room: str, event: str, entries: dict[str, dict[str, Any]]) -> None:
    """`monitorList` / `updateMonitorIntoList` of these full monitors to a user's room (`hub.emit`'s bytes),
    their slim form to the room's light-start sockets."""
    light = light_sockets(app, room)
    if not light:
        await app.hub.emit(event, entries, room=room)
        return
    _send_split(app, room, light, encode_event(event, (entries,)), encode_event(event, (slim_entries(entries),)))


async def slim_list_for(app: App, room: str) -> dict[str, dict[str, Any]] | None:
    """The room's slim `monitorList` when light-start sockets are in it (read for them), else None."""
    if not light_sockets(app, room):
        return None
    return await app.db.read(lambda db: load_slim_monitors(db, int(room), maintenance_checker(app)))


async def emit_monitor_list_wire(app: App, room: str, full: Wire, slim: dict[str, dict[str, Any]] | None) -> None:
    """A full `monitorList` made from JSON text kept by kuma/api/legacy_lists.py (`full`, serialized off the
    loop) to the room; light-start sockets get the slim list (`slim_list_for`, read alongside it; read now if a
    light socket joined since)."""
    if slim is None:
        slim = await slim_list_for(app, room)
    light = light_sockets(app, room)
    if slim is None or not light:
        await app.hub.emit_wire(full, room=room)
        return
    others = [sock for sock in app.hub.sockets_in_room(room) if not wanted(sock)]
    if others:
        app.hub.send_wire(full, others)
    app.hub.send_wire(Wire(encode_event("monitorList", (slim,))), light)


# -- bars on demand --------------------------------------------------------------------------------
def parse_ids(value: Any) -> list[int]:
    """A list of monitor ids (numbers or numeric strings), at most MAX_IDS; anything else is refused."""
    if not isinstance(value, list):
        raise ApiError("getMonitorBars: ids must be a list of monitor ids")
    if len(value) > MAX_IDS:
        raise ApiError(f"getMonitorBars: at most {MAX_IDS} monitors at once")
    ids = [to_int(item) for item in value]
    if any(i is None for i in ids):
        raise ApiError("getMonitorBars: every id must be a monitor id (an integer)")
    return [i for i in ids if i is not None]


def parse_limit(value: Any) -> int:
    """Beats per monitor: 1..MAX_LIMIT, MAX_LIMIT when not given."""
    if value is None:
        return MAX_LIMIT
    limit = to_int(value)
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise ApiError(f"getMonitorBars: limit must be an integer from 1 to {MAX_LIMIT}")
    return limit


def bars_reader(app: App, user_id: int, ids: list[int], limit: int) -> Callable[[Any], dict[str, Any]]:
    """A reader job giving the `getMonitorBars` ack of the user's own monitors among `ids`."""

    def read(db: Any) -> dict[str, Any]:
        mine = owned_ids(db, user_id, ids)
        recent = beats_json.recent_json_many(db, mine, limit)
        stats = app.readings.stats_many_reader(mine)(db)
        tls = latest_tls_infos(db, mine)
        return ok(
            heartbeatList={str(i): json.loads(recent[i]) for i in mine},
            avgPing={str(i): stats[i]["avgPing"] for i in mine},
            uptime={str(i): {"24": stats[i]["24"], "720": stats[i]["720"], "1y": stats[i]["1y"]} for i in mine},
            certInfo={str(i): tls[i] for i in mine if i in tls},
        )

    return read


@events.login("getMonitorBars")
async def get_monitor_bars(app: App, sock: Any, ids: Any = None, limit: Any = None, *rest: Any) -> dict[str, Any]:
    """kuma-only: the bars (and all figures) of the monitors the dashboard shows."""
    user_id = require_login(sock)
    wanted_ids, per_monitor = parse_ids(ids), parse_limit(limit)
    if not wanted_ids:
        return ok(heartbeatList={}, avgPing={}, uptime={}, certInfo={})
    return await app.db.read(bars_reader(app, user_id, wanted_ids, per_monitor))


def register(hub: Any, app: App) -> None:
    events.register(hub, app)
