"""GoogleChat: a card (or a Liquid template as plain text) posted to a Chat space webhook."""

from __future__ import annotations

from kuma.notifications.base import SENT, UP, Provider, as_bool, monitor_url, register, text, time_field
from kuma.notifications.http import post_json
from kuma.notifications.templates import render


@register("GoogleChat")
class GoogleChat(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        url = text(config.get("googleChatWebhookURL"))
        if as_bool(config.get("googleChatUseTemplate")) and config.get("googleChatTemplate"):
            await post_json(url, {"text": render(text(config["googleChatTemplate"]), msg, monitor, heartbeat)})
            return SENT
        if heartbeat is None or monitor is None:
            await post_json(url, {"text": msg})
            return SENT
        up = heartbeat.get("status") == UP
        title = "✅ Application is back online" if up else "🔴 Application went down"
        time_name, time_value = time_field(heartbeat)
        widgets: list[dict] = [
            {"decoratedText": {"topLabel": "Message", "text": text(heartbeat.get("msg"))}},
            {"decoratedText": {"topLabel": time_name, "text": time_value}},
        ]
        site = monitor_url(monitor)
        if site:
            widgets.append(
                {"buttonList": {"buttons": [{"text": "Visit site", "onClick": {"openLink": {"url": site}}}]}}
            )
        card = {"header": {"title": title, "subtitle": text(monitor.get("name"))}, "sections": [{"widgets": widgets}]}
        await post_json(url, {"fallbackText": msg, "cardsV2": [{"cardId": "uptime-kuma", "card": card}]})
        return SENT
