"""Socket.IO handlers for maintenance windows (socketio-events §3.7) over `kuma.domain.maintenance`.
All require login. `maintenanceList` goes to the user's room before the ack for add/edit (addMaintenance
also sends it first, as Uptime Kuma does) and right after it for delete/pause/resume."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from kuma.api.common import Events, Handler, UserList, current_user_id, ok, ok_i18n
from kuma.domain import maintenance as domain
from kuma.store import maintenance as store
from kuma.views.maintenance import maintenance_list

if TYPE_CHECKING:
    from kuma.app import App

events = Events()


MAINTENANCE = UserList("maintenanceList", maintenance_list)
send_list = MAINTENANCE.send  # the whole `maintenanceList` to the user's room


@events.login("addMaintenance")
async def add_maintenance(app: App, sock: Any, data: Any = None, *_: Any) -> dict[str, Any]:
    user_id = current_user_id(sock)
    await send_list(app, user_id)
    maintenance_id = await domain.add(app, user_id, data)
    await send_list(app, user_id)
    return ok_i18n("successAdded", maintenanceID=maintenance_id)


@events.login("editMaintenance")
async def edit_maintenance(app: App, sock: Any, data: Any = None, *_: Any) -> dict[str, Any]:
    user_id = current_user_id(sock)
    maintenance_id = await domain.edit(app, user_id, data)
    await send_list(app, user_id)
    return ok_i18n("Saved.", maintenanceID=maintenance_id)


def _linker(link: Callable[[Any, Any, Any], Awaitable[Any]]) -> Handler:
    """The handler that links a maintenance to the given monitors or status pages: `link(app, id, items)`."""

    async def handler(app: App, sock: Any, maintenance_id: Any = None, items: Any = None, *_: Any) -> dict[str, Any]:
        await link(app, maintenance_id, items)
        return ok_i18n("successAdded")

    return handler


add_monitor_maintenance = events.login("addMonitorMaintenance")(_linker(domain.link_monitors))
add_maintenance_status_page = events.login("addMaintenanceStatusPage")(_linker(domain.link_status_pages))


@events.login("getMaintenance")
async def get_maintenance(app: App, sock: Any, maintenance_id: Any = None, *_: Any) -> dict[str, Any]:
    return ok(maintenance=await domain.get(app, maintenance_id))


@events.login("getMaintenanceList")
async def get_maintenance_list(app: App, sock: Any, *_: Any) -> dict[str, Any]:
    return await MAINTENANCE.get(app, sock)


@events.login("getMonitorMaintenance")
async def get_monitor_maintenance(app: App, sock: Any, maintenance_id: Any = None, *_: Any) -> dict[str, Any]:
    return ok(monitors=await app.db.read(lambda db: store.monitors_of(db, maintenance_id)))


@events.login("getMaintenanceStatusPage")
async def get_maintenance_status_page(app: App, sock: Any, maintenance_id: Any = None, *_: Any) -> dict[str, Any]:
    return ok(statusPages=await app.db.read(lambda db: store.status_pages_of(db, maintenance_id)))


@events.login("deleteMaintenance")
async def delete_maintenance(app: App, sock: Any, maintenance_id: Any = None, *_: Any) -> dict[str, Any]:
    await domain.delete(app, maintenance_id)
    app.start_soon(send_list, app, current_user_id(sock))  # after the ack, as Uptime Kuma orders it
    return ok_i18n("successDeleted")


async def _set_active(app: App, sock: Any, maintenance_id: Any, active: bool, msg: str) -> dict[str, Any]:
    await domain.set_active(app, maintenance_id, active)
    app.start_soon(send_list, app, current_user_id(sock))
    return ok_i18n(msg)


@events.login("pauseMaintenance")
async def pause_maintenance(app: App, sock: Any, maintenance_id: Any = None, *_: Any) -> dict[str, Any]:
    return await _set_active(app, sock, maintenance_id, False, "successPaused")


@events.login("resumeMaintenance")
async def resume_maintenance(app: App, sock: Any, maintenance_id: Any = None, *_: Any) -> dict[str, Any]:
    return await _set_active(app, sock, maintenance_id, True, "successResumed")


def register(hub: Any, app: App) -> None:
    """Every maintenance event on the hub."""
    events.register(hub, app)
