"""The one application object: configuration, storage and services, passed explicitly everywhere."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import trio

from kuma.accounts.download_tokens import DownloadTokens
from kuma.accounts.service import AccountsState
from kuma.clock import WallClock
from kuma.config import Config
from kuma.store import Database

if TYPE_CHECKING:  # the services import App themselves; these names are for the type checker only
    from kuma.api.burst_cache import BurstCache
    from kuma.api.legacy_lists import LegacyLists
    from kuma.maintenance.service import MaintenanceService
    from kuma.monitoring.readings import Readings
    from kuma.monitoring.service import MonitoringService
    from kuma.notifications.notifier import Notifier
    from kuma.realtime.hub import Hub

log = logging.getLogger(__name__)

Service = Callable[..., Awaitable[None]]
Hook = Callable[[], Awaitable[None]]


class App:
    """Holds what the server's parts share, each as a typed attribute.

    `kuma.server.setup_app` builds every service and sets it here, in start order: `hub` (Socket.IO
    sessions), `monitoring` (the engine), `readings` (the read model over its stat tables), `notifier`,
    `maintenance`, `bursts` (login-burst parts built once for many logins), `legacy_lists` (None when
    switched off or never set up). Reading one that was never set is an
    AttributeError: a part that is missing fails loudly, it is never skipped. Tests may set a fake with the
    same methods.

    - `services`: long-running tasks started in the root nursery (monitor supervisor, jobs …);
      each is `async def service(*, task_status)` and is cancelled at shutdown.
    - `shutdown_hooks`: run first at shutdown, before the HTTP server stops (close sockets …).
    """

    hub: Hub
    monitoring: MonitoringService
    readings: Readings
    notifier: Notifier
    maintenance: MaintenanceService
    bursts: BurstCache
    legacy_lists: LegacyLists | None = None  # full lists for 1.x clients (kuma/api/legacy_lists.py); None: off

    def __init__(self, config: Config, db: Database, clock: WallClock | None = None) -> None:
        self.config = config
        self.db = db
        self.clock = clock or WallClock(config.clock_start)  # the one wall clock (pinned in tests)
        self.services: list[tuple[str, Service]] = []
        self.shutdown_hooks: list[Hook] = []
        self.nursery: trio.Nursery | None = None  # the services' nursery, set while running
        self.accounts = AccountsState()  # need-setup flag, JWT secret, rate limits
        self.download_tokens = DownloadTokens()  # one-time tokens of the dashboard's downloads
        self.latest_version: str | None = None  # the newest release, when the update check has one
        self.config_lock = trio.Lock()  # config-as-code applies (REST, SIGHUP) run one at a time
        #: set by the server once HTTP accepts connections: start-up work that must not delay readiness
        #: (the monitors' boot) waits for it
        self.listening = trio.Event()

    def add_service(self, name: str, service: Service) -> None:
        self.services.append((name, service))

    def start_soon(self, fn: Callable[..., Awaitable[object]], *args: object) -> None:
        """Run `fn(*args)` in the services nursery: work that outlives a request (emits after an ack)."""
        if self.nursery is None:
            raise RuntimeError("the App's services are not running")
        self.nursery.start_soon(fn, *args)

    def on_shutdown(self, hook: Hook) -> None:
        self.shutdown_hooks.append(hook)

    async def run_shutdown_hooks(self) -> None:
        for hook in self.shutdown_hooks:
            try:
                with trio.move_on_after(5):
                    await hook()
            except Exception:
                log.exception("shutdown hook failed")
