"""Socket.IO tag events (socketio-events.md §3.3) over `kuma.domain.tags`. Monitor-tag changes are
followed by `updateMonitorIntoList` for that monitor, before the ack (and, for 1.x clients, by a coalesced
full `monitorList` later: kuma/api/legacy_lists.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from kuma.api.common import Events, ok, ok_i18n, require_login
from kuma.api.legacy_lists import announces
from kuma.api.monitors import emit_monitor_update
from kuma.domain import tags as domain
from kuma.domain.errors import insert_error  # noqa: F401 - kept importable from here

if TYPE_CHECKING:
    from kuma.app import App

events = Events()


@events.login("getTags")
async def get_tags(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    return ok(tags=await domain.all_tags(app))


@events.login("addTag")
async def add_tag(app: App, sock: Any, tag: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(tag=await domain.add(app, tag))


@events.login("editTag")
async def edit_tag(app: App, sock: Any, tag: Any = None, *rest: Any) -> dict[str, Any]:
    return ok_i18n("Saved.", tag=await domain.edit(app, tag))


@events.login("deleteTag")
async def delete_tag(app: App, sock: Any, tag_id: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.delete(app, tag_id)
    return ok_i18n("successDeleted")


MonitorTagChange = Callable[[Any, Any, Any, Any], Awaitable[int]]


async def _monitor_tag(
    app: App, sock: Any, change: MonitorTagChange, done: str, tag_id: Any, monitor_id: Any, value: Any
) -> dict[str, Any]:
    """One monitor-tag change, then that monitor's `updateMonitorIntoList`, then the ack `done`."""
    user_id = require_login(sock)
    await emit_monitor_update(app, user_id, await change(app, tag_id, monitor_id, value))
    return ok_i18n(done)


@events.login("addMonitorTag")
@announces("monitorList")
async def add_monitor_tag(
    app: App, sock: Any, tag_id: Any = None, monitor_id: Any = None, value: Any = "", *rest: Any
) -> dict[str, Any]:
    return await _monitor_tag(app, sock, domain.add_monitor_tag, "successAdded", tag_id, monitor_id, value)


@events.login("editMonitorTag")
@announces("monitorList")
async def edit_monitor_tag(
    app: App, sock: Any, tag_id: Any = None, monitor_id: Any = None, value: Any = "", *rest: Any
) -> dict[str, Any]:
    return await _monitor_tag(app, sock, domain.edit_monitor_tag, "successEdited", tag_id, monitor_id, value)


@events.login("deleteMonitorTag")
@announces("monitorList")
async def delete_monitor_tag(
    app: App, sock: Any, tag_id: Any = None, monitor_id: Any = None, value: Any = "", *rest: Any
) -> dict[str, Any]:
    return await _monitor_tag(app, sock, domain.delete_monitor_tag, "successDeleted", tag_id, monitor_id, value)


def register(hub: Any, app: App) -> None:
    """Every tag event on the hub."""
    events.register(hub, app)
