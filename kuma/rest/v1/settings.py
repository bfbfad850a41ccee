"""`/api/v1/settings`: the `general` settings, read and changed (only the keys sent) through
`kuma.domain.settings`, which applies Uptime Kuma's rules (known keys only, time zone check, and the
current password to turn auth off)."""

from __future__ import annotations

from typing import Any

from kuma.domain import settings as domain
from kuma.rest.v1.routing import Api, Call
from kuma.rest.v1.schema import Field, Schema

api = Api()
TAG = "settings"

SETTINGS = Schema("Settings", {"serverTimezone": Field("string")}, extra=True, description="the general settings")
SETTINGS_PATCH = Schema(
    "SettingsPatch",
    {
        "serverTimezone": Field("string", description="an IANA zone, e.g. Europe/Berlin"),
        "keepDataPeriodDays": Field("integer", minimum=0),
        "currentPassword": Field("string", description="needed to turn disableAuth on"),
    },
    extra=True,
)


@api.get("/settings", "Read the general settings", TAG, response=SETTINGS)
async def get_settings(call: Call) -> dict[str, Any]:
    return await domain.general(call.app)


@api.patch("/settings", "Change general settings (only the keys sent)", TAG, body=SETTINGS_PATCH, response=SETTINGS)
async def update_settings(call: Call) -> dict[str, Any]:
    data = {key: value for key, value in call.body.items() if key != "currentPassword"}
    await domain.save(call.app, call.user_id, data, call.body.get("currentPassword"))
    return await domain.general(call.app)
