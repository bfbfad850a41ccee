"""Monitor operations (socketio-events.md §3.2): add, edit, get, pause, resume, delete, beats, clearing.

Input rules run inside the write job (`kuma/rules/validate.py`), so a refusal stores nothing. After a
change the engine (`app.monitoring`) is told to start/stop/restart, and `app.maintenance.changed()` when
the group tree changed (maintenance is inherited through groups). Changed and deleted monitors are
announced through `MonitorChanges` at the moment Uptime Kuma sends its list events, so the caller's
events keep Uptime Kuma's order relative to the engine calls.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from kuma.domain.errors import DomainError, sql_error
from kuma.domain.values import to_int
from kuma.monitoring.boot import load_running
from kuma.monitoring.record import MonitorRecord
from kuma.rules.validate import MonitorInputError, add_input, edit_input, notification_ids, validate_monitor
from kuma.store import heartbeats as beats_store
from kuma.store import monitors_write as store
from kuma.store.monitors import proxy_for
from kuma.views.monitors import (
    load_monitor_jsons,
    load_tree,
    maintenance_checker,
    monitor_entries,
    new_root_monitor_json,
)

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)

NOT_OWNER = "You do not own this monitor."
HEARTBEAT_LIST_LIMIT = 100
T = TypeVar("T")


class MonitorChanges(Protocol):
    """Where changed monitors are announced (the Socket.IO layer: the owner's room)."""

    async def updated(self, monitor_id: int, entries: dict[str, dict[str, Any]] | None = None) -> None:
        """`entries`: the monitor's list entry when the caller built it already (an add, in its write job)."""

    async def deleted(self, monitor_id: int) -> None: ...


class _Silent:
    async def updated(self, monitor_id: int, entries: dict[str, dict[str, Any]] | None = None) -> None:
        return None

    async def deleted(self, monitor_id: int) -> None:
        return None


#: Announce nothing (callers that send their own list afterwards, tests).
SILENT: MonitorChanges = _Silent()


# -- helpers -----------------------------------------------------------------------------------------


async def engine(action: Callable[..., Awaitable[object]], monitor_id: int, *loaded: Any) -> None:
    """Run one of the engine's start_monitor / stop_monitor / restart_monitor; a scheduling hiccup is logged,
    never the caller's error (the change is stored already). `loaded`: what the engine would read, read by
    the caller's job."""
    try:
        await action(monitor_id, *loaded)
    except Exception:
        log.exception("%s(%s) failed", getattr(action, "__name__", action), monitor_id)


def tree_changed(app: App) -> None:
    """Maintenance is inherited through groups: tell the maintenance service the monitor tree changed."""
    app.maintenance.changed()


async def write(app: App, job: Callable[[Any], T], *, additive: bool = False) -> T:
    """Run a write job; input errors and SQL errors become a DomainError (nothing stored).
    `additive`: the job only inserts a monitor that no other monitor's JSON shows (see `Database.write`)."""
    try:
        return await app.db.write(job, additive=additive)
    except MonitorInputError as exc:
        raise DomainError(str(exc)) from None
    except sqlite3.Error as exc:
        raise sql_error(exc) from None


async def owned_row(app: App, user_id: int, monitor_id: Any) -> dict[str, Any]:
    """The user's monitor row, or DomainError("You do not own this monitor.") (also for unknown ids)."""
    number = to_int(monitor_id)
    row = None if number is None else await app.db.read(lambda db: store.get_monitor_row(db, number))
    if row is None or row.get("user_id") != user_id:
        raise DomainError(NOT_OWNER)
    return row


def period_hours(period: Any) -> float:
    """The `period` argument of the beat/chart reads in hours, or DomainError("Invalid period.")."""
    if period is None or isinstance(period, bool):
        raise DomainError("Invalid period.")
    try:
        hours = float(period)
    except (TypeError, ValueError):
        raise DomainError("Invalid period.") from None
    if hours != hours or hours < 0:  # NaN or negative
        raise DomainError("Invalid period.")
    return hours


# -- changes -----------------------------------------------------------------------------------------


def _entries_read(db: Any, user_id: int, monitor_id: int, checker: Callable[[int], bool]) -> dict[str, Any]:
    """A new monitor's list entry read in its write job (a monitor in a group: the tree is read too)."""
    built = load_monitor_jsons(db, user_id=user_id, ids=[monitor_id], under_maintenance=checker)
    return {str(k): v for k, v in built.items()}


def _running_read(db: Any, monitor_id: int) -> tuple[Any, tuple[Any]]:
    """What the engine reads to start a monitor, read in the write job that made it."""
    return load_running(db, monitor_id), (beats_store.latest(db, monitor_id),)


async def add(app: App, user_id: int, data: Any, changes: MonitorChanges = SILENT) -> int:
    """Create a monitor from the client's object; started unless sent inactive. Returns its id."""

    announce = changes is not SILENT
    checker = maintenance_checker(app)

    def job(db: Any) -> tuple[int, bool, dict[str, dict[str, Any]] | None, Any]:
        fields, notifications, start = add_input(data, store.monitor_columns(db))
        parent = fields.get("parent")
        if parent is not None and store.get_monitor_row(db, parent) is None:
            raise MonitorInputError("Invalid Monitor Group")
        validate_monitor({"interval": 20, "retry_interval": 20, **fields})
        row, linked = store.insert_monitor_row(db, user_id, fields, notifications)
        monitor_id = int(row["id"])
        if parent is not None:  # in a group: its path, inherited pause and the group's JSON need the tree
            entries = _entries_read(db, user_id, monitor_id, checker) if announce else None
            return monitor_id, start, entries, _running_read(db, monitor_id) if start else None
        # at the root: shaped from the stored row the INSERT returned, nothing read back; a new id (the ids
        # are AUTOINCREMENT) has no ancestors, no tags and no beats yet
        entries = {str(monitor_id): new_root_monitor_json(db, row, linked, checker)} if announce else None
        return monitor_id, start, entries, ((MonitorRecord.of(row), [], proxy_for(db, row)), (None,)) if start else None

    # without a parent the new monitor shows in no other monitor's JSON (no childrenIDs, paths, inherited pause)
    root = isinstance(data, dict) and data.get("parent") is None
    monitor_id, start, entries, loaded = await write(app, job, additive=root)
    if not root:
        tree_changed(app)
    await changes.updated(monitor_id, entries)
    if start:
        await engine(app.monitoring.start_monitor, monitor_id, *loaded)
    return monitor_id


def _edit_job(user_id: int, monitor_id: int | None, data: Any) -> Callable[[Any], tuple[list[int], bool, bool]]:
    """The editMonitor write job → (children unlinked, runnable now, tree changed)."""

    def job(db: Any) -> tuple[list[int], bool, bool]:
        row = None if monitor_id is None else store.get_monitor_row(db, monitor_id)
        if row is None or monitor_id is None:
            raise MonitorInputError("Cannot read properties of null (reading 'user_id')")
        if row["user_id"] != user_id:
            raise MonitorInputError("Permission denied.")
        fields = edit_input(data, store.monitor_columns(db))
        parent = fields.get("parent", row.get("parent"))
        if parent is not None:
            tree = load_tree(db)
            if parent == monitor_id or parent in tree.descendants(monitor_id) or parent not in tree.nodes:
                raise MonitorInputError("Invalid Monitor Group")
        merged = {**row, **fields}
        validate_monitor(merged, sent=set(fields))
        store.update_monitor(db, monitor_id, fields)
        if "notificationIDList" in data:
            store.replace_notifications(db, monitor_id, notification_ids(data.get("notificationIDList")))
        unlinked: list[int] = []
        if row.get("type") == "group" and merged.get("type") != "group":
            unlinked = store.unlink_children(db, monitor_id)
        runnable = bool(merged.get("active")) and load_tree(db).parents_active(monitor_id)
        return unlinked, runnable, bool(unlinked) or merged.get("parent") != row.get("parent")

    return job


async def edit(app: App, user_id: int, data: Any, changes: MonitorChanges = SILENT) -> int:
    """Change one of the user's monitors (only the keys sent); restarted when it may run. Returns its id."""
    monitor_id = to_int(data.get("id")) if isinstance(data, dict) else None
    unlinked, runnable, changed_tree = await write(app, _edit_job(user_id, monitor_id, data))
    assert monitor_id is not None  # the job refused a missing id
    if changed_tree:
        tree_changed(app)
    if runnable:
        await engine(app.monitoring.restart_monitor, monitor_id)
    for child in unlinked:
        await changes.updated(child)
    await changes.updated(monitor_id)
    return monitor_id


async def _set_active(app: App, user_id: int, monitor_id: Any, active: bool, changes: MonitorChanges) -> int:
    row = await owned_row(app, user_id, monitor_id)
    await write(app, lambda db: store.set_active(db, row["id"], active))
    await engine(app.monitoring.start_monitor if active else app.monitoring.stop_monitor, row["id"])
    await changes.updated(row["id"])
    return row["id"]


async def pause(app: App, user_id: int, monitor_id: Any, changes: MonitorChanges = SILENT) -> int:
    """Stop checking one of the user's monitors (stored inactive). Returns its id."""
    return await _set_active(app, user_id, monitor_id, False, changes)


async def resume(app: App, user_id: int, monitor_id: Any, changes: MonitorChanges = SILENT) -> int:
    """Check one of the user's monitors again (stored active). Returns its id."""
    return await _set_active(app, user_id, monitor_id, True, changes)


def _delete_job(monitor_id: int, user_id: int) -> Callable[[Any], Any]:
    return lambda db: store.delete_monitor(db, monitor_id, user_id)


async def delete(
    app: App, user_id: int, monitor_id: Any, delete_children: Any = False, changes: MonitorChanges = SILENT
) -> None:
    """Delete one of the user's monitors. A group's children are deleted too (leaves first) when
    `delete_children is True`, else they become top-level. Someone else's id is announced deleted and
    nothing happens, as in Uptime Kuma."""
    number = to_int(monitor_id)
    if number is None:
        raise DomainError("Invalid monitor ID")
    row = await app.db.read(lambda db: store.get_monitor_row(db, number))
    owned = row is not None and row.get("user_id") == user_id
    if row is not None and owned and row.get("type") == "group":
        if delete_children is True:
            descendants = await app.db.read(lambda db: load_tree(db).descendants(number))
            for child in reversed(descendants):  # leaves first
                await engine(app.monitoring.stop_monitor, child)
                await write(app, _delete_job(child, user_id))
                app.notifier.policy.forget(child)
                await changes.deleted(child)
        else:
            for child in await write(app, lambda db: store.unlink_children(db, number)):
                await changes.updated(child)
    if owned:
        await engine(app.monitoring.stop_monitor, number)
        await write(app, lambda db: store.delete_monitor(db, number, user_id))
        app.notifier.policy.forget(number)  # its dependency rows went with it (ON DELETE CASCADE)
        tree_changed(app)
    await changes.deleted(number)


# -- reads and clearing ------------------------------------------------------------------------------


async def get(app: App, user_id: int, monitor_id: Any) -> dict[str, Any]:
    """getMonitor's Monitor JSON. A monitor inside a group has `path`/`pathName` as in `monitorList`
    ("Group / Child", what clients editing a child rely on, issue #13); a top-level monitor keeps the captured
    2.5.3 reply's `path: [null]`, `pathName: ""` (transcripts/06-monitor-crud.jsonl:26)."""
    number = to_int(monitor_id)
    found = {} if number is None else await monitor_entries(app, [number], user_id=user_id)
    monitor = found.get(str(number))
    if monitor is None:
        raise DomainError("Cannot read properties of null (reading 'id')")
    if monitor.get("parent") is None:
        monitor["path"] = [None]
        monitor["pathName"] = ""
    return monitor


async def beats(app: App, monitor_id: Any, period: Any) -> list[dict[str, Any]]:
    """Raw heartbeat rows of the last `period` hours, oldest first."""
    hours = period_hours(period)
    number = to_int(monitor_id)
    since = (app.clock.utcnow() - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")
    return [] if number is None else await app.db.read(lambda db: beats_store.since(db, number, since))


async def chart_data(app: App, monitor_id: Any, period: Any) -> list[dict[str, Any]]:
    """The read model's chart buckets of the last `period` hours (unknown ids: no buckets)."""
    hours = period_hours(period)
    number = to_int(monitor_id)
    return await app.readings.chart_data(-1 if number is None else number, hours)


async def clear_events(app: App, user_id: int, monitor_id: Any) -> None:
    """Forget the messages and importance of a monitor's beats (ids of other users: nothing)."""
    number = to_int(monitor_id)
    if number is not None and await app.db.read(lambda db: store.owner_of(db, number)) == user_id:
        await write(app, lambda db: store.clear_events(db, number))


async def clear_heartbeats(app: App, user_id: int, monitor_id: Any) -> list[dict[str, Any]] | None:
    """Delete a monitor's beats and stats, restart it; returns its beats now (the heartbeatList rows,
    oldest first), or None when it is not the user's monitor."""
    number = to_int(monitor_id)
    if number is None:
        return None
    found: int = number  # narrowed once, for the closures below
    row = await app.db.read(lambda db: store.get_monitor_row(db, found))
    if row is None or row.get("user_id") != user_id:
        return None
    await write(app, lambda db: store.clear_heartbeats(db, found))
    app.monitoring.forget(found)  # its cached latest beat and uptime founds are gone with the rows
    if row.get("active"):
        await engine(app.monitoring.restart_monitor, found)
    return await app.db.read(lambda db: beats_store.recent(db, found, HEARTBEAT_LIST_LIMIT))


async def clear_statistics(app: App) -> None:
    """Delete every beat and stat row; active monitors restart with fresh numbers."""
    await write(app, store.clear_statistics)
    for monitor_id in await app.db.read(store.active_monitor_ids):
        app.monitoring.forget(monitor_id)
        await engine(app.monitoring.restart_monitor, monitor_id)


def _important_target(monitor_id: Any) -> int | None:
    """None → all the user's monitors; an unusable id matches nothing."""
    if monitor_id is None:
        return None
    number = to_int(monitor_id)
    return -1 if number is None else number


async def important_count(app: App, user_id: int, monitor_id: Any) -> int:
    """Number of important beats of one of the user's monitors (all of them when the id is null)."""
    target = _important_target(monitor_id)
    return await app.db.read(lambda db: beats_store.important_count(db, user_id, target))


async def important_page(app: App, user_id: int, monitor_id: Any, offset: Any, count: Any) -> list[dict[str, Any]]:
    """One page of important beats, newest first."""
    target = _important_target(monitor_id)
    limit, skip = max(0, to_int(count) or 0), max(0, to_int(offset) or 0)
    return await app.db.read(lambda db: beats_store.important_page(db, user_id, target, limit, skip))
