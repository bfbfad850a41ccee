"""Run Socket.IO handlers in-process: a real App + Database, a recording hub and sockets.

The hub double implements the part of docs/CONTRACTS.md handlers use (`on`, `emit`, `room_size`), and
records every emit in order, so tests can assert what a client in the room would receive.
"""
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kuma.api.burst_cache import BurstCache
from kuma.app import App
from kuma.config import Config
from kuma.maintenance.service import MaintenanceService
from kuma.notifications.notifier import Notifier
from kuma.monitoring.readings import Readings
from kuma.monitoring.service import MonitoringService
from tests.helpers.app import running_app


@dataclass
class Emitted:
    event: str
    args: tuple
    room: str | None


class RecordingHub:
    def __init__(self) -> None:
        self.handlers: dict[str, Any] = {}
        self.emitted: list[Emitted] = []
        self.rooms: dict[str, int] = {}

    def on(self, event: str):
        def decorator(fn):
            self.handlers[event] = fn
            return fn
        return decorator

    async def emit(self, event: str, *args: Any, room: str | None = None) -> None:
        self.emitted.append(Emitted(event, args, room))

    async def emit_json(self, event: str, json_args: list[str], room: str | None = None) -> None:
        self.emitted.append(Emitted(event, tuple(json.loads(arg) for arg in json_args), room))

    async def emit_wire(self, wire: Any, room: str | None = None) -> None:
        """Frames encoded already (`42["event",...]`), recorded as the events they carry."""
        for frame in wire.frames:
            event, *args = json.loads(frame[2:])
            self.emitted.append(Emitted(event, tuple(args), room))

    def room_size(self, room: str) -> int:
        return self.rooms.get(room, 0)

    def sockets_in_room(self, room: str) -> list:
        return []  # no real sockets: none asked for kuma's light start, so list events go through `emit`

    async def call(self, sock: "FakeSocket", event: str, *args: Any) -> Any:
        """What the client's ack would receive; emits up to the ack are recorded in `emitted`."""
        return await self.handlers[event](sock, *args)

    def take(self) -> list[Emitted]:
        out, self.emitted = self.emitted, []
        return out


@dataclass
class FakeSocket:
    session: dict = field(default_factory=dict)
    sid: str = "test-sid"

    @property
    def user_id(self) -> int | None:
        return self.session.get("user_id")


class RecordingMonitoring(MonitoringService):
    """The real MonitoringService that records start/stop/restart calls and beat listeners instead of
    running checks (its service task is never started). The reads (stats, chart data…) are `app.readings`."""

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.calls: list[tuple[str, int]] = []
        self.loaded: dict[int, tuple] = {}  # what each start was handed: (row, ancestors, proxy), (latest beat,)
        self.listeners: list[Any] = []

    async def start_monitor(self, monitor_id: int, loaded: tuple | None = None, latest: tuple | None = None) -> None:
        self.calls.append(("start", monitor_id))
        self.loaded[monitor_id] = (loaded, latest)

    async def stop_monitor(self, monitor_id: int) -> None:
        self.calls.append(("stop", monitor_id))

    async def restart_monitor(self, monitor_id: int) -> None:
        self.calls.append(("restart", monitor_id))

    def add_beat_listener(self, fn) -> None:
        self.listeners.append(fn)


@asynccontextmanager
async def api_app(tmp_path: Path, modules: tuple[str, ...] = ("kuma.api.monitors", "kuma.api.tags"), db_path=None,
                  clock_start: str | None = None):
    """App with a running writer, a user (id 1), the recording hub and monitoring, handler modules registered.
    `clock_start` pins the app's wall clock (`CAPTURE_CLOCK` for a copy of the fixture database)."""
    import importlib

    env = {"KUMA_CLOCK_START": clock_start} if clock_start else {}
    config = Config.from_sources(data_dir=tmp_path / "data", env=env)
    async with running_app(config, db_path) as app:
        hub = RecordingHub()
        monitoring = RecordingMonitoring(app)
        app.hub = hub
        app.monitoring = monitoring
        app.readings = Readings(app.db, app.clock.time)
        app.maintenance = MaintenanceService(app)  # not running: no monitor is under maintenance
        app.notifier = Notifier(app)  # not running: the alert policy is there, nothing is sent
        app.bursts = BurstCache(app)
        await app.db.write(lambda d: d.conn.execute(
            "INSERT OR IGNORE INTO user (id, username, password, active) VALUES (1, 'admin', 'x', 1)"))
        for name in modules:
            importlib.import_module(name).register(hub, app)
        yield app, hub, monitoring


def logged_in(user_id: int = 1) -> FakeSocket:
    return FakeSocket(session={"user_id": user_id})
