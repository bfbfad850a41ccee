"""An in-process engine on a real SQLite file: Database + writer + MonitoringService + Readings, and scripted
test-only monitor types whose every check is driven by the test."""
from __future__ import annotations

from collections import defaultdict, deque
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import trio

from kuma.app import App
from kuma.config import Config
from kuma.maintenance.service import MaintenanceService
from kuma.monitoring.beat import BeatEvent
from kuma.monitoring.readings import Readings
from kuma.monitoring.service import MonitoringService
from kuma.monitoring.settings_cache import SettingsCache
from kuma.monitors.base import CheckFailed, CheckResult, MonitorType, register
from kuma.store import Database

#: 2026-11-26 10:00:00 UTC — wall clock = BASE + trio.current_time() under MockClock.
BASE = 1795687200.0

#: monitor id → queue of actions for the `test-script` type; when empty, the last action repeats.
SCRIPTS: dict[int, deque] = defaultdict(deque)
LAST_ACTION: dict[int, Any] = {}
CALLS: dict[int, int] = defaultdict(int)


@register("test-script")
class ScriptedType(MonitorType):
    """Actions: ("up", ping) · ("up-noping",) · ("status", n, msg) · ("fail", msg) · ("raise", exc)
    · ("hang",) · ("garbage", value) · ("slow", seconds)."""

    async def check(self, monitor: dict, ctx) -> CheckResult:
        monitor_id = monitor["id"]
        CALLS[monitor_id] += 1
        queue = SCRIPTS[monitor_id]
        action = queue.popleft() if queue else LAST_ACTION.get(monitor_id, ("up", 5))
        LAST_ACTION[monitor_id] = action
        kind = action[0]
        if kind == "up":
            return CheckResult(msg="200 - OK", ping=action[1])
        if kind == "up-noping":
            return CheckResult(msg="ok")
        if kind == "status":
            return CheckResult(status=action[1], msg=action[2], ping=1)
        if kind == "fail":
            raise CheckFailed(action[1])
        if kind == "raise":
            raise action[1]
        if kind == "hang":
            await trio.sleep_forever()
        if kind == "garbage":
            return action[1]
        if kind == "slow":
            await trio.sleep(action[1])
            return CheckResult(msg="slow ok", ping=int(action[1] * 1000))
        raise AssertionError(f"unknown action {action}")


def script(monitor_id: int, *actions) -> None:
    SCRIPTS[monitor_id].extend(actions)


def reset_scripts() -> None:
    SCRIPTS.clear()
    LAST_ACTION.clear()
    CALLS.clear()


class Engine:
    def __init__(self, app: App, service: MonitoringService) -> None:
        self.app = app
        self.service = service
        self.readings = app.readings
        self.db = app.db
        self.events: list[BeatEvent] = []
        self._changed = trio.Event()
        service.add_beat_listener(self._on_beat)

    async def _on_beat(self, event: BeatEvent) -> None:
        self.events.append(event)
        self._changed.set()
        self._changed = trio.Event()

    def events_of(self, monitor_id: int) -> list[BeatEvent]:
        return [e for e in self.events if e.beat["monitor_id"] == monitor_id]

    async def wait_beats(self, monitor_id: int, count: int) -> list[BeatEvent]:
        """Wait until the monitor has `count` committed beats; return its events."""
        while len(self.events_of(monitor_id)) < count:
            await self._changed.wait()
        return self.events_of(monitor_id)

    async def add_monitor(self, **columns) -> int:
        row = {"name": "m", "type": "test-script", "interval": 20, "retry_interval": 20, "active": 1, "user_id": None}
        row.update(columns)

        def job(d):
            return d["monitor"].insert(row).last_pk

        return await self.db.write(job)

    def rows(self, sql: str, *params) -> list[dict]:
        """Read on the Trio thread: a worker thread would let the autojump clock leap meanwhile."""
        return self.db.read_now(lambda d: [dict(r) for r in d.conn.execute(sql, params).fetchall()])


class ThreadFence:
    """Keeps the Trio run loop busy while a worker thread runs (a reader, or the database's writer thread
    holding jobs), so Trio's autojump MockClock never leaps ahead during a database call: virtual time then
    only passes where the code really sleeps (a lazy write's linger is such a sleep)."""

    def __init__(self, db: Database) -> None:
        self.inflight = 0
        self.db = db
        self._wake = trio.Event()
        self._original = trio.to_thread.run_sync
        db.on_hand_over = self.wake

    def wake(self) -> None:
        self._wake.set()

    async def run_sync(self, fn, *args, **kwargs):
        self.inflight += 1
        self._wake.set()
        try:
            return await self._original(fn, *args, **kwargs)
        finally:
            self.inflight -= 1

    async def spin(self) -> None:
        while True:
            if self.inflight or self.db.jobs_in_thread:
                await trio.lowlevel.checkpoint()
            else:
                self._wake = trio.Event()
                await self._wake.wait()


@asynccontextmanager
async def running_engine(tmp_path: Path, *, autostart: bool = True, maintenance=None):
    """Yield an Engine whose service runs in a nursery; everything is cancelled on exit."""
    db = Database.open(tmp_path / "kuma.db")
    app = App(Config(data_dir=tmp_path), db)
    wall = lambda: BASE + trio.current_time()  # noqa: E731
    service = MonitoringService(app, settings=SettingsCache(db), wall_clock=wall)
    app.monitoring = service
    app.readings = Readings(db, wall)
    app.maintenance = maintenance or MaintenanceService(app)  # not running: no monitor is under maintenance
    engine = Engine(app, service)
    reset_scripts()
    fence = ThreadFence(db)
    trio.to_thread.run_sync = fence.run_sync
    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(fence.spin)
            await nursery.start(db.run_writer)
            async with trio.open_nursery() as services:
                app.nursery = services
                if autostart:
                    await services.start(service.run)
                else:
                    await services.start(service.supervisor.run)
                yield engine
                services.cancel_scope.cancel()
            nursery.cancel_scope.cancel()
    finally:
        trio.to_thread.run_sync = fence._original
        db.close()
