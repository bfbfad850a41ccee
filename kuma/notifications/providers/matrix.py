"""matrix: PUT an m.text event into a room with the access token (client-server API r0)."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from kuma.notifications.base import SENT, Provider, register, text
from kuma.notifications.http import request
from kuma.notifications.templates import templated_message


@register("matrix")
class Matrix(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        body = templated_message(config, "matrix", msg, monitor, heartbeat)
        server = text(config.get("homeserverUrl")).rstrip("/")
        room = quote(text(config.get("internalRoomId")), safe="")
        txn = secrets.token_urlsafe(48)[:64]
        url = f"{server}/_matrix/client/r0/rooms/{room}/send/m.room.message/{txn}"
        await request(
            "PUT",
            url,
            json_body={"msgtype": "m.text", "body": body},
            headers={"Authorization": f"Bearer {text(config.get('accessToken'))}"},
        )
        return SENT
