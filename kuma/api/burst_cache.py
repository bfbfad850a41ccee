"""One build of a login burst for many logins (issue #15): `app.bursts`.

A thousand tabs, scripts or integrations logging in with the same token each needed the same lists and
the same per-monitor figures; building them per login (2,000 monitors: ~0.5 s of CPU each) made the ramp
minutes long. Here each part is built once and every login that may use it gets the same encoded `Wire`
objects (the same bytes on every websocket).

A login may use a build when nothing it shows has changed since the build began (its key is the same as
now: the database's non-beat write count, and per part what else it shows), or when the build began after
the login's socket joined its user's room (whatever changed later reaches that socket through the change
events, exactly as for a read of its own). Builds of one part never overlap: logins arriving while one
runs wait for it. Parts that hold more than `KEEP_LIMIT` bytes are not kept (each login streams its own,
memory-bounded as before).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import trio

if TYPE_CHECKING:
    from kuma.app import App

#: Logins that read their lists at once: the rest wait parked, so a thousand logins at once never make every
#: step of the event loop (and so every other socket's ack) wait behind a thousand login tasks' turns.
#: Only the reading is limited: sending is paced by each socket, and a client that does not read its burst
#: holds no slot.
LOGINS_READING = 8
#: Bytes of encoded frames a kept build may hold (larger ones serve only the logins that waited for them).
KEEP_LIMIT = 32 * 2**20


@dataclass
class _Build:
    key: Hashable
    started: float
    done: trio.Event = field(default_factory=trio.Event)
    value: Any = None
    failed: bool = False


class BurstCache:
    """Single-flight, generation-keyed builds of login-burst parts, shared by all logins."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._builds: dict[Hashable, _Build] = {}
        self.reading = trio.CapacityLimiter(LOGINS_READING)
        self._seq = 0  # stored beats seen
        self._beat_seq: dict[int, int] = {}  # monitor id → `_seq` at its latest stored beat
        self.built = 0  # builds run (for tests and benchmarks)
        self.shared = 0  # logins served by a build another login ran

    def lists_key(self, user_id: int) -> Hashable:
        """What the cached lists show besides the database: monitors under maintenance, DNS results."""
        app = self.app
        return (user_id, app.db.changes, app.monitoring.counters.column_updates, app.maintenance.covered_monitors())

    def figures_key(self, user_id: int, ids: list[int]) -> Hashable:
        """The figures of these monitors change with each beat stored for one of them (and their windows
        with the minute): a beat of one monitor leaves the other chunks' builds valid."""
        latest = max((self._beat_seq.get(i, 0) for i in ids), default=0)
        return (self.lists_key(user_id), latest, int(self.app.clock.time() // 60))

    async def on_beat(self, event: Any) -> None:
        """The engine's beat listener: the figures of that monitor changed."""
        self._seq += 1
        self._beat_seq[int(event.monitor["id"])] = self._seq

    async def get(
        self,
        part: Hashable,
        key: Hashable,
        joined_at: float,
        build: Callable[[], Awaitable[Any]],
        size: Callable[[Any], int],
    ) -> Any:
        """The part built by `build()`: a build another login ran when it may serve this one, else a
        new one (other logins may then share it)."""
        while True:
            current = self._builds.get(part)
            if current is not None and (current.key == key or current.started >= joined_at):
                await current.done.wait()
                if not current.failed:
                    self.shared += 1
                    return current.value
                if self._builds.get(part) is current:
                    del self._builds[part]
                continue
            return await self._build(part, key, build, size)

    async def _build(
        self, part: Hashable, key: Hashable, build: Callable[[], Awaitable[Any]], size: Callable[[Any], int]
    ) -> Any:
        entry = _Build(key, trio.current_time())
        self._builds[part] = entry
        self.built += 1
        try:
            entry.value = await build()
        except BaseException:
            entry.failed = True
            raise
        finally:
            entry.done.set()
            if (entry.failed or size(entry.value) > KEEP_LIMIT) and self._builds.get(part) is entry:
                del self._builds[part]  # waiters already hold it; nobody else keeps it alive
        return entry.value


def setup(app: App) -> None:
    """After the engine's setup: the cache listens to its beats."""
    app.bursts = BurstCache(app)
    app.monitoring.add_beat_listener(app.bursts.on_beat)
