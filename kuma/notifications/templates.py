"""Liquid templates of provider forms (`…Template`, custom bodies) and the variables they see.

Variables (spec "Common contract"): `msg`, `name`, `status` ("🔴 Down" | "✅ Up" | "⚠️ Test"),
`hostnameOrURL`, their upper-case aliases `NAME`, `STATUS`, `HOSTNAME_OR_URL`, and the objects
`monitorJSON`, `heartbeatJSON`. python-liquid is imported lazily (only when a template is rendered).
"""

from __future__ import annotations

from typing import Any

from kuma.notifications.base import DOWN, UP, NotificationError, as_bool, text

STATUS_DOWN = "🔴 Down"
STATUS_UP = "✅ Up"
STATUS_TEST = "⚠️ Test"


def status_label(heartbeat: dict | None) -> str:
    if not heartbeat:
        return STATUS_TEST
    return STATUS_UP if heartbeat.get("status") == UP else STATUS_DOWN


def hostname_or_url(monitor: dict | None) -> str:
    """What a message names as the monitored target, by monitor type."""
    if not monitor:
        return ""
    kind = monitor.get("type")
    if kind == "push":
        return "Heartbeat"
    if kind in ("ping", "dns", "tailscale-ping"):
        return str(monitor.get("hostname") or "")
    if kind in ("port", "gamedig", "steam"):
        host = str(monitor.get("hostname") or "")
        return f"{host}:{monitor['port']}" if monitor.get("port") else host
    if kind == "globalping":
        if monitor.get("subtype") in ("ping", "dns"):
            return str(monitor.get("hostname") or "")
        return str(monitor.get("url") or "")
    url = monitor.get("url")
    if url and url != "https://":
        return str(url)
    return str(monitor.get("hostname") or "")


def template_variables(msg: str, monitor: dict | None, heartbeat: dict | None) -> dict[str, Any]:
    """The names a custom template may use, in both of Uptime Kuma's spellings (`name` and `NAME` …)."""
    name = monitor.get("name") if monitor else None
    status = status_label(heartbeat)
    target = hostname_or_url(monitor)
    return {
        "msg": msg,
        "name": name,
        "status": status,
        "hostnameOrURL": target,
        "NAME": name,
        "STATUS": status,
        "HOSTNAME_OR_URL": target,
        "monitorJSON": monitor,
        "heartbeatJSON": heartbeat,
    }


def render(template: str, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
    """Render a Liquid template; a broken template is a send error the user can read."""
    import liquid  # heavy: lazily

    try:
        return liquid.parse(template or "").render(**template_variables(msg, monitor, heartbeat))
    except Exception as exc:  # liquid raises its own error classes
        raise NotificationError(f"Error rendering template: {exc}") from exc


def templated_message(config: dict, prefix: str, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
    """The text to send: `msg`, or the form's `<prefix>Template` rendered when `<prefix>UseTemplate` is on."""
    if as_bool(config.get(f"{prefix}UseTemplate")):
        return render(text(config.get(f"{prefix}Template")), msg, monitor, heartbeat)
    return msg


def is_down_beat(heartbeat: dict | None) -> bool:
    return bool(heartbeat and heartbeat.get("status") == DOWN)
