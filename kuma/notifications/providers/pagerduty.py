"""PagerDuty: Events API v2 trigger on DOWN, the configured action (resolve/acknowledge) on UP."""

from __future__ import annotations

from kuma.notifications.base import SENT, UP, Provider, register, text
from kuma.notifications.http import post_json
from kuma.notifications.templates import hostname_or_url


@register("PagerDuty")
class PagerDuty(Provider):
    default_api_url = "https://events.pagerduty.com/v2/enqueue"

    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        action, title = "trigger", "Uptime Kuma Alert"
        if heartbeat is not None and heartbeat.get("status") == UP:
            auto = text(config.get("pagerdutyAutoResolve")) or "0"
            if auto == "0":
                return "no action required"
            action, title = auto, "Uptime Kuma Monitor ✅ Up"
        name = (monitor or {}).get("name") or "Uptime Kuma"
        body = {
            "payload": {
                "summary": f"[{title}] [{name}] {msg}",
                "severity": text(config.get("pagerdutyPriority")) or "warning",
                "source": hostname_or_url(monitor) or "Uptime Kuma",
            },
            "routing_key": config.get("pagerdutyIntegrationKey"),
            "event_action": action,
            "dedup_key": f"Uptime Kuma/{(monitor or {}).get('id')}",
        }
        await post_json(text(config.get("pagerdutyIntegrationUrl")) or self.api_url, body)
        return SENT
