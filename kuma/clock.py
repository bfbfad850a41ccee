"""The server's one wall clock: epoch seconds and UTC datetimes for beat times, windows and stamps.

Every part that asks "what time is it?" asks `app.clock`, never `time.time()` or `datetime.now()`, so a
whole server can run on a pinned clock: `KUMA_CLOCK_START` (ISO 8601 or epoch seconds) makes it start at
that instant and run on at real speed. Tests use it to compare with captures made on another day;
an operator can use it to replay a database as of its capture. Monotonic time (timeouts, rate limits,
scheduling) stays with `trio.current_time()` / `time.monotonic()`: only the wall clock moves.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


class WallClock:
    """`time()` like `time.time()`; `utcnow()` an aware UTC datetime. Pinned when `start` is given."""

    def __init__(self, start: float | None = None) -> None:
        self.offset = 0.0 if start is None else start - time.time()

    def time(self) -> float:
        return time.time() + self.offset

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    @property
    def pinned(self) -> bool:
        return self.offset != 0.0


def parse_instant(text: str) -> float:
    """Epoch seconds from `1764151934.5` or an ISO 8601 time (`2026-11-26T10:12:30Z`; naive means UTC)."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
