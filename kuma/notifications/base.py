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
from collections.abc import Callable
from typing import Any

from kuma.notifications import apprise_bridge
from kuma.notifications.common import (
    DOWN,
    MAINTENANCE,
    PENDING,
    SENT,
    UP,
    Call,
    NotificationError,
    Provider,
    as_bool,
    as_int,
    is_down,
    is_up,
    monitor_url,
    require,
    split_list,
    status_word,
    text,
    time_field,
)
from kuma.notifications.keys import SPEC_KEYS

__all__ = [
    "DOWN",
    "MAINTENANCE",
    "PENDING",
    "SENT",
    "UP",
    "Call",
    "NotificationError",
    "Provider",
    "as_bool",
    "as_int",
    "is_down",
    "is_up",
    "monitor_url",
    "require",
    "split_list",
    "status_word",
    "text",
    "time_field",
    "register",
    "get_provider",
    "get_provider_class",
    "provider_keys",
    "is_native",
    "send_notification",
    "known_spec_keys",
]

_REGISTRY: dict[str, type[Provider]] = {}
_LOADED: list[bool] = []


def register(key: str) -> Callable[[type[Provider]], type[Provider]]:
    """Class decorator: make `cls` the provider for `config.type == key`."""

    def decorator(cls: type[Provider]) -> type[Provider]:
        cls.key = key
        _REGISTRY[key] = cls
        return cls

    return decorator


def _load_all() -> None:
    """Import every provider module once (they register themselves), then bridge the keys left to apprise."""
    if _LOADED:
        return
    _LOADED.append(True)
    import kuma.notifications.providers as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
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


async def send_notification(
    config: dict[str, Any], msg: str, monitor: dict | None = None, heartbeat: dict | None = None
) -> str:
    """Dispatch to the provider named by `config["type"]`; unknown keys fail like Uptime Kuma."""
    provider = get_provider(config.get("type"))
    if provider is None:
        if config.get("type") in known_spec_keys():
            raise NotificationError(f"Notification type {config.get('type')} is not supported yet")
        raise NotificationError("Notification type is not supported")
    return await provider.send(config, msg, monitor, heartbeat)


def known_spec_keys() -> frozenset[str]:
    """Every provider key Uptime Kuma 2.5.3 has (stored unchanged even when kuma cannot send yet)."""
    return SPEC_KEYS
