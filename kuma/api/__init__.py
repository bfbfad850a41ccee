"""Socket.IO event handlers, grouped by area. Each module has `register(hub, app)`.

Handlers are thin: check auth, validate, call a service or the store, reply, broadcast.
"""
from __future__ import annotations

from kuma.app import App, import_area

#: Handler modules in registration order.
API_MODULES = [
    "kuma.api.auth",
    "kuma.api.settings",
    "kuma.api.api_keys",
    "kuma.api.monitors",
    "kuma.api.tags",
    "kuma.api.monitor_events",
    "kuma.api.notifications",
    "kuma.api.proxies",
    "kuma.api.status_pages",
    "kuma.api.maintenance",
    "kuma.api.misc",
]


def register(web, app: App) -> None:
    hub = app.extensions.get("hub")
    if hub is None:  # no realtime server in this build
        return
    for name in API_MODULES:
        module = import_area(name)
        if module is not None:
            module.register(hub, app)
