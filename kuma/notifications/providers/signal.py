"""signal: signal-cli REST API, POST {message, number, recipients}."""

from __future__ import annotations

from kuma.notifications.base import SENT, Provider, register, text
from kuma.notifications.http import post_json
from kuma.notifications.templates import templated_message


@register("signal")
class Signal(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        message = templated_message(config, "signal", msg, monitor, heartbeat)
        recipients = [r for r in text(config.get("signalRecipients")).replace(" ", "").split(",") if r]
        await post_json(
            text(config.get("signalURL")),
            {"message": message, "number": config.get("signalNumber"), "recipients": recipients},
        )
        return SENT
