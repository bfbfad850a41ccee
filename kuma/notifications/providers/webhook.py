"""webhook: POST {heartbeat, monitor, msg} as JSON, as a multipart `data` field, or a custom Liquid body."""

from __future__ import annotations

import json
from typing import Any

from kuma.notifications.base import SENT, NotificationError, Provider, register, text
from kuma.notifications.http import dumps, request
from kuma.notifications.templates import render


def additional_headers(raw: Any) -> dict[str, str]:
    if raw in (None, ""):
        return {}
    try:
        headers = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise NotificationError("Additional Headers is not a valid JSON") from None
    if not isinstance(headers, dict):
        raise NotificationError("Additional Headers is not a valid JSON")
    return {str(k): text(v) for k, v in headers.items()}


@register("webhook")
class Webhook(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        url = text(config.get("webhookURL"))
        method = (text(config.get("httpMethod")) or "post").lower()
        headers = additional_headers(config.get("webhookAdditionalHeaders"))
        payload = {"heartbeat": heartbeat, "monitor": monitor, "msg": msg}
        kind = config.get("webhookContentType") or "json"
        if method == "get":
            params = {"msg": msg, "heartbeat": dumps(heartbeat), "monitor": dumps(monitor)}
            await request("GET", url, params=params, headers=headers)
        elif kind == "form-data":
            await request(method, url, files={"data": (None, dumps(payload))}, headers=headers)
        elif kind == "custom":
            body = render(text(config.get("webhookCustomBody")), msg, monitor, heartbeat)
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json" if _is_json(body) else "text/plain"
            await request(method, url, content=body, headers=headers)
        else:
            await request(method, url, json_body=payload, headers=headers)
        return SENT


def _is_json(body: str) -> bool:
    try:
        json.loads(body)
        return True
    except ValueError:
        return False
