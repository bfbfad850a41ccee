"""rocket.chat: incoming webhook, text plus one attachment for events."""

from __future__ import annotations

from kuma.notifications.base import SENT, UP, Provider, monitor_url, register, text, time_field
from kuma.notifications.http import post_json


@register("rocket.chat")
class RocketChat(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        body: dict = {
            "text": msg,
            "channel": config.get("rocketchannel"),
            "username": config.get("rocketusername"),
            "icon_emoji": config.get("rocketiconemo"),
        }
        if heartbeat is not None and monitor is not None:
            time_name, time_value = time_field(heartbeat)
            attachment: dict = {
                "title": f"Uptime Kuma Alert *{time_name}*\n{time_value}",
                "text": "*Message*\n" + msg,
                "color": "#32cd32" if heartbeat.get("status") == UP else "#ff0000",
            }
            base = text(config.get("rocketbutton"))
            if base and monitor.get("id") is not None:
                attachment["title_link"] = f"{base.rstrip('/')}/dashboard/{monitor['id']}"
            elif monitor_url(monitor):
                attachment["title_link"] = monitor_url(monitor)
            body["text"] = f"Uptime Kuma Alert: {monitor.get('name')}"
            body["attachments"] = [attachment]
        await post_json(text(config.get("rocketwebhookURL")), body)
        return SENT
