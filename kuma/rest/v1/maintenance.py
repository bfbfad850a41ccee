"""`/api/v1/maintenance` over `kuma.domain.maintenance` (every strategy, the same input rules and texts as
the Socket.IO events); each answer carries the window's monitors and status pages; open dashboards get the
fresh `maintenanceList`."""

from __future__ import annotations

from typing import Any

from kuma.api.maintenance import send_list
from kuma.domain import maintenance as domain
from kuma.maintenance.windows import STRATEGIES
from kuma.rest.v1.routing import Api, Call, NotFound
from kuma.rest.v1.schema import Field, Schema
from kuma.rest.v1.shapes import list_of
from kuma.store import maintenance as store

api = Api()
TAG = "maintenance"

IDS = Field("array", items=Field("integer", minimum=0))
MAINTENANCE = Schema(
    "Maintenance",
    {
        "id": Field("integer", required=True),
        "title": Field("string", required=True),
        "strategy": Field("string", required=True),
        "active": Field("boolean", required=True),
        "status": Field("string", required=True, description="under-maintenance, scheduled, inactive, ended …"),
        "monitors": IDS,
        "statusPages": IDS,
    },
    extra=True,
)
FIELDS = {
    "title": Field("string", required=True, min_length=1, max_length=150),
    "description": Field("string"),
    "strategy": Field("string", required=True, enum=STRATEGIES),
    "active": Field("boolean"),
    "dateRange": Field("array", items=Field("string", nullable=True), description="[start, end] in the zone"),
    "timeRange": Field("array", items=Field("object"), description='[{"hours": 2, "minutes": 0}, …]'),
    "weekdays": Field("array", items=Field("integer", minimum=0, maximum=7)),
    "daysOfMonth": Field("array", items=Field("any")),
    "intervalDay": Field("integer", minimum=1, maximum=3650),
    "cron": Field("string"),
    "durationMinutes": Field("number", minimum=0),
    "timezoneOption": Field("string", nullable=True, description="an IANA zone, SAME_AS_SERVER or UTC"),
    "monitors": Field("array", items=Field("integer", minimum=0), description="ids of the monitors it covers"),
    "statusPages": Field("array", items=Field("integer", minimum=0), description="ids of the pages showing it"),
}
MAINTENANCE_INPUT = Schema("MaintenanceInput", FIELDS, extra=True)
MAINTENANCE_PATCH = Schema(
    "MaintenancePatch", {key: Field(**{**spec.__dict__, "required": False}) for key, spec in FIELDS.items()}, extra=True
)


async def _owned(call: Call, maintenance_id: int) -> dict[str, Any]:
    row = await call.app.db.read(lambda db: store.get_maintenance(db, maintenance_id))
    if row is None or row.get("user_id") not in (None, call.user_id):
        raise NotFound("Maintenance not found")
    return row


async def _json(call: Call, maintenance_id: int) -> dict[str, Any]:
    shape = await domain.get(call.app, maintenance_id)

    def links(db: Any) -> tuple[list[int], list[int]]:
        monitors = [m["id"] for m in store.monitors_of(db, maintenance_id)]
        return monitors, [p["id"] for p in store.status_pages_of(db, maintenance_id)]

    monitors, pages = await call.app.db.read(links)
    return {**shape, "monitors": monitors, "statusPages": pages}


async def _links(call: Call, maintenance_id: int) -> None:
    if "monitors" in call.body:
        await domain.link_monitors(call.app, maintenance_id, call.body["monitors"])
    if "statusPages" in call.body:
        await domain.link_status_pages(call.app, maintenance_id, call.body["statusPages"])


@api.get("/maintenance", "List maintenance windows", TAG, response=list_of(MAINTENANCE))
async def list_maintenance(call: Call) -> list[dict[str, Any]]:
    rows = await call.app.db.read(store.all_maintenance)
    return [await _json(call, row["id"]) for row in rows if row.get("user_id") in (None, call.user_id)]


@api.get("/maintenance/{id}", "Get one maintenance window", TAG, response=MAINTENANCE)
async def get_maintenance(call: Call) -> dict[str, Any]:
    await _owned(call, call.ids["id"])
    return await _json(call, call.ids["id"])


@api.post("/maintenance", "Create a maintenance window", TAG, body=MAINTENANCE_INPUT, response=MAINTENANCE, status=201)
async def create_maintenance(call: Call) -> dict[str, Any]:
    data = {key: value for key, value in call.body.items() if key not in ("monitors", "statusPages")}
    maintenance_id = await domain.add(call.app, call.user_id, data)
    await _links(call, maintenance_id)
    await send_list(call.app, call.user_id)
    return await _json(call, maintenance_id)


@api.patch(
    "/maintenance/{id}",
    "Change a maintenance window (only the keys sent)",
    TAG,
    body=MAINTENANCE_PATCH,
    response=MAINTENANCE,
)
async def update_maintenance(call: Call) -> dict[str, Any]:
    maintenance_id = call.ids["id"]
    await _owned(call, maintenance_id)
    current = await domain.get(call.app, maintenance_id)
    changes = {key: value for key, value in call.body.items() if key not in ("monitors", "statusPages")}
    await domain.edit(call.app, call.user_id, {**current, **changes, "id": maintenance_id})
    await _links(call, maintenance_id)
    await send_list(call.app, call.user_id)
    return await _json(call, maintenance_id)


@api.delete("/maintenance/{id}", "Delete a maintenance window", TAG, status=204)
async def delete_maintenance(call: Call) -> None:
    await _owned(call, call.ids["id"])
    await domain.delete(call.app, call.ids["id"])
    await send_list(call.app, call.user_id)


async def _set_active(call: Call, active: bool) -> dict[str, Any]:
    await _owned(call, call.ids["id"])
    await domain.set_active(call.app, call.ids["id"], active)
    await send_list(call.app, call.user_id)
    return await _json(call, call.ids["id"])


@api.post("/maintenance/{id}/pause", "Pause a maintenance window", TAG, response=MAINTENANCE)
async def pause_maintenance(call: Call) -> dict[str, Any]:
    return await _set_active(call, False)


@api.post("/maintenance/{id}/resume", "Resume a maintenance window", TAG, response=MAINTENANCE)
async def resume_maintenance(call: Call) -> dict[str, Any]:
    return await _set_active(call, True)
