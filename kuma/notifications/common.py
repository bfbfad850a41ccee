"""What providers, the HTTP helper and the apprise bridge share: the Provider interface, the error type and
small form/heartbeat helpers. It imports nothing of kuma.notifications, so every module can import it
without a cycle (the registry in `base.py` sits above it, the providers above that).
"""

from __future__ import annotations

from typing import Any, ClassVar

from kuma.status import DOWN as DOWN  # the one definition, re-exported here
from kuma.status import MAINTENANCE as MAINTENANCE
from kuma.status import PENDING as PENDING
from kuma.status import UP as UP

SENT = "Sent Successfully."


class NotificationError(Exception):
    """A send failed; the message is what the user sees (testNotification ack, logs)."""


class Provider:
    """Base class. `key` is the `config.type` value (case-sensitive, as in Uptime Kuma)."""

    key: ClassVar[str] = ""
    #: The vendor endpoint for providers whose URL is not part of the form.
    default_api_url: ClassVar[str] = ""

    def __init__(self, api_url: str | None = None) -> None:
        self.api_url = api_url or self.default_api_url

    async def send(self, config: dict[str, Any], msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        raise NotificationError("Notification type is not supported")


# -- small helpers providers share ---------------------------------------------------------------


def as_bool(value: Any) -> bool:
    """Form values arrive as bools, "true"/"false", 0/1 or missing."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def text(value: Any) -> str:
    return "" if value is None else str(value)


def is_up(heartbeat: dict | None) -> bool:
    return bool(heartbeat and heartbeat.get("status") == UP)


def is_down(heartbeat: dict | None) -> bool:
    return bool(heartbeat and heartbeat.get("status") == DOWN)


def time_field(heartbeat: dict | None) -> tuple[str, str]:
    """("Time (<tz>)", localDateTime) for message bodies that show the event time."""
    heartbeat = heartbeat or {}
    return f"Time ({heartbeat.get('timezone') or 'UTC'})", text(heartbeat.get("localDateTime"))


def monitor_url(monitor: dict | None) -> str | None:
    """The monitor's http(s) URL when it has one (links in rich messages)."""
    url = (monitor or {}).get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")) and url != "https://":
        return url
    return None


def split_list(value: Any) -> list[str]:
    """Comma/space separated form lists ("a, b,c") → ["a", "b", "c"]."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in text(value).replace(";", ",").split(",") if part.strip()]


class Call:
    """One HTTP request a simple provider wants sent (see SimpleProvider)."""

    __slots__ = ("method", "url", "json_body", "data", "params", "headers")

    def __init__(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        data: dict | None = None,
        params: dict | None = None,
        headers: dict | None = None,
    ) -> None:
        self.method, self.url, self.json_body, self.data = method, url, json_body, data
        self.params, self.headers = params, headers


def require(config: dict[str, Any], *fields: str) -> list[str]:
    """The stripped text of required form fields, or a NotificationError naming the missing ones."""
    values = [text(config.get(f)).strip() for f in fields]
    missing = [f for f, v in zip(fields, values) if not v]
    if missing:
        raise NotificationError(f"Missing required field(s): {', '.join(missing)}")
    return values


def status_word(heartbeat: dict | None, up: str = "UP", down: str = "DOWN", test: str = "TEST") -> str:
    if heartbeat is None:
        return test
    return up if heartbeat.get("status") == UP else down
