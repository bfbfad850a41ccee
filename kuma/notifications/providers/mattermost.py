"""mattermost: incoming webhook with one coloured attachment per event."""

from __future__ import annotations

from kuma.notifications.base import SENT, UP, Provider, monitor_url, register, text, time_field
from kuma.notifications.http import post_json


@register("mattermost")
class Mattermost(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        username = text(config.get("mattermostusername")) or "Uptime Kuma"
        url = text(config.get("mattermostWebhookUrl"))
        if heartbeat is None or monitor is None:
            await post_json(url, {"username": username, "text": msg})
            return SENT
        up = heartbeat.get("status") == UP
        icons = text(config.get("mattermosticonemo")).split()
        icon = (icons[0] if not up or len(icons) == 1 else icons[1]) if icons else None
        channel = text(config.get("mattermostchannel")).lower() or None
        path = text(monitor.get("pathName") or monitor.get("name"))
        time_name, time_value = time_field(heartbeat)
        detail = (
            {"short": False, "title": "Ping", "value": f"{heartbeat.get('ping')}ms"}
            if up
            else {"short": False, "title": "Error", "value": text(heartbeat.get("msg"))}
        )
        attachment = {
            "fallback": msg,
            "color": "#32CD32" if up else "#FF0000",
            "title": f"{path} service {'up!' if up else 'went down.'}",
            "title_link": monitor_url(monitor),
            "fields": [detail, {"short": True, "title": time_name, "value": time_value}],
        }
        body = {
            "username": f"{monitor.get('name')} {username}",
            "channel": channel,
            "icon_emoji": icon,
            "icon_url": config.get("mattermosticonurl") or None,
            "attachments": [attachment],
        }
        await post_json(url, body)
        return SENT
