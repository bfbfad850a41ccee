"""One task per running monitor, each in its own cancel scope inside one nursery.

The supervisor knows nothing about beats: it runs `runner(monitor_id, first_delay)` for each started
monitor and keeps it alive. A runner that crashes is logged and restarted after a pause; nothing a
runner does can end the nursery or another monitor's task. Start/stop/restart of one id are serialised
so that a restart never leaves two tasks for one monitor.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import trio

from kuma.monitoring.timer import Timer

log = logging.getLogger(__name__)

Runner = Callable[[int, float], Awaitable[None]]

#: Pause before a crashed runner is started again.
CRASH_PAUSE = 20.0


class _Task:
    """One monitor's task: its cancel scope, and an event made only when someone waits for its end."""

    __slots__ = ("scope", "finished", "_done")

    def __init__(self) -> None:
        self.scope = trio.CancelScope()
        self.finished = False
        self._done: trio.Event | None = None

    async def wait(self) -> None:
        if not self.finished:
            if self._done is None:
                self._done = trio.Event()
            await self._done.wait()

    def finish(self) -> None:
        self.finished = True
        if self._done is not None:
            self._done.set()


class Supervisor:
    """Keeps one task per running monitor alive, each cancellable on its own, and knows nothing of beats:
    starting, stopping and restarting a monitor is only a matter of its task."""

    def __init__(self, runner: Runner) -> None:
        self._runner = runner
        self._nursery: trio.Nursery | None = None
        self._tasks: dict[int, _Task] = {}
        self._locks: dict[int, trio.Lock] = {}
        #: the sleeps of the monitor tasks between their checks (one timer task for all of them)
        self.timer = Timer()

    @property
    def running(self) -> bool:
        return self._nursery is not None

    def running_ids(self) -> list[int]:
        return sorted(self._tasks)

    def is_running(self, monitor_id: int) -> bool:
        return monitor_id in self._tasks

    async def run(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        """The supervisor's own task: holds the nursery until cancelled."""
        try:
            async with trio.open_nursery() as nursery:
                await nursery.start(self.timer.run)
                self._nursery = nursery
                task_status.started()
                await trio.sleep_forever()
        finally:
            self._nursery = None
            self._tasks.clear()

    def _lock(self, monitor_id: int) -> trio.Lock:
        lock = self._locks.get(monitor_id)
        if lock is None:
            lock = self._locks[monitor_id] = trio.Lock()
        return lock

    async def start(self, monitor_id: int, first_delay: float = 0.0) -> None:
        """(Re)start the monitor's task; an existing task is stopped first."""
        if self._nursery is None:
            raise RuntimeError("monitor supervisor is not running")
        async with self._lock(monitor_id):
            await self._stop_locked(monitor_id)
            task = _Task()
            self._tasks[monitor_id] = task
            self._nursery.start_soon(self._keep_running, monitor_id, first_delay, task, name=f"monitor-{monitor_id}")

    def start_new(self, monitor_id: int, first_delay: float = 0.0) -> None:
        """Start a task for a monitor that has none (the boot): no lock, no wait, so thousands of monitors
        start in one go and the app is ready at once; a monitor already running is left alone."""
        if self._nursery is None:
            raise RuntimeError("monitor supervisor is not running")
        if monitor_id in self._tasks:
            return
        task = _Task()
        self._tasks[monitor_id] = task
        self._nursery.start_soon(self._keep_running, monitor_id, first_delay, task, name=f"monitor-{monitor_id}")

    def spawn(self, fn: Callable[[], Awaitable[None]]) -> None:
        """Run a helper task of the monitors' (e.g. the first-check gate's watcher) in the nursery."""
        if self._nursery is None:
            raise RuntimeError("monitor supervisor is not running")
        self._nursery.start_soon(fn)

    async def stop(self, monitor_id: int) -> None:
        """Cancel the monitor's task and wait until it has finished (its last beat is stored)."""
        async with self._lock(monitor_id):
            await self._stop_locked(monitor_id)

    async def _stop_locked(self, monitor_id: int) -> None:
        task = self._tasks.pop(monitor_id, None)
        if task is not None:
            task.scope.cancel()
            await task.wait()

    async def _keep_running(self, monitor_id: int, first_delay: float, task: _Task) -> None:
        try:
            with task.scope:
                while True:
                    try:
                        await self._runner(monitor_id, first_delay)
                        return  # the runner decided to end (e.g. the monitor row is gone)
                    except Exception:
                        log.exception("monitor %s: task crashed; restarting in %ss", monitor_id, CRASH_PAUSE)
                    await self.timer.sleep(CRASH_PAUSE)
                    first_delay = 0.0
        finally:
            if self._tasks.get(monitor_id) is task:
                del self._tasks[monitor_id]
            task.finish()
