"""Socket.IO monitor events (socketio-events.md §3.2): CRUD, pause/resume, beats, chart data, clearing.

Each handler parses its arguments, calls `kuma.domain.monitors` and shapes the ack. The list events keep
Uptime Kuma's order: `updateMonitorIntoList` / `deleteMonitorFromList` / `monitorList` go to the owner's
room BEFORE the ack, announced by the domain through `RoomChanges` at the moment Uptime Kuma sends them.
The changing handlers are also `@announces("monitorList")`: a coalesced full list follows later, for clients
made for Uptime Kuma 1.x (kuma/api/legacy_lists.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.api import light_start, named_args
from kuma.api.common import Events, ok, ok_i18n, require_login, to_int
from kuma.api.legacy_lists import announces
from kuma.domain import monitors as domain
from kuma.realtime.hub import acks_in_one_write
from kuma.realtime.socketio import object_members, object_text
from kuma.shapes.heartbeat import important_beat, raw_row
from kuma.shapes.jsnum import js_number
from kuma.views.monitors import monitor_entries, monitor_list

if TYPE_CHECKING:
    from kuma.app import App

NOT_OWNER = domain.NOT_OWNER
events = Events()


# -- list events (shared with the tag and proxy handlers) --------------------------------------------


async def emit_monitor_update(app: App, user_id: int, monitor_id: int) -> None:
    """`updateMonitorIntoList({"<id>": Monitor})` to the owner's room (one event per monitor; slim to
    light-start sockets, kuma/api/light_start.py)."""
    payload = await monitor_entries(app, [monitor_id], user_id=user_id)
    if payload:
        await light_start.emit_monitors(app, str(user_id), "updateMonitorIntoList", payload)


async def send_monitor_list(app: App, user_id: Any) -> None:
    """The whole `monitorList` to the owner's room (slim to light-start sockets)."""
    await light_start.emit_monitors(app, str(user_id), "monitorList", await monitor_list(app, int(user_id)))


class RoomChanges:
    """`domain.MonitorChanges` for Socket.IO: each changed or deleted monitor goes to the owner's room."""

    def __init__(self, app: App, user_id: int) -> None:
        self.app = app
        self.user_id = user_id
        legacy = app.legacy_lists
        #: before the write: an add's entry, encoded once, then also serves the next legacy `monitorList`
        self.list_key = None if legacy is None else legacy.list_key()

    async def updated(self, monitor_id: int, entries: dict[str, dict[str, Any]] | None = None) -> None:
        if entries is None:
            await emit_monitor_update(self.app, self.user_id, monitor_id)
        elif entries:
            room = str(self.user_id)
            members = object_members(entries)
            if light_start.light_sockets(self.app, room):  # the slim form to those: built from the objects
                await light_start.emit_monitors(self.app, room, "updateMonitorIntoList", entries)
            else:
                await self.app.hub.emit_json("updateMonitorIntoList", [object_text(members)], room=room)
            legacy = self.app.legacy_lists
            if legacy is not None and len(members) == 1:
                legacy.added(self.user_id, monitor_id, members[0], self.list_key)

    async def deleted(self, monitor_id: int) -> None:
        await self.app.hub.emit("deleteMonitorFromList", monitor_id, room=str(self.user_id))


def _changes(app: App, sock: Any) -> tuple[int, RoomChanges]:
    user_id = require_login(sock)
    return user_id, RoomChanges(app, user_id)


# -- handlers ------------------------------------------------------------------------------------------


@events.login("add")
@acks_in_one_write  # its `updateMonitorIntoList` and the ack: one write to the caller's socket
@announces("monitorList")
async def add_monitor(app: App, sock: Any, monitor: Any = None, *rest: Any) -> dict[str, Any]:
    user_id, changes = _changes(app, sock)
    monitor_id = await domain.add(app, user_id, monitor, changes)
    return ok_i18n("successAdded", monitorID=monitor_id)


@events.login("editMonitor")
@announces("monitorList")
async def edit_monitor(app: App, sock: Any, monitor: Any = None, *rest: Any) -> dict[str, Any]:
    user_id, changes = _changes(app, sock)
    monitor_id = await domain.edit(app, user_id, monitor, changes)
    return ok_i18n("Saved.", monitorID=monitor_id)


@events.login("getMonitorList")
async def get_monitor_list(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    await send_monitor_list(app, require_login(sock))
    return ok()


@events.login("getMonitor")
async def get_monitor(app: App, sock: Any, monitor_id: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(monitor=await domain.get(app, require_login(sock), monitor_id))


@events.login("pauseMonitor")
@announces("monitorList")
async def pause_monitor(app: App, sock: Any, monitor_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id, changes = _changes(app, sock)
    await domain.pause(app, user_id, monitor_id, changes)
    return ok_i18n("successPaused")


@events.login("resumeMonitor")
@announces("monitorList")
async def resume_monitor(app: App, sock: Any, monitor_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id, changes = _changes(app, sock)
    await domain.resume(app, user_id, monitor_id, changes)
    return ok_i18n("successResumed")


@events.login("deleteMonitor")
@announces("monitorList")
async def delete_monitor(
    app: App, sock: Any, monitor_id: Any = None, delete_children: Any = False, *rest: Any
) -> dict[str, Any]:
    user_id, changes = _changes(app, sock)
    await domain.delete(app, user_id, monitor_id, delete_children, changes)
    return ok_i18n("successDeleted")


@events.login("getMonitorBeats")
async def get_monitor_beats(
    app: App, sock: Any, monitor_id: Any = None, period: Any = None, *rest: Any
) -> dict[str, Any]:
    rows = await domain.beats(app, *named_args.monitor_period(monitor_id, period))
    return ok(data=[raw_row(r) for r in rows])


@events.login("getMonitorChartData")
async def get_monitor_chart_data(
    app: App, sock: Any, monitor_id: Any = None, period: Any = None, *rest: Any
) -> dict[str, Any]:
    buckets = await domain.chart_data(app, *named_args.monitor_period(monitor_id, period))
    return ok(data=[{key: js_number(value) for key, value in item.items()} for item in buckets])


@events.login("clearEvents")
async def clear_events(app: App, sock: Any, monitor_id: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.clear_events(app, require_login(sock), monitor_id)
    return ok()


@events.login("clearHeartbeats")
async def clear_heartbeats(app: App, sock: Any, monitor_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)
    rows = await domain.clear_heartbeats(app, user_id, monitor_id)
    if rows is not None:
        number = to_int(monitor_id)
        await app.hub.emit("heartbeatList", number, [raw_row(r) for r in rows], True, room=str(user_id))
    return ok()


@events.login("clearStatistics")
async def clear_statistics(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    await domain.clear_statistics(app)
    return ok()


@events.login("monitorImportantHeartbeatListCount")
async def important_count(app: App, sock: Any, monitor_id: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(count=await domain.important_count(app, require_login(sock), monitor_id))


@events.login("monitorImportantHeartbeatListPaged")
async def important_paged(
    app: App, sock: Any, monitor_id: Any = None, offset: Any = 0, count: Any = 25, *rest: Any
) -> dict[str, Any]:
    rows = await domain.important_page(app, require_login(sock), monitor_id, offset, count)
    return ok(data=[important_beat(r) for r in rows])


def register(hub: Any, app: App) -> None:
    """Every monitor event on the hub."""
    events.register(hub, app)
