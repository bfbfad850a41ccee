"""`mqtt`: subscribe to `mqttTopic` on the broker and judge the first message that arrives.

`mqttCheckType` `keyword` (default): UP when the message contains `mqttSuccessMessage`; `json-query`: the
message is JSON, `jsonPath` (JSONata) of it must equal `expectedValue` as text; with conditions, the
variables `topic`, `message` and `json_value` decide. Like Uptime Kuma, the wait for a message lasts
interval × 0.8 (`Timeout, Message not received`). MQTT 3.1.1 is spoken directly over Trio (TCP, mqtts://
TLS, ws:// and wss:// WebSocket through trio-websocket): no thread, no driver.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import trio

from kuma.monitors._common import effective_timeout, interval_seconds
from kuma.monitors._driver import transport_text
from kuma.monitors._mqtt_session import broker_url, first_message, open_transport
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register
from kuma.monitors.dns import evaluate_conditions, parse_conditions
from kuma.monitors.json_query import js_string

#: A check is cut by the engine at its timeout + 10 s; the message wait ends a little before that.
_ENGINE_MARGIN = 5.0


def js_to_string(value: Any) -> str:
    """`${value}` in JavaScript for a JSONata result (undefined → "undefined", arrays joined by commas)."""
    if value is None:
        return "undefined"
    if isinstance(value, list):
        return ",".join("" if v is None else js_to_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return js_string(value)


def _jsonata(expression: str, data: Any) -> Any:
    import jsonata

    return jsonata.Jsonata(expression).evaluate(data)


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        from kuma.rules.js_json import js_json_error

        raise CheckFailed(js_json_error(text) or "Unexpected end of JSON input") from None


def keyword_verdict(monitor: Mapping[str, Any], topic: str, message: str) -> str:
    needle = monitor.get("mqtt_success_message")
    if message is not None and ("null" if needle is None else str(needle)) in message:
        return f"Topic: {topic}; Message: {message}"
    raise CheckFailed(f"Message Mismatch - Topic: {monitor.get('mqtt_topic')}; Message: {message}")


def json_query_verdict(monitor: Mapping[str, Any], message: str) -> str:
    result = _jsonata(str(monitor.get("json_path") or ""), _parse_json(message))
    if result is not None and js_to_string(result) == monitor.get("expected_value"):
        return "Message received, expected value is found"
    raise CheckFailed(f"Message received but value is not equal to expected value, value was: [{js_to_string(result)}]")


def conditions_verdict(monitor: Mapping[str, Any], conditions: list, topic: str, message: str) -> str:
    json_value = ""
    if monitor.get("json_path"):
        try:
            value = _jsonata(str(monitor["json_path"]), json.loads(message))
            json_value = "" if value is None else js_to_string(value)
        except Exception:  # as in Uptime Kuma: an unparsable message leaves json_value empty
            json_value = ""
    if evaluate_conditions(conditions, {"topic": topic, "message": message, "json_value": json_value}):
        return f"Topic: {topic}; Message: {message}"
    raise CheckFailed(f"Conditions not met - Topic: {topic}; Message: {message}")


def verdict(monitor: Mapping[str, Any], topic: str, message: str) -> str:
    conditions = parse_conditions(monitor.get("conditions"))
    check_type = monitor.get("mqtt_check_type") or "keyword"
    if conditions:
        return conditions_verdict(monitor, conditions, topic, message)
    if check_type == "keyword":
        return keyword_verdict(monitor, topic, message)
    if check_type == "json-query":
        return json_query_verdict(monitor, message)
    raise CheckFailed("Unknown MQTT Check Type")


async def receive(monitor: Mapping[str, Any], url: str, now: datetime) -> tuple[str, str, dict[str, Any] | None]:
    async with open_transport(url, now) as transport:
        topic, message = await first_message(
            transport,
            str(monitor.get("mqtt_topic") or ""),
            monitor.get("mqtt_username") or None,
            monitor.get("mqtt_password") or None,
        )
        return topic, message, transport.tls_info


@register("mqtt")
class Mqtt(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        url = broker_url(str(monitor.get("hostname") or ""), monitor.get("port"), monitor.get("mqtt_websocket_path"))
        wait = min(interval_seconds(monitor) * 0.8, effective_timeout(monitor) + _ENGINE_MARGIN)
        host = url.split("://", 1)[-1].rsplit(":", 1)[0]
        with trio.move_on_after(wait):
            try:
                topic, message, info = await receive(monitor, url, ctx.utcnow())
            except CheckFailed:
                raise
            except (OSError, trio.BrokenResourceError, ssl.SSLError) as exc:
                raise CheckFailed(transport_text(exc, host, monitor.get("port")) or str(exc)) from None
            except Exception as exc:  # WebSocket handshake refusals and the like
                raise CheckFailed(transport_text(exc, host, monitor.get("port")) or str(exc)) from None
            return CheckResult(msg=verdict(monitor, topic, message), tls_info=info)
        raise CheckFailed("Timeout, Message not received")
