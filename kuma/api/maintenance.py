"""Socket.IO handlers for maintenance windows (socketio-events §3.7). All require login."""
from __future__ import annotations

from typing import Any

from kuma.api.common import current_user_id, fail, ok, ok_i18n, on_login
from kuma.app import App
from kuma.maintenance.input import row_from_input
from kuma.maintenance.windows import InvalidMaintenance
from kuma.shapes.maintenance import maintenance_json, maintenance_list
from kuma.store.settings import server_timezone
from kuma.store import maintenance as store



def _ids(items: Any) -> list[int]:
    ids = []
    for item in items if isinstance(items, list) else []:
        value = item.get("id") if isinstance(item, dict) else item
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def register(hub, app: App) -> None:
    def changed() -> None:
        app.maintenance.changed()

    async def send_list(sock) -> None:
        await hub.emit("maintenanceList", await maintenance_list(app, current_user_id(sock)), room=str(current_user_id(sock)))

    @on_login(hub, "addMaintenance")
    async def add_maintenance(sock, data=None, *_):
        await send_list(sock)
        try:
            tz = await app.db.read(server_timezone)
            row = row_from_input(data, tz)
        except InvalidMaintenance as exc:
            return fail(str(exc))
        maintenance_id = await app.db.write(lambda db: store.insert_maintenance(db, row, current_user_id(sock)))
        changed()
        await send_list(sock)
        return ok_i18n("successAdded", maintenanceID=maintenance_id)

    @on_login(hub, "editMaintenance")
    async def edit_maintenance(sock, data=None, *_):
        maintenance_id = data.get("id") if isinstance(data, dict) else None
        existing = await app.db.read(lambda db: store.get_maintenance(db, maintenance_id))
        if existing is None or existing.get("user_id") not in (None, current_user_id(sock)):
            return fail("Permission denied.")
        try:
            tz = await app.db.read(server_timezone)
            row = row_from_input(data, tz)
        except InvalidMaintenance as exc:
            return fail(str(exc))
        await app.db.write(lambda db: store.update_maintenance(db, existing["id"], row))
        changed()
        await send_list(sock)
        return ok_i18n("Saved.", maintenanceID=existing["id"])

    @on_login(hub, "addMonitorMaintenance")
    async def add_monitor_maintenance(sock, maintenance_id=None, monitors=None, *_):
        ids = _ids(monitors)
        try:
            await app.db.write(lambda db: store.replace_monitor_links(db, int(maintenance_id), ids))
        except Exception as exc:  # unknown maintenance/monitor id: foreign key
            return fail(str(exc))
        changed()
        return ok_i18n("successAdded")

    @on_login(hub, "addMaintenanceStatusPage")
    async def add_maintenance_status_page(sock, maintenance_id=None, pages=None, *_):
        ids = _ids(pages)
        try:
            await app.db.write(lambda db: store.replace_status_page_links(db, int(maintenance_id), ids))
        except Exception as exc:
            return fail(str(exc))
        return ok_i18n("successAdded")

    @on_login(hub, "getMaintenance")
    async def get_maintenance(sock, maintenance_id=None, *_):
        now = app.clock.utcnow()

        def build(db):
            row = store.get_maintenance(db, maintenance_id)
            return None if row is None else maintenance_json(row, server_timezone(db), now, live=False)

        shape = await app.db.read(build)
        if shape is None:
            return fail("Cannot read properties of null (reading 'toJSON')")
        return ok(maintenance=shape)

    @on_login(hub, "getMaintenanceList")
    async def get_maintenance_list(sock, *_):
        await send_list(sock)
        return ok()

    @on_login(hub, "getMonitorMaintenance")
    async def get_monitor_maintenance(sock, maintenance_id=None, *_):
        return ok(monitors=await app.db.read(lambda db: store.monitors_of(db, maintenance_id)))

    @on_login(hub, "getMaintenanceStatusPage")
    async def get_maintenance_status_page(sock, maintenance_id=None, *_):
        pages = await app.db.read(lambda db: store.status_pages_of(db, maintenance_id))
        return ok(statusPages=pages)

    @on_login(hub, "deleteMaintenance")
    async def delete_maintenance(sock, maintenance_id=None, *_):
        await app.db.write(lambda db: store.delete_maintenance(db, maintenance_id))
        changed()
        app.nursery.start_soon(send_list, sock)  # after the ack, as Uptime Kuma orders it
        return ok_i18n("successDeleted")

    async def set_active(sock, maintenance_id, active: bool, msg: str):
        found = await app.db.write(lambda db: store.set_active(db, maintenance_id, active))
        if not found:
            return fail("Maintenance not found")
        changed()
        app.nursery.start_soon(send_list, sock)
        return ok_i18n(msg)

    @on_login(hub, "pauseMaintenance")
    async def pause_maintenance(sock, maintenance_id=None, *_):
        return await set_active(sock, maintenance_id, False, "successPaused")

    @on_login(hub, "resumeMaintenance")
    async def resume_maintenance(sock, maintenance_id=None, *_):
        return await set_active(sock, maintenance_id, True, "successResumed")
