"""`/api/v1/api-keys` over `kuma.domain.api_keys`, with each key's scope; open dashboards get the fresh
`apiKeyList`, as after the Socket.IO events."""

from __future__ import annotations

from typing import Any

from kuma.accounts.api_keys import utc_text
from kuma.api.api_keys import send_list
from kuma.domain import api_keys as domain
from kuma.rest.v1.routing import Api, Call, NotFound
from kuma.rest.v1.schema import Field, Schema
from kuma.rest.v1.shapes import list_of
from kuma.shapes.lists import api_key_item
from kuma.store import api_key_scopes
from kuma.store.api_keys import list_api_keys

api = Api()
TAG = "api-keys"

KEY = Schema(
    "ApiKey",
    {
        "id": Field("integer", required=True),
        "name": Field("string", required=True),
        "active": Field("integer", required=True),
        "expires": Field("string", nullable=True, required=True),
        "status": Field("string", required=True, enum=("active", "inactive", "expired")),
        "scope": Field("string", required=True, enum=api_key_scopes.SCOPES),
    },
    extra=True,
)
NEW_KEY = Schema(
    "NewApiKey",
    {**KEY.fields, "key": Field("string", required=True, description="the clear key, shown only this once")},
    extra=True,
)
KEY_INPUT = Schema(
    "ApiKeyInput",
    {
        "name": Field("string", required=True, min_length=1, max_length=255),
        "expires": Field("string", nullable=True, description="UTC `YYYY-MM-DD HH:MM:SS`; null: never"),
        "active": Field("boolean", default=True),
        "scope": Field("string", enum=api_key_scopes.SCOPES, default=api_key_scopes.READ),
    },
)


async def _keys(call: Call) -> list[dict[str, Any]]:
    now = utc_text(call.app.clock.time())

    def read(db: Any) -> list[dict[str, Any]]:
        rows = list_api_keys(db, call.user_id)
        scopes = api_key_scopes.scopes_of(db, [row["id"] for row in rows])
        return [{**api_key_item(row, now), "scope": scopes[row["id"]]} for row in rows]

    return await call.app.db.read(read)


async def _key(call: Call, key_id: int) -> dict[str, Any]:
    for key in await _keys(call):
        if key["id"] == key_id:
            return key
    raise NotFound("API key not found")


@api.get("/api-keys", "List the API keys (never their secrets)", TAG, response=list_of(KEY))
async def list_keys(call: Call) -> list[dict[str, Any]]:
    return await _keys(call)


@api.post(
    "/api-keys",
    "Create an API key (the clear key is in this answer only)",
    TAG,
    body=KEY_INPUT,
    response=NEW_KEY,
    status=201,
)
async def create_key(call: Call) -> dict[str, Any]:
    data = {"active": True, "scope": api_key_scopes.READ, **call.body}
    key_id, clear_key = await domain.add(call.app, call.user_id, data)
    await send_list(call.app, call.user_id)
    return {**await _key(call, key_id), "key": clear_key}


async def _set_active(call: Call, active: bool) -> dict[str, Any]:
    await _key(call, call.ids["id"])
    await domain.set_active(call.app, call.user_id, call.ids["id"], active)
    await send_list(call.app, call.user_id)
    return await _key(call, call.ids["id"])


@api.post("/api-keys/{id}/enable", "Enable an API key", TAG, response=KEY)
async def enable_key(call: Call) -> dict[str, Any]:
    return await _set_active(call, True)


@api.post("/api-keys/{id}/disable", "Disable an API key", TAG, response=KEY)
async def disable_key(call: Call) -> dict[str, Any]:
    return await _set_active(call, False)


@api.delete("/api-keys/{id}", "Delete an API key", TAG, status=204)
async def delete_key(call: Call) -> None:
    await _key(call, call.ids["id"])
    await domain.delete(call.app, call.user_id, call.ids["id"])
    await send_list(call.app, call.user_id)
