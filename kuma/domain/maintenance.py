"""Maintenance window operations (socketio-events §3.7): validate, store, and tell the maintenance service
(`app.maintenance.changed()`), which re-evaluates which monitors are under maintenance."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kuma.domain.errors import DomainError
from kuma.maintenance.input import row_from_input
from kuma.maintenance.windows import InvalidMaintenance
from kuma.shapes.maintenance import maintenance_json
from kuma.store import maintenance as store
from kuma.store.settings import server_timezone

if TYPE_CHECKING:
    from kuma.app import App


def link_ids(items: Any) -> list[int]:
    """Ids from a list of `{id}` objects or plain ids (unusable entries skipped)."""
    ids = []
    for item in items if isinstance(items, list) else []:
        value: Any = item.get("id") if isinstance(item, dict) else item
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


MAX_TITLE = 150  # maintenance.title is varchar(150)
MAX_DESCRIPTION = 64 * 1024


def row_of(data: Any, server_tz: str) -> dict[str, Any]:
    """The maintenance row from the client's object, times in the server's timezone (pure, so a config
    file can be checked whole before anything is stored)."""
    if isinstance(data, dict):
        title = data.get("title")
        if title is not None and (not isinstance(title, str) or len(title) > MAX_TITLE):
            raise DomainError(f"Title must be text of at most {MAX_TITLE} characters")
        description = data.get("description")
        if description is not None and (not isinstance(description, str) or len(description) > MAX_DESCRIPTION):
            raise DomainError(f"Description must be text of at most {MAX_DESCRIPTION} characters")
    try:
        return row_from_input(data, server_tz)
    except InvalidMaintenance as exc:
        raise DomainError(str(exc)) from None


async def _row(app: App, data: Any) -> dict[str, Any]:
    return row_of(data, await app.db.read(server_timezone))


async def add(app: App, user_id: int | None, data: Any) -> int:
    """Create a maintenance window; returns its id."""
    row = await _row(app, data)
    maintenance_id = await app.db.write(lambda db: store.insert_maintenance(db, row, user_id))
    app.maintenance.changed()
    return maintenance_id


async def edit(app: App, user_id: int | None, data: Any) -> int:
    """Change a maintenance window (the user's, or one without owner); returns its id."""
    maintenance_id = data.get("id") if isinstance(data, dict) else None
    existing = await app.db.read(lambda db: store.get_maintenance(db, maintenance_id))
    if existing is None or existing.get("user_id") not in (None, user_id):
        raise DomainError("Permission denied.")
    row = await _row(app, data)
    await app.db.write(lambda db: store.update_maintenance(db, existing["id"], row))
    app.maintenance.changed()
    return existing["id"]


async def _replace_links(
    app: App, replace: Callable[[Any, int, list[int]], Any], maintenance_id: Any, items: Any
) -> None:
    """`replace(db, maintenance_id, ids)` in one write; a refusal (unknown id: the foreign key's text) is a DomainError."""
    ids = link_ids(items)
    try:
        await app.db.write(lambda db: replace(db, int(maintenance_id), ids))
    except Exception as exc:
        raise DomainError(str(exc)) from None


async def link_monitors(app: App, maintenance_id: Any, monitors: Any) -> None:
    """Exactly these monitors are under this maintenance (unknown ids: the foreign key's text)."""
    await _replace_links(app, store.replace_monitor_links, maintenance_id, monitors)
    app.maintenance.changed()


async def link_status_pages(app: App, maintenance_id: Any, pages: Any) -> None:
    """Exactly these status pages show this maintenance."""
    await _replace_links(app, store.replace_status_page_links, maintenance_id, pages)


async def get(app: App, maintenance_id: Any) -> dict[str, Any]:
    """One maintenance's JSON: the status as in `maintenanceList`, an empty timeslotList (as 2.5.3)."""
    now = app.clock.utcnow()

    def build(db: Any) -> dict[str, Any] | None:
        row = store.get_maintenance(db, maintenance_id)
        return None if row is None else maintenance_json(row, server_timezone(db), now, live=False)

    shape = await app.db.read(build)
    if shape is None:
        raise DomainError("Cannot read properties of null (reading 'toJSON')")
    return shape


async def delete(app: App, maintenance_id: Any) -> None:
    """Delete a maintenance window (its links cascade)."""
    await app.db.write(lambda db: store.delete_maintenance(db, maintenance_id))
    app.maintenance.changed()


async def set_active(app: App, maintenance_id: Any, active: bool) -> None:
    """Pause or resume a maintenance window."""
    if not await app.db.write(lambda db: store.set_active(db, maintenance_id, active)):
        raise DomainError("Maintenance not found")
    app.maintenance.changed()
