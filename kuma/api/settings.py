"""`getSettings` / `setSettings` (socketio-events.md §3.5) over `kuma.domain.settings`. After a save the
full `info` (this socket) and `maintenanceList` (the room) follow the ack, as Uptime Kuma sends them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kuma.accounts.info import info_payload
from kuma.api import named_args
from kuma.api.auth import disconnect_other_sockets
from kuma.api.common import Events, after_ack, ok, ok_i18n, require_login
from kuma.domain import settings as domain
from kuma.views.maintenance import maintenance_list

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)
events = Events()


async def settings_followups(app: App, user_id: int) -> tuple[dict, dict]:
    """Full `info` (this socket) and `maintenanceList` (the user's room), read before the ack is sent so
    that they can be emitted right after it, before the socket's next event is answered."""
    return await info_payload(app, full=True), await maintenance_list(app, user_id)


@events.login("getSettings")
async def get_settings(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    return ok(data=await domain.general(app))


@events.login("setSettings")
async def set_settings(
    app: App, sock: Any, data: Any = None, current_password: Any = None, *rest: Any
) -> dict[str, Any]:
    user_id = require_login(sock)
    if await domain.save(app, user_id, *named_args.settings_password(data, current_password)):
        await disconnect_other_sockets(app, sock, user_id)
    info, maintenance = await settings_followups(app, user_id)

    async def followups() -> None:
        await sock.emit("info", info)
        await app.hub.emit("maintenanceList", maintenance, room=str(user_id))

    after_ack(app, sock, followups)
    return ok_i18n("Saved.")


def register(hub: Any, app: App) -> None:
    """The settings events on the hub."""
    events.register(hub, app)
