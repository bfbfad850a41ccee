"""kuma's slim monitor (issue #14): the few keys of Uptime Kuma's Monitor JSON that kuma's dashboard needs for
its list, sidebar, counts, filters and search, sent to light-start sockets in place of the whole monitor.

The full monitor is ~2.5 kB (119 keys): 25 MB of `monitorList` at 10,000 monitors, nearly all of it fields
only the edit form shows, and the dashboard fetches those with `getMonitor` when a page needs them. Each
value here is the full monitor's value for the same key (`slim_monitor` picks them; the slim read in
`kuma.views.monitor_slim` builds the same dict without building the full one: tests compare both).
"""

from __future__ import annotations

from typing import Any

#: The keys, in this order: the list (name, tree, status, tags, search by url/hostname/resolver), the
#: detail header (type, target) and the group pickers of the forms.
SLIM_KEYS: tuple[str, ...] = (
    "id",
    "name",
    "type",
    "parent",
    "weight",
    "active",
    "forceInactive",
    "maintenance",
    "url",
    "hostname",
    "port",
    "dns_resolve_server",
    "tags",
)


def slim_monitor(monitor: dict[str, Any]) -> dict[str, Any]:
    """The slim form of one full Monitor JSON."""
    return {key: monitor.get(key) for key in SLIM_KEYS}


def slim_entries(entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A `monitorList` / `updateMonitorIntoList` payload (id → monitor) in slim form, same keys and order."""
    return {key: slim_monitor(monitor) for key, monitor in entries.items()}


def integral(value: Any) -> Any:
    """As the Monitor JSON shows a raw column: an integral float as an integer."""
    if value.__class__ is float and value.is_integer():
        return int(value)
    return value
