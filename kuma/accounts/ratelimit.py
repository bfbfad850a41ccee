"""Token buckets that refill continuously and never wait: a request either takes a token or is refused.

Limits (socketio-events.md §7): login 20/min shared by every client (login, logout, failed basic-auth
logins), 2FA 30/min, API-key auth 60/min.
"""

from __future__ import annotations

import time
from collections.abc import Callable

LOGIN_PER_MINUTE = 20
TWOFA_PER_MINUTE = 30
API_KEY_PER_MINUTE = 60

LOGIN_MESSAGE = "Too frequently, try again later."
TWOFA_MESSAGE = "Too frequently, try again later."
API_KEY_MESSAGE = "Too frequently, try again later."


class TokenBucket:
    """`capacity` tokens, refilled at `capacity` per `interval` seconds, starting full."""

    def __init__(self, capacity: int, interval: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(capacity)
        self.rate = capacity / interval
        self.clock = clock
        self.tokens = float(capacity)
        self.updated = clock()

    def _refill(self) -> None:
        now = self.clock()
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now

    def try_take(self, count: float = 1) -> bool:
        """Take `count` tokens if there are enough; never blocks."""
        self._refill()
        if self.tokens >= count:
            self.tokens -= count
            return True
        return False

    @property
    def remaining(self) -> float:
        self._refill()
        return self.tokens


class RateLimits:
    """The process-wide buckets, one set per App (kept in the accounts state)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.login = TokenBucket(LOGIN_PER_MINUTE, 60.0, clock)
        self.twofa = TokenBucket(TWOFA_PER_MINUTE, 60.0, clock)
        self.api_key = TokenBucket(API_KEY_PER_MINUTE, 60.0, clock)
