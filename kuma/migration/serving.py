"""`kuma serve` on a folder that needs migrating: the migration runs in a worker thread while the port
answers with its progress page; SIGINT/SIGTERM stop it between two batches (a restart resumes)."""

from __future__ import annotations

import logging
import signal
import threading

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.trio import serve as hypercorn_serve

from kuma.config import Config
from kuma.migration.page import progress_app
from kuma.migration.progress import Progress
from kuma.migration.runner import MigrationStopped, migrate
from kuma.store.schema import SchemaError

log = logging.getLogger("kuma.migration")


async def migrate_showing_progress(config: Config, now: float, hc: HypercornConfig) -> bool:
    """Run the migration; True when the server may go on to open the database, False when stopped."""
    progress, stop, page_done = Progress(), threading.Event(), trio.Event()
    log.info("the database needs migrating before kuma serves it; progress at http://%s/", ", ".join(hc.bind))
    failure: SchemaError | None = None
    stopped = False
    async with trio.open_nursery() as nursery:
        nursery.start_soon(_watch_signals, stop)
        await nursery.start(_serve_page, progress_app(progress), hc, page_done)
        try:
            await trio.to_thread.run_sync(lambda: migrate(config.db_path, now=now, progress=progress, stop=stop))
        except MigrationStopped:
            stopped = True
        except SchemaError as exc:  # raised out here, not wrapped in the nursery's exception group
            failure = exc
        finally:
            page_done.set()
            nursery.cancel_scope.cancel()
    if failure is not None:
        raise failure
    return not stopped


async def _serve_page(app, hc: HypercornConfig, done: trio.Event, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
    await hypercorn_serve(app, hc, shutdown_trigger=done.wait, task_status=task_status)


async def _watch_signals(stop: threading.Event) -> None:
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            log.info("stop requested: the migration stops after the batch in flight")
            stop.set()
            return
