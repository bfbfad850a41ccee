"""The one application object: configuration, storage and services, passed explicitly everywhere."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

import trio

from kuma.clock import WallClock
from kuma.config import Config
from kuma.store import Database

log = logging.getLogger(__name__)

Service = Callable[..., Awaitable[None]]
Hook = Callable[[], Awaitable[None]]


class App:
    """Holds what the server's parts share. Parts register themselves on it at start-up.

    - `services`: long-running tasks started in the root nursery (monitor supervisor, jobs …);
      each is `async def service(*, task_status)` and is cancelled at shutdown.
    - `shutdown_hooks`: run first at shutdown, before the HTTP server stops (close sockets …).
    """

    def __init__(self, config: Config, db: Database) -> None:
        self.config = config
        self.db = db
        self.clock = WallClock(config.clock_start)  # the one wall clock (pinned in tests)
        self.services: list[tuple[str, Service]] = []
        self.shutdown_hooks: list[Hook] = []
        self.nursery: trio.Nursery | None = None  # the services' nursery, set while running
        self.extensions: dict[str, Any] = {}  # parts that other parts look up by name

    def add_service(self, name: str, service: Service) -> None:
        self.services.append((name, service))

    def on_shutdown(self, hook: Hook) -> None:
        self.shutdown_hooks.append(hook)

    async def run_shutdown_hooks(self) -> None:
        for hook in self.shutdown_hooks:
            try:
                with trio.move_on_after(5):
                    await hook()
            except Exception:
                log.exception("shutdown hook failed")


def import_area(name: str):
    """Import an area module by name, or None when that area is not part of this build yet."""
    import importlib

    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            return None
        raise
