"""Opsgenie: Alert API v2 — create on DOWN/test, close by alias on UP (US or EU region)."""

from __future__ import annotations

from typing import Any

from kuma.notifications.base import SENT, UP, Provider, as_int, register, text
from kuma.notifications.http import post_json
from kuma.notifications.templates import hostname_or_url

US = "https://api.opsgenie.com/v2/alerts"
EU = "https://api.eu.opsgenie.com/v2/alerts"


@register("Opsgenie")
class Opsgenie(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        base = self.api_url or (EU if config.get("opsgenieRegion") == "eu" else US)
        headers = {"Authorization": f"GenieKey {text(config.get('opsgenieApiKey'))}"}
        priority = f"P{min(max(as_int(config.get('opsgeniePriority'), 3), 1), 5)}"
        if monitor is None or heartbeat is None:
            await post_json(
                base,
                {"message": msg, "alias": "uptime-kuma-test", "source": "Uptime Kuma", "priority": priority},
                headers=headers,
            )
            return SENT
        alias = f"uptime-kuma-{monitor.get('id')}"
        if heartbeat.get("status") == UP:
            await post_json(
                f"{base}/{alias}/close?identifierType=alias", {"source": "Uptime Kuma", "note": msg}, headers=headers
            )
            return SENT
        body: dict[str, Any] = {
            "message": f"{monitor.get('name')} is down",
            "alias": alias,
            "description": msg,
            "source": "Uptime Kuma",
            "priority": priority,
        }
        target = hostname_or_url(monitor)
        if target:
            body["details"] = {"url": target}
        await post_json(base, body, headers=headers)
        return SENT
