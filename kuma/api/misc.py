"""Small server handlers: database size and shrink (socketio-events.md §3.6)."""
from __future__ import annotations

import logging
import sqlite3
from typing import Any

import trio

from kuma.api.common import ok, on_login, require_login

log = logging.getLogger(__name__)


def vacuum(path) -> None:
    """VACUUM cannot run inside the writer's transaction: a short-lived connection of its own (it waits
    for the writer's lock through busy_timeout)."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def register(hub: Any, app: Any) -> None:
    @on_login(hub, "getDatabaseSize")
    async def get_database_size(sock, *rest):
        require_login(sock)
        path = app.db.path
        size = await trio.to_thread.run_sync(lambda: path.stat().st_size if path.exists() else 0)
        return ok(size=size)

    @on_login(hub, "shrinkDatabase")
    async def shrink_database(sock, *rest):
        require_login(sock)
        await trio.to_thread.run_sync(vacuum, app.db.path)
        return ok()
