"""The slim monitor list for kuma's dashboard (issue #14, `kuma.shapes.monitor_slim`), read without building
the full Monitor JSON: ten columns, the tree and the tags instead of ~120 columns, links and the tree.

Values are those the full monitor shows (`active` inherited through paused groups, `maintenance` through
the groups above), so `slim_monitor(full)` and this read give the same dict (tests compare them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlite_utils

from kuma.shapes.monitor import tag_item
from kuma.shapes.monitor_slim import integral
from kuma.store import monitor_lists
from kuma.views.monitors import load_tree

#: Columns read, in this order (`monitor_rows` appends `active` and `type`).
COLUMNS: list[str | None] = ["id", "name", "parent", "weight", "url", "hostname", "port", "dns_resolve_server"]


def load_slim_monitors(
    db: sqlite_utils.Database, user_id: int, under_maintenance: Callable[[int], bool]
) -> dict[str, dict[str, Any]]:
    """The user's monitors in slim form, keyed by id as a string, ascending ids (as `monitorList`)."""
    rows = monitor_lists.monitor_rows(db, COLUMNS, user_id=user_id)
    if not rows:
        return {}
    tree = load_tree(db)
    tags: dict[int, list[dict[str, Any]]] = {}
    for tag_id, monitor_id, value, name, color in monitor_lists.tag_rows_of(db, user_id=user_id):
        tags.setdefault(monitor_id, []).append(tag_item(tag_id, monitor_id, value, name, color))
    out: dict[str, dict[str, Any]] = {}
    for monitor_id, name, parent, weight, url, hostname, port, resolver, active, kind in rows:
        parents_active = tree.parents_active(monitor_id)
        out[str(monitor_id)] = {
            "id": monitor_id,
            "name": integral(name),
            "type": kind,
            "parent": integral(parent),
            "weight": integral(weight),
            "active": bool(active) and parents_active,
            "forceInactive": not parents_active,
            "maintenance": any(under_maintenance(i) for i in [monitor_id, *tree.ancestors(monitor_id)]),
            "url": integral(url),
            "hostname": integral(hostname),
            "port": integral(port),
            "dns_resolve_server": integral(resolver),
            "tags": tags.get(monitor_id, []),
        }
    return out
