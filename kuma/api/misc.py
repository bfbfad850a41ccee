"""Small server handlers: database size and shrink (socketio-events.md §3.6)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import trio

from kuma.api.common import Events, ok
from kuma.store.db import vacuum

if TYPE_CHECKING:
    from kuma.app import App

events = Events()


@events.login("getDatabaseSize")
async def get_database_size(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    path = app.db.path
    size = await trio.to_thread.run_sync(lambda: path.stat().st_size if path.exists() else 0)
    return ok(size=size)


@events.login("shrinkDatabase")
async def shrink_database(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    await trio.to_thread.run_sync(vacuum, app.db.path)  # VACUUM runs on a connection of its own
    return ok()


def register(hub: Any, app: App) -> None:
    """The database events on the hub."""
    events.register(hub, app)
