"""kuma's own dashboard's light start (issue #14): a kuma-only login option, never used by other clients.

Uptime Kuma's afterLogin burst sends every monitor's last 100 beats (and 500 important ones) and its
uptime figures before the login ack: 50 MB for 2,000 monitors, most of it bars nobody scrolls to. kuma's
dashboard asks for less in its Socket.IO handshake, `auth: {kumaStart: "light"}` (the handshake, not an
event: with auth disabled the burst goes out on connect, before any event could ask). Such a socket gets
the same list events as every client (`monitorList` … `statusPageList`), then instead of the per-monitor
events ONE frame, read while the lists are:

    kumaStart {latest: {"<id>": <raw heartbeat row>}}

(the latest beat of each monitor that has one: enough for every row's status, the counts and the filters),
then the login ack. The bars and the figures come on demand, for the rows the user sees:

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

from kuma.api.common import ApiError, Events, ok, require_login
from kuma.domain.values import to_int
from kuma.realtime.socketio import event_frame_from_json
from kuma.store import beats_json
from kuma.store.monitor_ids import owned_ids, user_monitor_ids
from kuma.store.monitors import latest_tls_infos

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
def start_frame_reader(user_id: int) -> Callable[[Any], str]:
    """A reader job giving the one `kumaStart` frame: the latest beat of each of the user's monitors (the
    same set as `monitorList`), JSON text written by SQLite."""

    def read(db: Any) -> str:
        ids = user_monitor_ids(db, user_id)
        latest = beats_json.recent_json_many(db, ids, 1)
        beats = ",".join(f'"{i}":{latest[i][1:-1]}' for i in ids if latest.get(i, "[]") != "[]")
        return event_frame_from_json(START_EVENT, ('{"latest":{' + beats + "}}",))

    return read


async def start_frame(app: App, sock: Any, user_id: int) -> str | None:
    """The light start's one frame for a socket that asked for it (read while the burst reads its lists,
    sent in place of the per-monitor events); None for every other socket, which gets Uptime Kuma's burst."""
    if not wanted(sock):
        return None
    return await app.db.read(start_frame_reader(user_id))


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
