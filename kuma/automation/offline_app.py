"""An App over a STOPPED server's data folder, for `kuma apply`: the real database writer and the real
domain functions, with an engine that is not running. Starting, stopping or restarting a monitor is then
nothing to do: the server schedules every active monitor from the database when it starts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import trio

from kuma.app import App
from kuma.config import Config
from kuma.store import Database


class StoppedEngine:
    """`app.monitoring` / `app.maintenance` / `app.notifier` while no server runs."""

    def __init__(self) -> None:
        self.policy = self

    async def start_monitor(self, monitor_id: int, loaded: Any = None, latest: Any = None) -> None:
        return None

    async def stop_monitor(self, monitor_id: int) -> None:
        return None

    async def restart_monitor(self, monitor_id: int) -> None:
        return None

    def forget(self, monitor_id: int) -> None:
        return None

    def changed(self) -> None:
        return None

    def is_under_maintenance(self, monitor_id: int) -> bool:
        return False


@asynccontextmanager
async def stopped_server_app(config: Config) -> AsyncIterator[App]:
    """Yield an App whose writer runs (and whose services are the stopped engine); closed on exit."""
    db = Database.open(config.db_path)
    app = App(config, db)
    engine = StoppedEngine()
    app.monitoring = cast(Any, engine)
    app.maintenance = cast(Any, engine)
    app.notifier = cast(Any, engine)
    try:
        async with trio.open_nursery() as root:
            await root.start(db.run_writer)
            app.nursery = root
            yield app
            root.cancel_scope.cancel()
    except BaseExceptionGroup as group:  # the caller's error, not a group of ours: raise it as it came
        if len(group.exceptions) == 1:
            raise group.exceptions[0] from None
        raise
    finally:
        db.close()
