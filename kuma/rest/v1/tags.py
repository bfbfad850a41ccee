"""`/api/v1/tags` and a monitor's tags, over `kuma.domain.tags`; monitor-tag changes reach open dashboards
as `updateMonitorIntoList`, as over Socket.IO."""

from __future__ import annotations

from typing import Any

from kuma.api.monitors import RoomChanges
from kuma.domain import tags as domain
from kuma.rest.v1.monitors import monitor_json, owned
from kuma.rest.v1.routing import Api, Call, NotFound
from kuma.rest.v1.schema import Field, Schema
from kuma.rest.v1.shapes import MONITOR, list_of

api = Api()
TAG = "tags"

TAG_SHAPE = Schema(
    "Tag",
    {
        "id": Field("integer", required=True),
        "name": Field("string", required=True, nullable=True),
        "color": Field("string", required=True, nullable=True),
    },
    extra=True,
)
TAG_INPUT = Schema(
    "TagInput",
    {
        "name": Field("string", required=True, min_length=1, max_length=255),
        "color": Field("string", required=True, max_length=255, description="CSS colour, e.g. #2563eb"),
    },
)
TAG_PATCH = Schema(
    "TagPatch", {"name": Field("string", min_length=1, max_length=255), "color": Field("string", max_length=255)}
)
MONITOR_TAG_INPUT = Schema(
    "MonitorTagInput",
    {"tagId": Field("integer", required=True, minimum=0), "value": Field("string", max_length=255, default="")},
)
VALUE_QUERY = Schema("MonitorTagQuery", {"value": Field("string", default="", description="the link's value")})


async def _tag(call: Call, tag_id: int) -> dict[str, Any]:
    for tag in await domain.all_tags(call.app):
        if tag["id"] == tag_id:
            return tag
    raise NotFound("Tag not found")


@api.get("/tags", "List tags", TAG, response=list_of(TAG_SHAPE))
async def list_tags(call: Call) -> list[dict[str, Any]]:
    return await domain.all_tags(call.app)


@api.post("/tags", "Create a tag", TAG, body=TAG_INPUT, response=TAG_SHAPE, status=201)
async def create_tag(call: Call) -> dict[str, Any]:
    return await domain.add(call.app, call.body)


@api.patch("/tags/{id}", "Rename or recolour a tag", TAG, body=TAG_PATCH, response=TAG_SHAPE)
async def update_tag(call: Call) -> dict[str, Any]:
    current = await _tag(call, call.ids["id"])
    return await domain.edit(call.app, {**current, **call.body, "id": call.ids["id"]})


@api.delete("/tags/{id}", "Delete a tag (and its monitor links)", TAG, status=204)
async def delete_tag(call: Call) -> None:
    await _tag(call, call.ids["id"])
    await domain.delete(call.app, call.ids["id"])


@api.post("/monitors/{id}/tags", "Put a tag (with a value) on a monitor", TAG, body=MONITOR_TAG_INPUT, response=MONITOR)
async def add_monitor_tag(call: Call) -> dict[str, Any]:
    await owned(call, call.ids["id"])
    await _tag(call, call.body["tagId"])
    await domain.add_monitor_tag(call.app, call.body["tagId"], call.ids["id"], call.body.get("value", ""))
    await RoomChanges(call.app, call.user_id).updated(call.ids["id"])
    return await monitor_json(call, call.ids["id"])


@api.delete(
    "/monitors/{id}/tags/{tagId}",
    "Take a tag (with that value) off a monitor",
    TAG,
    query=VALUE_QUERY,
    response=MONITOR,
)
async def delete_monitor_tag(call: Call) -> dict[str, Any]:
    await owned(call, call.ids["id"])
    await domain.delete_monitor_tag(call.app, call.ids["tagId"], call.ids["id"], call.query["value"])
    await RoomChanges(call.app, call.user_id).updated(call.ids["id"])
    return await monitor_json(call, call.ids["id"])
