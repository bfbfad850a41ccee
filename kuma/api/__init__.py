"""Socket.IO event handlers, grouped by area. Each module has `register(hub, app)`.

Handlers are thin: check auth, validate, call a service or the store, reply, broadcast.
"""
from __future__ import annotations

from kuma.api import (
    api_keys,
    auth,
    maintenance,
    misc,
    monitor_events,
    monitors,
    notifications,
    proxies,
    settings,
    status_pages,
    tags,
)
from kuma.app import App

#: Handler modules in registration order.
API_MODULES = (auth, settings, api_keys, monitors, tags, monitor_events, notifications, proxies, status_pages,
               maintenance, misc)


def register(web, app: App) -> None:
    """Every handler module on the one hub (`web` is unused: handlers are Socket.IO events, not routes)."""
    for module in API_MODULES:
        module.register(app.hub, app)
