"""The live side of maintenance: which monitors are under maintenance right now.

The engine asks `is_under_maintenance(monitor_id)` before every check, so the answer is a set lookup,
recomputed here at window edges (and whenever a maintenance or its links change), never per check.
When the set of running maintenances changes, logged-in users get a fresh `maintenanceList`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import trio

from kuma.maintenance.windows import Schedule
from kuma.store.maintenance import all_maintenance, monitor_links, monitor_parents
from kuma.store.settings import server_timezone
from kuma.views.maintenance import maintenance_list

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)
MAX_SLEEP = 60.0


def monitors_covered(active_ids: set[int], links: list[tuple[int, int]], parents: dict[int, int | None]) -> set[int]:
    """Monitors linked to a running maintenance, directly or through an ancestor group."""
    direct = {monitor for monitor, maintenance in links if maintenance in active_ids}
    covered = set()
    for monitor in parents:
        seen: set[int] = set()
        node: int | None = monitor
        while node is not None and node not in seen:
            if node in direct:
                covered.add(monitor)
                break
            seen.add(node)
            node = parents.get(node)
    return covered | direct


class MaintenanceService:
    """Which monitors are under maintenance now, as a set recomputed at window edges and on changes, so the
    engine's question before every check is a lookup."""

    def __init__(self, app: App, clock: Callable[[], datetime] | None = None) -> None:
        self.app = app
        self.clock = clock or app.clock.utcnow  # the app's one wall clock (pinnable); tests pass their own
        self._under: frozenset[int] = frozenset()
        self._running: set[int] = set()
        self._changed = trio.Event()
        self._first_load = trio.Event()
        self._next_edge: datetime | None = None

    # -- what others ask -----------------------------------------------------------------------
    def is_under_maintenance(self, monitor_id: int) -> bool:
        return monitor_id in self._under

    def covered_monitors(self) -> frozenset[int]:
        """The monitors under maintenance now (a new object whenever it is recomputed): caches of lists that
        show it, such as the login burst's `monitorList`, compare it."""
        return self._under

    def running_maintenance_ids(self) -> set[int]:
        return set(self._running)

    def changed(self) -> None:
        """Call after any maintenance or link change (or a monitor's parent change)."""
        self._changed.set()

    async def refresh(self) -> bool:
        """Recompute now. Returns True when the set of running maintenances changed."""
        now = self.clock()

        def load(db):
            return all_maintenance(db), monitor_links(db), monitor_parents(db), server_timezone(db)

        rows, links, parents, tz = await self.app.db.read(load)
        running, edges = set(), []
        for row in rows:
            schedule = Schedule(row, tz)
            if schedule.status(now) == "under-maintenance":
                running.add(row["id"])
            edge = schedule.next_edge(now)
            if edge is not None:
                edges.append(edge)
        self._under = frozenset(monitors_covered(running, links, parents))
        changed = running != self._running
        self._running = running
        self._next_edge = min(edges) if edges else None
        self._first_load.set()
        return changed

    async def run(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        """The service: recompute the set at the next window edge (or when `changed()` says so) and send the
        list to logged-in users when it moved."""
        await self.refresh()
        task_status.started()
        while True:
            delay = MAX_SLEEP
            if self._next_edge is not None:
                delay = min(MAX_SLEEP, max(0.05, (self._next_edge - self.clock()).total_seconds() + 0.01))
            with trio.move_on_after(delay):
                await self._changed.wait()
            self._changed = trio.Event()
            try:
                if await self.refresh():
                    await self.broadcast_list()
            except Exception:
                log.exception("maintenance refresh failed")

    async def broadcast_list(self) -> None:
        """Send `maintenanceList` to every logged-in user's room."""
        hub = self.app.hub
        rooms = {str(s.user_id) for s in hub.sockets() if getattr(s, "user_id", None) is not None}
        if not rooms:
            return
        payload = await maintenance_list(self.app, now=self.clock())
        for room in rooms:
            await hub.emit("maintenanceList", payload, room=room)


def setup(app: App) -> None:
    service = MaintenanceService(app)
    app.maintenance = service
    app.add_service("maintenance", service.run)
