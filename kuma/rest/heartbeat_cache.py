"""The `/api/status-page/heartbeat/:slug` body, built once per change instead of once per request.

At 200 monitors the body holds 20,000 beats (~1.3 MB); reading and writing it costs far more than the
≤ 20 ms a page load should take, and every visitor of a page asks for the same bytes. An entry (body,
ETag, the page's monitor ids) is dropped at once when:
- a beat of one of its monitors is stored (the engine's beat listener; Uptime Kuma clears only on
  important beats, so this caches less, as the spec allows);
- any other write is committed (page edits, monitor or heartbeat deletes, retention: `Database.changes`,
  which beats, written `routine`, leave alone: other monitors' beats keep it);
- the minute changes (the 24-hour uptime window moves by minute buckets), or it is `MAX_AGE` old (bounds
  what a change made behind the server's back, by another process, can leave stale).
A body read while something changed is sent but not kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import trio

from kuma.rest.public_http import weak_etag

#: Seconds an entry is served at most (within the minute it was built in).
MAX_AGE = 10.0

Builder = Callable[[str, float], Awaitable[tuple[bytes, list[int]]]]


@dataclass
class _Entry:
    body: bytes
    etag: str
    ids: frozenset[int]
    other_writes: int
    minute: int
    built_at: float


class HeartbeatCache:
    """Status pages' heartbeat bodies, built once per change and dropped when a beat or another write may
    have made them stale (see the module docstring)."""

    def __init__(self, other_writes: Callable[[], int]) -> None:
        self._other_writes = other_writes
        self._entries: dict[str, _Entry] = {}
        self._generation = 0  # bumped whenever an entry may have gone stale
        self.hits = 0
        self.builds = 0

    async def on_beat(self, event: Any) -> None:
        """Beat listener: drop every page holding this monitor (synchronous: no await before it is done)."""
        monitor_id = int(event.monitor["id"])
        stale = [slug for slug, entry in self._entries.items() if monitor_id in entry.ids]
        if stale:
            self._generation += 1
            for slug in stale:
                del self._entries[slug]

    async def get(self, slug: str, now: float, build: Builder) -> tuple[bytes, str]:
        """(body, weak ETag) of the page, from the cache when nothing changed since it was built."""
        minute, writes, clock = int(now // 60), self._other_writes(), trio.current_time()
        entry = self._entries.get(slug)
        if entry is not None and entry.other_writes == writes and entry.minute == minute:
            if clock - entry.built_at <= MAX_AGE:
                self.hits += 1
                return entry.body, entry.etag
        generation = self._generation
        body, ids = await build(slug, now)
        etag = weak_etag(body)
        self.builds += 1
        if generation == self._generation and self._other_writes() == writes:
            self._entries[slug] = _Entry(body, etag, frozenset(ids), writes, minute, clock)
        return body, etag
