"""pushbullet: a note push with the Access-Token header."""

from __future__ import annotations

from kuma.notifications.base import SENT, UP, Provider, register, text, time_field
from kuma.notifications.http import post_json


@register("pushbullet")
class Pushbullet(Provider):
    default_api_url = "https://api.pushbullet.com/v2/pushes"

    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        headers = {"Access-Token": text(config.get("pushbulletAccessToken"))}
        if heartbeat is None:
            body = {"type": "note", "title": "Uptime Kuma Alert", "body": msg}
        else:
            label = "✅ Up" if heartbeat.get("status") == UP else "🔴 Down"
            name, value = time_field(heartbeat)
            body = {
                "type": "note",
                "title": f"UptimeKuma Alert: {(monitor or {}).get('name')}",
                "body": f"[{label}] {heartbeat.get('msg')}\n{name}: {value}",
            }
        await post_json(self.api_url, body, headers=headers)
        return SENT
