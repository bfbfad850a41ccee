"""An in-process App with its database writer running: the part of `kuma.server.serve` that in-process
tests need, written once. The caller sets the services it wants on the App (real ones or fakes) and
starts their tasks in `app.nursery`."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import trio

from kuma.app import App
from kuma.config import Config
from kuma.store import Database


@asynccontextmanager
async def running_app(config: Config, db_path: Path | None = None) -> AsyncIterator[App]:
    """Yield an App whose writer runs and whose `nursery` is open; everything is cancelled on exit."""
    db = Database.open(db_path or config.db_path)
    app = App(config, db)
    try:
        async with trio.open_nursery() as root:
            await root.start(db.run_writer)
            async with trio.open_nursery() as services:
                app.nursery = services
                yield app
                services.cancel_scope.cancel()
            root.cancel_scope.cancel()
    finally:
        db.close()
