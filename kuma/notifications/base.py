"""The interface every notification provider implements, and the registry that finds them by key.

A provider module defines a subclass of `Provider` and decorates it with `@register("telegram")`.
`send()` gets the notification's config (the stored form), the message text and, for monitor events,
the monitor JSON (non-sensitive) and the heartbeat JSON (both None for tests and expiry warnings). It
returns the text shown to the user ("Sent Successfully.") or raises `NotificationError` with one readable
message in Uptime Kuma's format. Providers with a fixed vendor URL take `api_url=` so tests can point them
at a local recorder.
"""
from __future__ import annotations

import importlib
import pkgutil
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


_REGISTRY: dict[str, type[Provider]] = {}
_LOADED: list[bool] = []


def register(key: str):
    """Class decorator: make `cls` the provider for `config.type == key`."""

    def decorator(cls: type[Provider]) -> type[Provider]:
        cls.key = key
        _REGISTRY[key] = cls
        return cls

    return decorator


def _load_all() -> None:
    if _LOADED:
        return
    _LOADED.append(True)
    import kuma.notifications.providers as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    from kuma.notifications import apprise_bridge

    for key in apprise_bridge.MAPPERS:
        if key not in _REGISTRY:
            _REGISTRY[key] = apprise_bridge.bridged_provider_class(key)


def get_provider_class(key: Any) -> type[Provider] | None:
    _load_all()
    return _REGISTRY.get(key) if isinstance(key, str) else None


def get_provider(key: Any, api_url: str | None = None) -> Provider | None:
    """A provider instance for `config.type`, or None when kuma cannot send for that key."""
    cls = get_provider_class(key)
    return cls(api_url) if cls else None


def provider_keys() -> list[str]:
    _load_all()
    return sorted(_REGISTRY)


def is_native(key: str) -> bool:
    cls = get_provider_class(key)
    return cls is not None and not getattr(cls, "bridged", False)


async def send_notification(config: dict[str, Any], msg: str, monitor: dict | None = None,
                            heartbeat: dict | None = None) -> str:
    """Dispatch to the provider named by `config["type"]`; unknown keys fail like Uptime Kuma."""
    provider = get_provider(config.get("type"))
    if provider is None:
        if config.get("type") in known_spec_keys():
            raise NotificationError(f"Notification type {config.get('type')} is not supported yet")
        raise NotificationError("Notification type is not supported")
    return await provider.send(config, msg, monitor, heartbeat)


def known_spec_keys() -> frozenset[str]:
    """Every provider key Uptime Kuma 2.5.3 has (stored unchanged even when kuma cannot send yet)."""
    from kuma.notifications.keys import SPEC_KEYS

    return SPEC_KEYS


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
    return bool(heartbeat) and heartbeat.get("status") == UP


def is_down(heartbeat: dict | None) -> bool:
    return bool(heartbeat) and heartbeat.get("status") == DOWN


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

    def __init__(self, method: str, url: str, *, json_body: Any = None, data: dict | None = None,
                 params: dict | None = None, headers: dict | None = None) -> None:
        self.method, self.url, self.json_body, self.data = method, url, json_body, data
        self.params, self.headers = params, headers


class SimpleProvider(Provider):
    """A provider that is one HTTP request: subclasses only say which (`call`)."""

    def call(self, config: dict[str, Any], msg: str, monitor: dict | None, heartbeat: dict | None) -> Call:
        raise NotImplementedError

    def vendor(self, path: str = "") -> str:
        """The fixed vendor URL (or the injected one) plus a path."""
        return self.api_url + path

    async def send(self, config: dict[str, Any], msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        from kuma.notifications.http import request

        call = self.call(config, msg, monitor, heartbeat)
        await request(call.method, call.url, json_body=call.json_body, data=call.data, params=call.params,
                      headers=call.headers)
        return SENT


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
