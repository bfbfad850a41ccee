"""gotify: POST <server>/message?token=… {message, priority, title}."""

from __future__ import annotations

from kuma.notifications.base import SENT, Provider, as_int, register, text
from kuma.notifications.http import post_json


@register("gotify")
class Gotify(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        server = text(config.get("gotifyserverurl")).rstrip("/")
        token = text(config.get("gotifyapplicationToken"))
        await post_json(
            f"{server}/message?token={token}",
            {"message": msg, "priority": as_int(config.get("gotifyPriority"), 8), "title": "Uptime-Kuma"},
        )
        return SENT
