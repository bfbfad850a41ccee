"""When a monitor started through the API makes its first check (issue #14: a thousand adds in a row).

The rule:
- a start that follows a quiet moment (no other start for `QUIET` seconds) checks at once: a single add,
  edit or resume from the dashboard gets its first beat as before;
- a start within `QUIET` of the previous one is **held**: its first check waits until no monitor has
  been started for `QUIET` seconds, or until `CAP` seconds after its own start, whichever comes first;
- the monitors a quiet moment releases together get their first checks spread over
  min(n × `SPREAD_PER_MONITOR`, `SPREAD_MAX`) seconds, in the order they were started.

Why: a script, an import or a client that adds monitors one at a time would otherwise pay each new
monitor's first check (a connection, a request, the beat's write and its live events, ~2–3 ms of CPU)
on the same event loop between its adds, and every later add's ack waits behind them. Held back, an
add is a write, a shape and an emit; the checks follow in one even stream once the burst is over (a
long burst releases its monitors one by one, `CAP` seconds after each start, at the rate they came).
The boot has its own spread (`boot.py`); types whose first check waits one interval (push) are not held.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Awaitable, Callable

import trio

#: Seconds without a start that end a burst.
QUIET = 0.25
#: A held monitor checks at the latest this many seconds after its start, burst or not.
CAP = 5.0
#: The first checks a quiet moment releases are spread over n × this many seconds …
SPREAD_PER_MONITOR = 0.005
#: … and never over more than this.
SPREAD_MAX = 5.0

#: The `first_delay` a held start hands its task (a real delay is ≥ 0): wait for `FirstChecks.wait`.
HELD = -1.0


class _Ticket:
    """One held monitor task: its latest release time, and the delay it gets when released."""

    __slots__ = ("cap", "delay", "released")

    def __init__(self, cap: float) -> None:
        self.cap = cap
        self.delay = 0.0
        self.released = trio.Event()


class FirstChecks:
    """The rule above. `admit()` at each API start says whether it is held; a held task awaits `wait()`.
    One watcher task exists only while tickets wait (started with `spawn`, e.g. the supervisor's nursery)."""

    def __init__(
        self, sleep: Callable[[float], Awaitable[None]], spawn: Callable[[Callable[[], Awaitable[None]]], None]
    ):
        self._sleep = sleep
        self._spawn = spawn
        self._last_start = -math.inf
        self._waiting: deque[_Ticket] = deque()
        self._watching = False
        self.released = 0  # tickets released so far (for tests and benchmarks)

    def admit(self) -> bool:
        """Note a start; True when it comes within `QUIET` of the previous one (its first check is held)."""
        now = trio.current_time()
        held = now - self._last_start < QUIET
        self._last_start = now
        return held

    async def wait(self) -> None:
        """Until this held monitor's first check may run (its slot of the spread included)."""
        ticket = _Ticket(trio.current_time() + CAP)
        self._waiting.append(ticket)
        if not self._watching:
            self._watching = True
            try:
                self._spawn(self._watch)
            except RuntimeError:  # no nursery (shutting down): nothing to wait for
                self._watching = False
                self._waiting.clear()
                return
        await ticket.released.wait()
        if ticket.delay > 0:
            await self._sleep(ticket.delay)

    async def _watch(self) -> None:
        """Release the capped tickets as their caps pass, and all of them once a quiet moment comes."""
        try:
            while self._waiting:
                now = trio.current_time()
                quiet_at = self._last_start + QUIET
                if now >= quiet_at:
                    self._release_all()
                    break
                while self._waiting and self._waiting[0].cap <= now:
                    self._release(self._waiting.popleft(), 0.0)
                if self._waiting:
                    await trio.sleep_until(min(quiet_at, self._waiting[0].cap))
        finally:
            self._watching = False
            if self._waiting:  # cancelled (shutdown): nobody is left waiting
                self._release_all()

    def _release_all(self) -> None:
        waiting, self._waiting = self._waiting, deque()
        n = len(waiting)
        window = min(n * SPREAD_PER_MONITOR, SPREAD_MAX)
        for i, ticket in enumerate(waiting):
            self._release(ticket, window * i / n)

    def _release(self, ticket: _Ticket, delay: float) -> None:
        ticket.delay = delay
        ticket.released.set()
        self.released += 1
