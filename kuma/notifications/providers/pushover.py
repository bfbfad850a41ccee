"""pushover: messages.json with sound per status, HTML body with the event time."""

from __future__ import annotations

from kuma.notifications.base import SENT, UP, Provider, register, time_field
from kuma.notifications.http import post_json


@register("pushover")
class Pushover(Provider):
    default_api_url = "https://api.pushover.net/1/messages.json"

    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        sound = config.get("pushoversounds")
        if heartbeat is not None and heartbeat.get("status") == UP and config.get("pushoversounds_up"):
            sound = config.get("pushoversounds_up")
        message = msg
        if heartbeat is not None:
            name, value = time_field(heartbeat)
            message += f"\n<b>{name}</b>: {value}"
        body: dict = {
            "message": message,
            "user": config.get("pushoveruserkey"),
            "token": config.get("pushoverapptoken"),
            "sound": sound,
            "priority": config.get("pushoverpriority"),
            "title": config.get("pushovertitle"),
            "retry": "30",
            "expire": "3600",
            "html": 1,
        }
        url = (monitor or {}).get("url")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            body["url"] = url
            body["url_title"] = "Link to Monitor"
        if config.get("pushoverdevice"):
            body["device"] = config["pushoverdevice"]
        if config.get("pushoverttl"):
            body["ttl"] = config["pushoverttl"]
        await post_json(self.api_url, body)
        return SENT
