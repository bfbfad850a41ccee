"""Teltonika: a RutOS router sends the SMS — log in to its API, then messages/actions/send."""

from __future__ import annotations

from kuma.notifications.base import SENT, NotificationError, Provider, as_bool, register, require, text
from kuma.notifications.http import post_json


@register("Teltonika")
class Teltonika(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        url, user, password, number = require(
            config, "teltonikaUrl", "teltonikaUsername", "teltonikaPassword", "teltonikaPhoneNumber"
        )
        base = url.rstrip("/")
        verify = not as_bool(config.get("teltonikaUnsafeTls"))
        login = await post_json(f"{base}/api/login", {"username": user, "password": password}, verify=verify)
        try:
            token = login.json()["data"]["token"]
        except (ValueError, KeyError, TypeError):
            raise NotificationError("Teltonika login failed: no token in the answer") from None
        body = {"data": {"number": number, "message": msg, "modem": text(config.get("teltonikaModem")) or "1-1"}}
        await post_json(
            f"{base}/api/messages/actions/send", body, headers={"Authorization": f"Bearer {token}"}, verify=verify
        )
        return SENT
