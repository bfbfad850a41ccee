"""Monitor JSON for lists and events: one reader job per batch, shaped by `kuma.shapes.monitor`.

`load_monitor_jsons` reads everything a batch of monitors needs in one read (rows in key order, links,
the tree); `monitor_list(app, user_id)` is what the login burst and `getMonitorList` send.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container
from typing import TYPE_CHECKING, Any

import sqlite_utils

from kuma.shapes.monitor import MonitorTree, Plan, TreeNode, build_tree, monitor_extras, tag_item
from kuma.store import monitor_lists
from kuma.store.monitor_ids import user_monitor_ids_after
from kuma.store.settings import get_raw_setting

if TYPE_CHECKING:
    from kuma.app import App


def load_tree(db: sqlite_utils.Database) -> MonitorTree:
    """The whole group tree (paths, descendants, inherited pause) from one query."""
    return build_tree(monitor_lists.tree_rows(db))


@functools.lru_cache(maxsize=8)
def _plan(columns: frozenset[str]) -> Plan:
    """One Plan per column set (the schema does not change while the server runs)."""
    return Plan(set(columns))


def load_tree_around(db: sqlite_utils.Database, ids: list[int], groups: list[int]) -> MonitorTree:
    """The part of the tree a few monitors' JSON needs (their ancestors, the groups' descendants), not all."""
    return build_tree(monitor_lists.tree_rows_around(db, ids, groups))


#: Up to this many ids, a monitor JSON batch reads only the tree around them (an add, an edit).
TREE_AROUND_LIMIT = 100


def load_monitor_jsons(
    db: sqlite_utils.Database,
    *,
    user_id: int | None = None,
    ids: list[int] | None = None,
    under_maintenance: Callable[[int], bool] | None = None,
    include_sensitive: bool = True,
) -> dict[int, dict[str, Any]]:
    """Monitor JSON for the user's monitors (or the given ids), keyed by id in ascending id order."""
    if ids is not None and not ids:
        return {}
    plan = _plan(frozenset(monitor_lists.monitor_column_names(db)))
    rows = monitor_lists.monitor_rows(db, plan.columns, user_id=user_id, ids=ids)
    if not rows:
        return {}
    if ids is None or len(ids) > TREE_AROUND_LIMIT:
        tree = load_tree(db)
    else:
        tree = load_tree_around(db, ids, [row[0] for row in rows if row[-1] == "group"])
    notifications = monitor_lists.notification_ids_of(db, user_id=user_id, ids=ids)
    tags: dict[int, list[dict[str, Any]]] = {}
    for tag_id, monitor_id, value, name, color in monitor_lists.tag_rows_of(db, user_id=user_id, ids=ids):
        tags.setdefault(monitor_id, []).append(tag_item(tag_id, monitor_id, value, name, color))
    jwt_secret = get_raw_setting(db, "jwtSecret") if any(r[-1] == "real-browser" for r in rows) else None

    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        monitor_id = row[0]
        in_maintenance = False
        if under_maintenance is not None:
            in_maintenance = any(under_maintenance(i) for i in [monitor_id, *tree.ancestors(monitor_id)])
        extras = monitor_extras(
            monitor_id,
            row[-2],
            row[-1],
            tree,
            notification_ids=notifications.get(monitor_id, []),
            tags=tags.get(monitor_id, []),
            in_maintenance=in_maintenance,
            jwt_secret=jwt_secret,
        )
        out[monitor_id] = plan.build(row, extras, include_sensitive)
    return out


def new_root_monitor_json(
    db: sqlite_utils.Database,
    row: dict[str, Any],
    notification_ids: list[int],
    under_maintenance: Callable[[int], bool] | None = None,
) -> dict[str, Any]:
    """Monitor JSON of a monitor just inserted without a parent, from its stored row (the INSERT's own
    RETURNING): no tags, no children, no ancestors yet, so nothing else needs reading (an `add`)."""
    plan = _plan(frozenset(row))
    monitor_id, active, monitor_type = row["id"], row["active"], row["type"]
    tree = MonitorTree([TreeNode(monitor_id, row["name"], None, bool(active))])
    jwt_secret = get_raw_setting(db, "jwtSecret") if monitor_type == "real-browser" else None
    extras = monitor_extras(
        monitor_id,
        active,
        monitor_type,
        tree,
        notification_ids=notification_ids,
        tags=[],
        in_maintenance=under_maintenance is not None and under_maintenance(monitor_id),
        jwt_secret=jwt_secret,
    )
    values = tuple(None if column is None else row[column] for column in plan.columns)
    return plan.build(values, extras, True)


def maintenance_checker(app: App) -> Callable[[int], bool]:
    """The maintenance service's cached check, made safe to call while building a list."""
    check = app.maintenance.is_under_maintenance

    def safe(monitor_id: int) -> bool:
        try:
            return bool(check(monitor_id))
        except Exception:  # never let a maintenance glitch break the monitor list
            return False

    return safe


async def monitor_list(app: App, user_id: int) -> dict[str, dict[str, Any]]:
    """`monitorList` payload: every monitor of the user, keyed by id as a string, ascending ids."""
    checker = maintenance_checker(app)
    by_id = await app.db.read(lambda db: load_monitor_jsons(db, user_id=user_id, under_maintenance=checker))
    return {str(k): v for k, v in by_id.items()}


async def monitor_entries(app: App, ids: list[int], *, user_id: int | None = None) -> dict[str, dict[str, Any]]:
    """`updateMonitorIntoList` payload for some monitors (missing ids are left out)."""
    checker = maintenance_checker(app)
    by_id = await app.db.read(
        lambda db: load_monitor_jsons(db, user_id=user_id, ids=list(ids), under_maintenance=checker)
    )
    return {str(k): v for k, v in by_id.items()}


async def monitor_entries_after(
    app: App, user_id: int, after: int, known: Container[int] = frozenset()
) -> tuple[list[int], dict[str, dict[str, Any]]]:
    """The ids of the user's monitors above `after` (added since a `monitorList` ending there), ascending,
    and the entries of those not `known` (the caller holds theirs already, e.g. encoded by their `add`)."""
    checker = maintenance_checker(app)

    def read(db: sqlite_utils.Database) -> tuple[list[int], dict[int, dict[str, Any]]]:
        ids = user_monitor_ids_after(db, user_id, after)
        unknown = [i for i in ids if i not in known]
        return ids, load_monitor_jsons(db, user_id=user_id, ids=unknown, under_maintenance=checker)

    ids, by_id = await app.db.read(read)
    return ids, {str(k): v for k, v in by_id.items()}


async def monitor_public_json(app: App, monitor_id: int) -> dict[str, Any] | None:
    """The non-sensitive variant notifications receive (90 keys, includeSensitiveData false)."""
    checker = maintenance_checker(app)
    by_id = await app.db.read(
        lambda db: load_monitor_jsons(db, ids=[monitor_id], under_maintenance=checker, include_sensitive=False)
    )
    return by_id.get(monitor_id)
