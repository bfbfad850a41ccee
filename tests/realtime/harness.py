"""Run a real hub + `/socket.io/` endpoint + Hypercorn on 127.0.0.1 in a background Trio thread.

Tests drive it with real clients from the main thread and reach the hub through `call()`.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.trio import serve as hypercorn_serve
from quart_trio import QuartTrio

from kuma.app import App
from kuma.config import Config
from kuma.realtime import endpoint
from kuma.realtime.hub import Hub
from kuma.rest import push_front
from kuma.store import settings as settings_store
from tests.helpers.app import running_app
from tests.helpers.server import free_port


class HubServer:
    def __init__(self, data_dir: Path, *, setup: Callable[[Hub, App], None] | None = None, **hub_options: Any) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.hub_options = hub_options
        self.setup = setup
        self.hub: Hub | None = None
        self.app: App | None = None
        self._token: trio.lowlevel.TrioToken | None = None
        self._ready = threading.Event()
        self._stop: trio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._thread_main, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "HubServer":
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        assert self.hub is not None, "hub server did not start"
        return self

    def stop(self) -> None:
        if self._token is not None and self._stop is not None:
            try:
                trio.from_thread.run_sync(self._stop.set, trio_token=self._token)
            except trio.RunFinishedError:
                pass
        self._thread.join(30)
        assert not self._thread.is_alive(), "hub server did not stop"

    def call(self, fn: Callable, *args: Any) -> Any:
        """Run `await fn(*args)` in the server's Trio thread."""
        return trio.from_thread.run(fn, *args, trio_token=self._token)

    def call_sync(self, fn: Callable, *args: Any) -> Any:
        return trio.from_thread.run_sync(fn, *args, trio_token=self._token)

    def _thread_main(self) -> None:
        try:
            trio.run(self._main)
        except BaseException as exc:  # surfaced to start()
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = Config(host="127.0.0.1", port=self.port, data_dir=self.data_dir)
        async with running_app(config) as app:
            hub = Hub(**self.hub_options)
            app.hub = hub
            app.test_state = {}  # what a test's handlers record, read by the test (not part of the App type)
            app.add_service("realtime-hub", hub.run)
            app.on_shutdown(hub.close_all)
            if self.setup is not None:
                self.setup(hub, app)
            web = QuartTrio("kuma-test", static_folder=None)
            endpoint.mount(web, hub, lambda: app.db.read(settings_store.trust_proxy))
            push_front.install()  # plain websockets go through kuma's front, as in `kuma serve`
            self.web = web
            hc = HypercornConfig()
            hc.bind = [f"127.0.0.1:{self.port}"]
            hc.accesslog = None
            hc.graceful_timeout = 2.0
            hc.websocket_ping_interval = None
            self._stop = trio.Event()
            self._token = trio.lowlevel.current_trio_token()
            services = app.nursery
            assert services is not None
            for _, service in app.services:
                await services.start(service)
            await services.start(
                lambda task_status: hypercorn_serve(web, hc, shutdown_trigger=self._stop.wait, task_status=task_status)
            )
            self.hub, self.app = hub, app
            self._ready.set()
            await self._stop.wait()
            await app.run_shutdown_hooks()
