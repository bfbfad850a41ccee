"""Process shape: `trio.run` of one root nursery holding the database writer, the services and Hypercorn.

Shutdown order (SIGINT/SIGTERM): run the App's shutdown hooks (close Socket.IO sessions), stop the
HTTP server, cancel the services, let the writer commit what is queued, close the database.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
from functools import partial
from pathlib import Path

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.trio import serve as hypercorn_serve

from kuma import memory
from kuma.accounts import service as accounts_service
from kuma.api import burst_cache, legacy_lists
from kuma.app import App
from kuma.clock import WallClock
from kuma.config import Config
from kuma.maintenance import service as maintenance_service
from kuma.migration.runner import needs_migration
from kuma.migration.serving import migrate_showing_progress
from kuma.monitoring import service as monitoring_service
from kuma.notifications import service as notifications_service
from kuma.realtime import hub as realtime_hub
from kuma.store import Database
from kuma.web_app import create_web_app

log = logging.getLogger(__name__)

#: Seconds a worker thread may hold the GIL while the event loop waits for it (CPython's default is 5 ms).
#: The loop releases the GIL at every socket call and has to win it back each time: behind a thread that
#: builds a large list, a loop step of a hundred sends would wait 5 ms per send, and acks a second.
GIL_SWITCH_INTERVAL = 0.0005


def run_server(config: Config, apply_file: Path | None = None) -> None:
    """Serve while holding the data folder's lock, so `kuma apply` can tell the folder is in use.
    With `apply_file` (`kuma serve --apply`), SIGHUP applies that file again."""
    from kuma.automation.folder import hold

    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    with hold(config.data_dir):
        trio.run(partial(serve, config, apply_file=apply_file))


def _hypercorn_config(config: Config) -> HypercornConfig:
    hc = HypercornConfig()
    if config.host:
        host = f"[{config.host}]" if ":" in config.host and not config.host.startswith("[") else config.host
    else:  # all interfaces: one dual-stack IPv6 socket answers IPv4 too
        host = "[::]" if socket.has_ipv6 else "0.0.0.0"
    hc.bind = [f"{host}:{config.port}"]
    hc.backlog = config.backlog
    hc.accesslog = None
    hc.errorlog = logging.getLogger("hypercorn.error")
    hc.graceful_timeout = 3.0
    hc.keep_alive_timeout = 5.0
    hc.websocket_ping_interval = None
    return hc


def setup_app(config: Config, db: Database, clock: WallClock | None = None) -> App:
    """Every service, in start order: each `setup` sets its service on the App and registers its task."""
    app = App(config, db, clock)
    realtime_hub.setup(app)
    legacy_lists.setup(app)
    accounts_service.setup(app)
    monitoring_service.setup(app)
    notifications_service.setup(app)
    maintenance_service.setup(app)
    burst_cache.setup(app)
    return app


async def serve(config: Config, *, apply_file: Path | None = None, task_status=trio.TASK_STATUS_IGNORED) -> None:
    """Run the server until stopped: migrate an Uptime Kuma database first (with a progress page), then the
    app's services and the HTTP server on one Trio nursery."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    memory.tune()
    clock = WallClock(config.clock_start)  # also stamps a new database's migration rows
    if needs_migration(config.db_path):
        if not await migrate_showing_progress(config, clock.time(), _hypercorn_config(config)):
            return
    db = Database.open(config.db_path, clock=clock)
    app = setup_app(config, db, clock)
    stop = trio.Event()
    try:
        async with trio.open_nursery() as root:
            await root.start(db.run_writer)
            root.start_soon(_watch_signals, stop)
            async with trio.open_nursery() as services:
                app.nursery = services
                for name, service in app.services:
                    log.debug("starting service %s", name)
                    await services.start(service)
                web = create_web_app(app)  # while the accounts state loads in the writer thread
                await app.accounts.loaded.wait()
                hc = _hypercorn_config(config)
                await services.start(_serve_http, web, hc, stop)
                app.listening.set()  # the monitors' boot starts now, behind the listening socket
                services.start_soon(memory.freeze_after_boot, app.monitoring.wait_booted)
                log.info("kuma listening on %s (data folder %s)", ", ".join(hc.bind), config.data_dir)
                if apply_file is not None:  # imported here: YAML stays unloaded in a server without --apply
                    from kuma.automation.service import reapply_on_sighup

                    services.start_soon(reapply_on_sighup, app, apply_file)
                task_status.started(app)
                await stop.wait()
                log.info("shutting down")
                await app.run_shutdown_hooks()
                services.cancel_scope.cancel()
            root.cancel_scope.cancel()  # the writer commits its queue as it stops
    finally:
        db.close()
        log.info("stopped")


async def _serve_http(web, hc: HypercornConfig, stop: trio.Event, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
    await hypercorn_serve(web, hc, shutdown_trigger=stop.wait, task_status=task_status)


async def _watch_signals(stop: trio.Event) -> None:
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            stop.set()
            return
