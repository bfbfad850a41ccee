"""Setting values (decoded JSON) for the engine's checks and jobs, cached for a minute.

Checks ask for settings synchronously (`CheckContext.settings`), so a value not cached yet is read on
the Trio thread (`Database.read_now`); a minute later it is read again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import trio

from kuma.store import Database
from kuma.store.settings import get_setting

SETTINGS_TTL = 60.0


class SettingsCache:
    """Settings the checks read synchronously, cached for `ttl` seconds so a check does not cost a read."""

    def __init__(
        self, db: Database, *, ttl: float = SETTINGS_TTL, now: Callable[[], float] = trio.current_time
    ) -> None:
        self._db = db
        self._ttl = ttl
        self._now = now  # monotonic seconds (Trio's clock: MockClock in tests)
        self._cache: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        """The setting's value (decoded JSON, None when unset), at most `ttl` seconds old."""
        now = self._now()
        cached = self._cache.get(key)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        value = self._db.read_now(lambda d: get_setting(d, key))
        self._cache[key] = (now, value)
        return value

    __call__ = get

    def clear(self) -> None:
        self._cache.clear()
