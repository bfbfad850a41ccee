"""telegram: Bot API sendMessage, optional Liquid template with plain/HTML/MarkdownV2 parse modes."""

from __future__ import annotations

import re

from kuma.notifications.base import SENT, Provider, as_bool, register, text
from kuma.notifications.http import post_json
from kuma.notifications.templates import template_variables

_MARKDOWN_V2 = re.compile(r"([_*\[\]()~`>#+\-=|{}.!\\])")


def escape_markdown_v2(value: str) -> str:
    return _MARKDOWN_V2.sub(r"\\\1", value)


def _escaped(value):
    if isinstance(value, str):
        return escape_markdown_v2(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


@register("telegram")
class Telegram(Provider):
    default_api_url = "https://api.telegram.org"

    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        server = (text(config.get("telegramServerUrl")) or self.api_url).rstrip("/")
        url = f"{server}/bot{text(config.get('telegramBotToken'))}/sendMessage"
        body: dict = {
            "chat_id": config.get("telegramChatID"),
            "text": msg,
            "disable_notification": as_bool(config.get("telegramSendSilently")),
            "protect_content": as_bool(config.get("telegramProtectContent")),
            "link_preview_options": {"is_disabled": True},
        }
        if config.get("telegramMessageThreadID"):
            body["message_thread_id"] = config["telegramMessageThreadID"]
        if as_bool(config.get("telegramUseTemplate")):
            mode = text(config.get("telegramTemplateParseMode")) or "plain"
            variables = template_variables(msg, monitor, heartbeat)
            if mode == "MarkdownV2":
                variables = _escaped(variables)
            import liquid

            body["text"] = liquid.parse(text(config.get("telegramTemplate"))).render(**variables)
            if mode != "plain":
                body["parse_mode"] = mode
        await post_json(url, body)
        return SENT
