"""Tag operations (socketio-events.md §3.3). Tags are global (no ownership checks, as in Uptime Kuma);
a monitor-tag change returns the monitor id so the caller can announce that monitor."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kuma.domain.errors import DomainError, insert_error
from kuma.domain.values import to_int
from kuma.store import tags as store

if TYPE_CHECKING:
    from kuma.app import App


def _value(value: Any) -> str:
    return "" if value is None else str(value)


MAX_NAME = 255
MAX_COLOR = 255


def _checked(name: Any, color: Any) -> dict[str, Any]:
    """Names and colours are text (null still meets the NOT NULL constraint with knex's text, as 2.5.3);
    numbers, objects, lists and over-long texts are refused (issue #13: Uptime Kuma stores them)."""
    for label, value, limit in (("name", name, MAX_NAME), ("color", color, MAX_COLOR)):
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise DomainError(f"Tag {label} must be text of at most {limit} characters")
    return {"name": name, "color": color}


async def all_tags(app: App) -> list[dict[str, Any]]:
    """Every tag row."""
    return await app.db.read(store.all_tags)


async def add(app: App, tag: Any) -> dict[str, Any]:
    """Create a tag from `{name, color}`; returns the stored row (knex's text when SQLite refuses)."""
    if not isinstance(tag, dict):
        raise DomainError("Cannot read properties of undefined (reading 'name')")
    values = _checked(tag.get("name"), tag.get("color"))
    try:
        return await app.db.write(lambda db: store.insert_tag(db, values["name"], values["color"]))
    except sqlite3.Error as exc:
        raise DomainError(insert_error("tag", values, exc)) from None


async def edit(app: App, tag: Any) -> dict[str, Any]:
    """Rename/recolour a tag by `tag.id`; returns the stored row, or DomainError("tagNotFound", i18n)."""
    if not isinstance(tag, dict):
        raise DomainError("Cannot read properties of undefined (reading 'id')")
    tag_id = to_int(tag.get("id"))
    values = _checked(tag.get("name"), tag.get("color"))
    try:
        row = (
            None
            if tag_id is None
            else await app.db.write(lambda db: store.update_tag(db, tag_id, values["name"], values["color"]))
        )
    except sqlite3.Error as exc:
        raise DomainError(f"SQLITE_CONSTRAINT: {exc}") from None
    if row is None:
        raise DomainError("tagNotFound", msgi18n=True)
    return row


async def delete(app: App, tag_id: Any) -> None:
    """Delete a tag (and its monitor links); unknown ids are fine."""
    number = to_int(tag_id)
    if number is not None:
        await app.db.write(lambda db: store.delete_tag(db, number))


async def _monitor_tag(app: App, action: Callable[..., None], tag_id: Any, monitor_id: Any, value: Any) -> int:
    tag_number, monitor_number = to_int(tag_id), to_int(monitor_id)
    if tag_number is None or monitor_number is None:
        raise DomainError("Invalid tag or monitor ID")
    try:
        await app.db.write(lambda db: action(db, tag_number, monitor_number, _value(value)))
    except sqlite3.IntegrityError as exc:
        raise DomainError(f"SQLITE_CONSTRAINT: {exc}") from None
    return monitor_number


async def add_monitor_tag(app: App, tag_id: Any, monitor_id: Any, value: Any) -> int:
    """Link a tag (with a value) to a monitor; returns the monitor id."""
    return await _monitor_tag(app, store.add_monitor_tag, tag_id, monitor_id, value)


async def edit_monitor_tag(app: App, tag_id: Any, monitor_id: Any, value: Any) -> int:
    """Change a monitor-tag link's value; returns the monitor id."""
    return await _monitor_tag(app, store.edit_monitor_tag, tag_id, monitor_id, value)


async def delete_monitor_tag(app: App, tag_id: Any, monitor_id: Any, value: Any) -> int:
    """Remove a monitor-tag link (matched by value); returns the monitor id."""
    return await _monitor_tag(app, store.delete_monitor_tag, tag_id, monitor_id, value)
