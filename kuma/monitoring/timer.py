"""One timer for every monitor task asleep between its checks.

Why: `trio.sleep_until` gives each sleep a cancel scope of its own (a scope, its cancel status with two
sets, two coroutine frames, a place in Trio's deadline heap) and ends it by raising and catching a
`Cancelled` in the sleeping task. With 10,000 monitors that is ~1 KB per sleeping monitor and an
exception per check (issue #14). Here a sleeper is one small heap entry and a parked task: the timer's
task wakes at the earliest deadline and reschedules every task that is due, in deadline order.
A sleeping task stays cancellable (its entry is dropped from the heap lazily).

The timer's own wait ends without an exception: when its scope's deadline passes, Trio asks the parked
timer task to abort; the abort function reschedules it with a plain value instead (Abort.FAILED), so a
wake-up costs no `Cancelled` raised, caught and freed. A real cancellation (the service stopping) still
raises: the scope it finds is not the expired one.
"""

from __future__ import annotations

import heapq
import math
from functools import partial
from itertools import count

import trio

_ABORTED = None


def _abort(entry: list, _: object) -> trio.lowlevel.Abort:
    """A sleep was cancelled: its task leaves the heap (lazily: the timer skips the entry)."""
    entry[2] = _ABORTED
    return trio.lowlevel.Abort.SUCCEEDED


class Timer:
    """`run()` is the timer's task; `sleep_until(deadline)` parks the calling task until then."""

    def __init__(self) -> None:
        self._heap: list[list] = []  # [deadline, order, task (None once its sleep was cancelled), due]
        self._order = count()
        self._scope: trio.CancelScope | None = None  # the timer task's current wait
        self._task: trio.lowlevel.Task | None = None
        self.running = False

    def __len__(self) -> int:
        return len(self._heap)

    async def sleep_until(self, deadline: float) -> None:
        """Like `trio.sleep_until` (a checkpoint, cancellable), from the shared timer while it runs."""
        if not self.running:
            await trio.sleep_until(deadline)
            return
        if deadline <= trio.current_time():
            await trio.lowlevel.checkpoint()
            return
        entry = [deadline, next(self._order), trio.lowlevel.current_task(), True]
        heapq.heappush(self._heap, entry)
        scope = self._scope
        if scope is not None and deadline < scope.deadline:
            scope.deadline = deadline
        await trio.lowlevel.wait_task_rescheduled(partial(_abort, entry))  # a partial: smaller than a closure
        if not entry[3]:  # woken because the timer stopped first: sleep on alone
            await trio.sleep_until(deadline)

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(trio.current_time() + seconds)

    def _wake(self, _: object) -> trio.lowlevel.Abort:
        """The timer task's abort function: its own deadline passed → resume it with a value, no exception."""
        scope = self._scope
        if scope is not None and scope.cancel_called and self._task is not None:
            trio.lowlevel.reschedule(self._task)
            return trio.lowlevel.Abort.FAILED
        return trio.lowlevel.Abort.SUCCEEDED

    async def run(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        """Wake the due sleepers, wait for the next deadline (earlier ones shorten the wait); until cancelled."""
        heap = self._heap
        pop, reschedule, now_of, wake = heapq.heappop, trio.lowlevel.reschedule, trio.current_time, self._wake
        self._task = trio.lowlevel.current_task()
        self.running = True
        task_status.started()
        try:
            while True:
                now = now_of()
                while heap and heap[0][0] <= now:
                    task = pop(heap)[2]
                    if task is not _ABORTED:
                        reschedule(task)
                with trio.CancelScope(deadline=heap[0][0] if heap else math.inf) as self._scope:
                    await trio.lowlevel.wait_task_rescheduled(wake)
                self._scope = None
        finally:
            self.running = False
            self._scope = None
            self._task = None
            for entry in heap:  # sleepers left outside the timer's cancelled scope go on with Trio's own sleep
                if entry[2] is not _ABORTED:
                    entry[3] = False
                    trio.lowlevel.reschedule(entry[2])
            heap.clear()
