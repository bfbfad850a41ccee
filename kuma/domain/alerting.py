"""Alerting settings of kuma's own (issue #22): dependencies, flapping, escalation, storm control.

Stored in kuma's tables (kuma/store/alerting.py); the live policy (`app.notifier.policy`) re-reads them
after every change. The checks here are what a client is told: unknown or foreign monitors and
notifications, a monitor depending on itself, and dependency cycles (named, e.g. "A → B → A").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.alerts.config import AlertingInputError, monitor_json, parse_monitor, parse_server, server_json
from kuma.domain.errors import DomainError
from kuma.domain.monitors import owned_row
from kuma.rules.dependencies import find_cycle
from kuma.store import alerting as store

if TYPE_CHECKING:
    from kuma.app import App


async def get_monitor(app: App, user_id: int, monitor_id: Any) -> dict[str, Any]:
    """The monitor's alerting settings and what the policy knows of it now."""
    row = await owned_row(app, user_id, monitor_id)
    policy = app.notifier.policy
    mid = int(row["id"])
    outage = policy.outages.get(mid)
    return {
        "alerting": monitor_json(policy.of(mid)),
        "flapping": policy.is_flapping(mid),
        "heldByUpstream": mid in policy.held,
        "dependants": sorted(d for d, ups in policy.edges.items() if mid in ups),
        "acknowledged": bool(outage and outage[0].acknowledged),
        "outage": outage is not None,
    }


def _save_job(user_id: int, monitor_id: int, data: Any):
    def job(db: Any) -> None:
        try:
            settings = parse_monitor(data)
        except AlertingInputError as exc:
            raise DomainError(str(exc)) from None
        upstreams = list(settings.depends_on)
        if monitor_id in upstreams:
            raise DomainError("A monitor cannot depend on itself")
        missing = set(upstreams) - store.existing_monitor_ids(db, upstreams, user_id)
        if missing:
            raise DomainError(f"Unknown upstream monitor: {min(missing)}")
        channels = list(settings.escalation.channels)
        unknown = set(channels) - store.existing_notification_ids(db, channels, user_id)
        if unknown:
            raise DomainError(f"Unknown notification: {min(unknown)}")
        cycle = find_cycle(store.all_dependencies(db), monitor_id, upstreams)
        if cycle:
            names = store.monitor_names(db, sorted(set(cycle)))
            raise DomainError("Dependency cycle: " + " → ".join(names.get(i, str(i)) for i in cycle))
        store.save_monitor(db, monitor_id, upstreams, monitor_json(settings))

    return job


async def save_monitor(app: App, user_id: int, monitor_id: Any, data: Any) -> dict[str, Any]:
    """Replace a monitor's alerting settings (refused as a whole when any part is wrong)."""
    row = await owned_row(app, user_id, monitor_id)
    await app.db.write(_save_job(user_id, int(row["id"]), data))
    await app.notifier.policy.load()
    return monitor_json(app.notifier.policy.of(int(row["id"])))


async def acknowledge(app: App, user_id: int, monitor_id: Any) -> None:
    """Stop the repeats and escalation of the monitor's current outage."""
    row = await owned_row(app, user_id, monitor_id)
    if not app.notifier.policy.acknowledge(int(row["id"])):
        raise DomainError("This monitor has no outage to acknowledge")


async def get_server(app: App) -> dict[str, Any]:
    return server_json(app.notifier.policy.storm)


async def save_server(app: App, data: Any) -> dict[str, Any]:
    """Change the keys sent; a call that sends none of them writes nothing."""
    if not isinstance(data, dict):
        raise DomainError("settings must be an object")
    if not set(data) & set(server_json(app.notifier.policy.storm)):
        return server_json(app.notifier.policy.storm)
    try:
        settings = parse_server(data, app.notifier.policy.storm)
    except AlertingInputError as exc:
        raise DomainError(str(exc)) from None
    await app.db.write(lambda db: store.save_server_settings(db, server_json(settings)))
    await app.notifier.policy.load()
    return server_json(app.notifier.policy.storm)
