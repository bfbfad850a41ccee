"""HomeAssistant: call a notify service with a long-lived token."""

from __future__ import annotations

from kuma.notifications.base import SENT, UP, Provider, register, text
from kuma.notifications.http import post_json

ICON = "https://github.com/louislam/uptime-kuma/blob/master/public/icon.png?raw=true"


@register("HomeAssistant")
class HomeAssistant(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        service = text(config.get("notificationService")) or "notify"
        url = f"{text(config.get('homeAssistantUrl')).rstrip('/')}/api/services/notify/{service}"
        body: dict = {"title": "Uptime Kuma", "message": msg}
        if service != "persistent_notification":
            status = None
            if heartbeat is not None:
                status = "up" if heartbeat.get("status") == UP else "down"
            body["data"] = {
                "name": (monitor or {}).get("name"),
                "status": status,
                "channel": "Uptime Kuma",
                "icon_url": ICON,
            }
        await post_json(url, body, headers={"Authorization": f"Bearer {text(config.get('longLivedAccessToken'))}"})
        return SENT
