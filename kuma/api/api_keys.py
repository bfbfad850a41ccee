"""API key events (socketio-events.md §3.9): add, list, enable/disable, delete.

The clear key `uk<id>_<secret>` is shown once, in the addAPIKey ack; only bcrypt(secret) is stored.
`apiKeyList` goes to the user's room: before the ack for add, after it for the others (as captured).
"""
from __future__ import annotations

from typing import Any

import trio

from kuma.accounts.api_keys import format_key, generate_secret, hash_secret
from kuma.api.common import ApiError, after_ack, ok, ok_i18n, on_login, require_login, to_int
from kuma.shapes.lists import api_key_list
from kuma.store import api_keys as store
from kuma.store.settings import set_setting


def _expires(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ApiError("Invalid expires date")
    return value.strip()


def register(hub: Any, app: Any) -> None:
    async def send_list(user_id: int) -> None:
        await hub.emit("apiKeyList", await api_key_list(app, user_id), room=str(user_id))

    @on_login(hub, "addAPIKey")
    async def add_api_key(sock, key=None, *rest):
        user_id = require_login(sock)
        if not isinstance(key, dict):
            raise ApiError("Invalid key")
        name = key.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError("Name is required")
        expires = _expires(key.get("expires"))
        active = key.get("active", True)
        active = bool(active) if not isinstance(active, str) else active.lower() not in ("", "0", "false")
        secret = generate_secret()
        secret_hash = await trio.to_thread.run_sync(hash_secret, secret)

        def insert(db):
            key_id = store.insert_api_key(db, user_id, name, secret_hash, active, expires)
            set_setting(db, "apiKeysEnabled", True)
            return key_id

        key_id = await app.db.write(insert)
        await send_list(user_id)
        return ok_i18n("successAdded", key=format_key(key_id, secret), keyID=key_id)

    @on_login(hub, "getAPIKeyList")
    async def get_api_key_list(sock, *rest):
        user_id = require_login(sock)
        await send_list(user_id)
        return ok()

    async def change(sock, key_id, job, msg: str):
        user_id = require_login(sock)
        key_id = to_int(key_id)
        if key_id is not None:
            await app.db.write(lambda db: job(db, key_id, user_id))
        keys = await api_key_list(app, user_id)  # read now, sent right after the ack
        after_ack(app, sock, lambda: hub.emit("apiKeyList", keys, room=str(user_id)))
        return ok_i18n(msg)

    @on_login(hub, "deleteAPIKey")
    async def delete_api_key(sock, key_id=None, *rest):
        return await change(sock, key_id, store.delete_api_key, "successDeleted")

    @on_login(hub, "disableAPIKey")
    async def disable_api_key(sock, key_id=None, *rest):
        return await change(sock, key_id, lambda db, k, u: store.set_active(db, k, u, False), "successDisabled")

    @on_login(hub, "enableAPIKey")
    async def enable_api_key(sock, key_id=None, *rest):
        return await change(sock, key_id, lambda db, k, u: store.set_active(db, k, u, True), "successEnabled")
