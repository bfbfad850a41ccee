"""API key events (socketio-events.md §3.9) over `kuma.domain.api_keys`: add, list, enable/disable, delete.

`apiKeyList` goes to the user's room: before the ack for add, after it for the others (as captured).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from kuma.api.common import Events, UserList, after_ack, ok_i18n, require_login
from kuma.domain import api_keys as domain
from kuma.views.lists import api_key_list

if TYPE_CHECKING:
    from kuma.app import App

events = Events()


API_KEYS = UserList("apiKeyList", api_key_list)
send_list = API_KEYS.send  # the user's `apiKeyList` to their room


@events.login("addAPIKey")
async def add_api_key(app: App, sock: Any, key: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)
    key_id, clear_key = await domain.add(app, user_id, key)
    await send_list(app, user_id)
    return ok_i18n("successAdded", key=clear_key, keyID=key_id)


@events.login("getAPIKeyList")
async def get_api_key_list(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    return await API_KEYS.get(app, sock)


async def _changed(app: App, sock: Any, change: Callable[[int], Awaitable[None]], msg: str) -> dict[str, Any]:
    """Apply a change, read the list now and send it right after the ack."""
    user_id = require_login(sock)
    await change(user_id)
    keys = await api_key_list(app, user_id)
    after_ack(app, sock, lambda: app.hub.emit("apiKeyList", keys, room=str(user_id)))
    return ok_i18n(msg)


@events.login("deleteAPIKey")
async def delete_api_key(app: App, sock: Any, key_id: Any = None, *rest: Any) -> dict[str, Any]:
    return await _changed(app, sock, lambda user_id: domain.delete(app, user_id, key_id), "successDeleted")


@events.login("disableAPIKey")
async def disable_api_key(app: App, sock: Any, key_id: Any = None, *rest: Any) -> dict[str, Any]:
    return await _changed(app, sock, lambda user_id: domain.set_active(app, user_id, key_id, False), "successDisabled")


@events.login("enableAPIKey")
async def enable_api_key(app: App, sock: Any, key_id: Any = None, *rest: Any) -> dict[str, Any]:
    return await _changed(app, sock, lambda user_id: domain.set_active(app, user_id, key_id, True), "successEnabled")


def register(hub: Any, app: App) -> None:
    """Every API key event on the hub."""
    events.register(hub, app)
