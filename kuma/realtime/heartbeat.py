"""One heartbeat timer for every Engine.IO session of a hub.

Why: a timer task per session made a thousand sessions a thousand sleeping tasks, each woken once more to
end when its peer left (~8 % of the server's CPU while 1,000 sockets leave). Here the deadlines sit in one
heap of `(deadline, sid)` and one task sleeps until the earliest. A pong does nothing here: the session's
deadline moved later, and when its old entry comes due it is filed again at the new one (a session that
answered its ping costs one heap push per interval, nothing else). A session that left is forgotten at
once (`forget`); its stale heap entry holds only the sid string and is skipped, or compacted away.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import Protocol

import trio


class Timed(Protocol):
    """What the timer calls when a session's filed deadline comes (`Connection.timer_due`)."""

    def timer_due(self, now: float) -> float | None:
        """Handle what is due; the next deadline to file, or None when the session is done."""


class Heartbeats:
    """The deadlines of every session, one task (`run`, in the hub's nursery) waking at the earliest."""

    def __init__(self, lookup: Callable[[str], Timed | None]) -> None:
        self._lookup = lookup  # sid → its connection while the hub knows it
        self._heap: list[tuple[float, str]] = []
        self._filed: dict[str, float] = {}  # sid → its one live entry's deadline (other entries are stale)
        self._scope: trio.CancelScope | None = None  # the sleep until the earliest deadline
        self.passes = 0  # wake-ups that found something due (tests and benchmarks read it)

    def __len__(self) -> int:
        """Sessions filed (the ones still timed)."""
        return len(self._filed)

    def schedule(self, sid: str, deadline: float) -> None:
        """File `sid` at `deadline` unless it is filed earlier already (then it is filed anew from there);
        the sleeping task wakes earlier if this is the new earliest."""
        filed = self._filed.get(sid)
        if filed is not None and filed <= deadline:
            return
        self._filed[sid] = deadline
        heapq.heappush(self._heap, (deadline, sid))
        scope = self._scope
        if scope is not None and deadline < scope.deadline:
            scope.deadline = deadline

    def forget(self, sid: str) -> None:
        """The session is done: no more calls for it; its heap entry goes once stale ones pile up."""
        self._filed.pop(sid, None)
        if len(self._heap) > 2 * len(self._filed) + 64:
            self._heap = [entry for entry in self._heap if self._filed.get(entry[1]) == entry[0]]
            heapq.heapify(self._heap)

    async def run(self) -> None:
        """Sleep until the earliest deadline (or an earlier one filed meanwhile), then one pass."""
        while True:
            deadline = self._heap[0][0] if self._heap else math.inf
            with trio.CancelScope(deadline=deadline) as scope:
                self._scope = scope
                await trio.sleep_forever()
            self._scope = None
            self.due(trio.current_time())

    def due(self, now: float) -> None:
        """Every entry due by `now`: its session handles its timers and is filed again at its next deadline."""
        found = False
        filed = self._filed
        while self._heap and self._heap[0][0] <= now:  # (`forget` may compact: no local alias of the heap)
            deadline, sid = heapq.heappop(self._heap)
            if filed.get(sid) != deadline:
                continue  # stale: the session left, or was filed earlier since
            conn = self._lookup(sid)
            following = None if conn is None else conn.timer_due(now)
            if following is None:
                filed.pop(sid, None)
                continue
            found = True
            filed[sid] = following
            heapq.heappush(self._heap, (following, sid))
        self.passes += found
