"""`/api/v1/notifications` over `kuma.domain.notifications` (the same provider checks and texts as the
Socket.IO events); open dashboards get the fresh `notificationList`."""

from __future__ import annotations

import json
from typing import Any

from kuma.api.notifications import NOTIFICATIONS
from kuma.domain import notifications as domain
from kuma.rest.v1.routing import Api, Call, NotFound
from kuma.rest.v1.schema import Field, Schema
from kuma.rest.v1.shapes import list_of
from kuma.views.notifications import notification_list

api = Api()
TAG = "notifications"

NOTIFICATION = Schema(
    "Notification",
    {
        "id": Field("integer", required=True),
        "name": Field("string", nullable=True, required=True),
        "config": Field("string", nullable=True, description="the provider settings as JSON text"),
    },
    extra=True,
)
NOTIFICATION_INPUT = Schema(
    "NotificationInput",
    {
        "type": Field("string", required=True, description="the provider key, e.g. webhook, smtp, slack"),
        "name": Field("string", required=True, max_length=255),
        "isDefault": Field("boolean"),
        "applyExisting": Field("boolean", description="link it to every existing monitor"),
        "active": Field("boolean"),
    },
    extra=True,
    description="The provider's settings as the dashboard's form sends them",
)
NOTIFICATION_PATCH = Schema(
    "NotificationPatch",
    {key: Field(**{**spec.__dict__, "required": False}) for key, spec in NOTIFICATION_INPUT.fields.items()},
    extra=True,
)
TEST_RESULT = Schema("TestResult", {"ok": Field("boolean", required=True), "msg": Field("string", nullable=True)})


async def _notification(call: Call, notification_id: int) -> dict[str, Any]:
    for item in await notification_list(call.app, call.user_id):
        if item["id"] == notification_id:
            return item
    raise NotFound("Notification not found")


def _config(item: dict[str, Any]) -> dict[str, Any]:
    try:
        config = json.loads(item.get("config") or "{}")
    except ValueError:
        config = {}
    return config if isinstance(config, dict) else {}


@api.get("/notifications", "List notifications", TAG, response=list_of(NOTIFICATION))
async def list_notifications(call: Call) -> list[dict[str, Any]]:
    return await notification_list(call.app, call.user_id)


@api.get("/notifications/{id}", "Get one notification", TAG, response=NOTIFICATION)
async def get_notification(call: Call) -> dict[str, Any]:
    return await _notification(call, call.ids["id"])


@api.post("/notifications", "Create a notification", TAG, body=NOTIFICATION_INPUT, response=NOTIFICATION, status=201)
async def create_notification(call: Call) -> dict[str, Any]:
    saved = await domain.save(call.app, call.user_id, call.body)
    await NOTIFICATIONS.send(call.app, call.user_id)
    return await _notification(call, saved)


@api.patch(
    "/notifications/{id}",
    "Change a notification (only the keys sent)",
    TAG,
    body=NOTIFICATION_PATCH,
    response=NOTIFICATION,
)
async def update_notification(call: Call) -> dict[str, Any]:
    current = _config(await _notification(call, call.ids["id"]))
    await domain.save(call.app, call.user_id, {**current, **call.body}, call.ids["id"])
    await NOTIFICATIONS.send(call.app, call.user_id)
    return await _notification(call, call.ids["id"])


@api.delete("/notifications/{id}", "Delete a notification", TAG, status=204)
async def delete_notification(call: Call) -> None:
    await _notification(call, call.ids["id"])
    await domain.delete(call.app, call.user_id, call.ids["id"])
    await NOTIFICATIONS.send(call.app, call.user_id)


@api.post(
    "/notifications/{id}/test",
    "Send a test message through a stored notification",
    TAG,
    response=TEST_RESULT,
    writes=False,
)
async def test_notification(call: Call) -> dict[str, Any]:
    config = _config(await _notification(call, call.ids["id"]))
    return {"ok": True, "msg": await domain.send_test(config)}
