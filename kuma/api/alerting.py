"""kuma-only Socket.IO events for smarter alerts (issue #22). Uptime Kuma's clients never send these, and
nothing here changes what they receive: monitor objects keep Uptime Kuma's exact shape.

- `getMonitorAlerting(monitorID)` → `{ok, alerting, flapping, heldByUpstream, dependants, outage, acknowledged}`
- `setMonitorAlerting(monitorID, alerting)` → `{ok, msg, alerting}`
- `acknowledgeMonitor(monitorID)` → `{ok, msg}`: stops repeats and escalation of the current outage
- `getAlertSettings()` / `setAlertSettings(settings)` → `{ok, settings}`: storm control
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.api.common import Events, ok, require_login
from kuma.domain import alerting as domain

if TYPE_CHECKING:
    from kuma.app import App

events = Events()


@events.login("getMonitorAlerting")
async def get_monitor_alerting(app: App, sock: Any, monitor_id: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(**await domain.get_monitor(app, require_login(sock), monitor_id))


@events.login("setMonitorAlerting")
async def set_monitor_alerting(
    app: App, sock: Any, monitor_id: Any = None, alerting: Any = None, *rest: Any
) -> dict[str, Any]:
    saved = await domain.save_monitor(app, require_login(sock), monitor_id, alerting)
    return ok(msg="Saved.", alerting=saved)


@events.login("acknowledgeMonitor")
async def acknowledge_monitor(app: App, sock: Any, monitor_id: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.acknowledge(app, require_login(sock), monitor_id)
    return ok(msg="Acknowledged.")


@events.login("getAlertSettings")
async def get_alert_settings(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    return ok(settings=await domain.get_server(app))


@events.login("setAlertSettings")
async def set_alert_settings(app: App, sock: Any, settings: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(msg="Saved.", settings=await domain.save_server(app, settings))


def register(hub: Any, app: App) -> None:
    """Every alerting event on the hub."""
    events.register(hub, app)
