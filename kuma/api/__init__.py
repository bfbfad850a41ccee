"""Socket.IO event handlers, grouped by area. Each module has `register(hub, app)`, which binds its
`events = Events()` table of module-level handlers (`kuma/api/common.py`) to the app.

Handlers are thin: parse the arguments, call `kuma.domain.<area>` (validation, store, engine), shape the
ack, send the list events where Uptime Kuma sends them. No SQL here: reads go through `kuma.store`.
"""

from __future__ import annotations

from kuma.api import (
    alerting,
    api_keys,
    auth,
    light_start,
    maintenance,
    misc,
    monitor_events,
    monitors,
    notifications,
    proxies,
    reports,
    settings,
    status_pages,
    tags,
)
from kuma.app import App

#: Handler modules in registration order.
API_MODULES = (
    auth,
    settings,
    api_keys,
    monitors,
    tags,
    monitor_events,
    notifications,
    proxies,
    status_pages,
    maintenance,
    misc,
    alerting,
    reports,
    light_start,
)


def register(web, app: App) -> None:
    """Every handler module on the one hub (`web` is unused: handlers are Socket.IO events, not routes)."""
    for module in API_MODULES:
        module.register(app.hub, app)
