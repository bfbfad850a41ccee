"""ntfy: JSON publish to the server root with title, priority, tags, view action and auth."""

from __future__ import annotations

import base64

from kuma.notifications.base import DOWN, SENT, UP, Provider, as_bool, as_int, monitor_url, register, text
from kuma.notifications.http import post_json
from kuma.notifications.templates import render


def _auth(config: dict) -> dict[str, str]:
    method = config.get("ntfyAuthenticationMethod")
    if method is None and config.get("ntfyusername"):
        method = "usernamePassword"
    if method == "usernamePassword":
        raw = f"{text(config.get('ntfyusername'))}:{text(config.get('ntfypassword'))}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}
    if method == "accessToken":
        return {"Authorization": f"Bearer {text(config.get('ntfyaccesstoken'))}"}
    return {}


@register("ntfy")
class Ntfy(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        headers = _auth(config)
        if text(config.get("ntfyCall")):
            headers["X-Call"] = text(config.get("ntfyCall"))
        priority = min(max(as_int(config.get("ntfyPriority"), 4), 1), 5)
        body: dict = {"topic": config.get("ntfytopic")}
        if heartbeat is None or monitor is None:
            body.update({"title": "Uptime Kuma", "message": msg, "priority": priority, "tags": ["test_tube"]})
        else:
            up = heartbeat.get("status") == UP
            if heartbeat.get("status") == DOWN:
                priority = min(as_int(config.get("ntfyPriorityDown"), priority + 1), 5)
            tags = ["green_circle" if up else "red_circle"]
            for tag in monitor.get("tags") or []:
                tags.append(f"{tag.get('name')}: {tag.get('value')}" if tag.get("value") else text(tag.get("name")))
            title = f"{monitor.get('name')} {'Up' if up else 'Down'} [Uptime-Kuma]"
            message = text(heartbeat.get("msg"))
            if as_bool(config.get("ntfyUseTemplate")):
                title = render(text(config.get("ntfyCustomTitle")), msg, monitor, heartbeat) or title
                message = render(text(config.get("ntfyCustomMessage")), msg, monitor, heartbeat) or message
            body.update({"title": title, "message": message, "priority": priority, "tags": tags})
            url = monitor_url(monitor)
            if url:
                body["actions"] = [{"action": "view", "label": f"Open {monitor.get('name')}", "url": url}]
        if text(config.get("ntfyIcon")):
            body["icon"] = text(config.get("ntfyIcon"))
        await post_json(text(config.get("ntfyserverurl")).rstrip("/") or "https://ntfy.sh", body, headers=headers)
        return SENT
