"""The `maintenanceList` payload and a status page's active maintenances, shaped by `kuma.shapes.maintenance`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kuma.shapes.maintenance import maintenance_json
from kuma.store.maintenance import all_maintenance, maintenance_ids_of_status_page
from kuma.store.settings import server_timezone

if TYPE_CHECKING:
    from kuma.app import App


async def maintenance_list(app: App, user_id: int | None = None, now: datetime | None = None) -> dict[str, Any]:
    """`maintenanceList`: every maintenance keyed by id (a string), as Uptime Kuma sends it.
    `now` defaults to the app's clock; the maintenance service passes its own."""
    return await app.db.read(maintenance_list_reader(now or app.clock.utcnow()))


def maintenance_list_reader(moment: datetime) -> Callable[[Any], dict[str, Any]]:
    """The reader job behind `maintenance_list` (the login burst runs it inside its one job)."""

    def build(db: Any) -> dict[str, Any]:
        tz = server_timezone(db)
        return {str(row["id"]): maintenance_json(row, tz, moment) for row in all_maintenance(db)}

    return build


async def status_page_maintenance_list(app: App, status_page_id: int) -> list[dict[str, Any]]:
    """Maintenances linked to a status page that are under maintenance now (for its public JSON)."""
    now = app.clock.utcnow()

    def build(db):
        tz = server_timezone(db)
        wanted = set(maintenance_ids_of_status_page(db, status_page_id))
        shapes = [maintenance_json(row, tz, now) for row in all_maintenance(db) if row["id"] in wanted]
        return [s for s in shapes if s["status"] == "under-maintenance"]

    return await app.db.read(build)
