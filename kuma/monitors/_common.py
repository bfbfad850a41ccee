"""Small helpers shared by the check types: the effective timeout and elapsed-time rounding."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import trio


def effective_timeout(monitor: Mapping[str, Any]) -> float:
    """Seconds a check may take: `timeout`, or interval × 0.8 when timeout ≤ 0 / NULL (spec §1)."""
    try:
        timeout = float(monitor.get("timeout") or 0)
    except (TypeError, ValueError):
        timeout = 0.0
    if timeout > 0:
        return timeout
    return interval_seconds(monitor) * 0.8


def interval_seconds(monitor: Mapping[str, Any]) -> float:
    """Interval 0/empty counts as 1 s at runtime (spec §1)."""
    try:
        interval = float(monitor.get("interval") or 0)
    except (TypeError, ValueError):
        interval = 0.0
    return interval if interval >= 1 else 1.0


def elapsed_ms(start: float) -> int:
    """Whole milliseconds since `start` (a `trio.current_time()` value), as Uptime Kuma stores pings."""
    return round((trio.current_time() - start) * 1000)


def as_bool(value: Any) -> bool:
    """SQLite booleans arrive as 0/1, '0'/'1', True/False or None."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true")
    return bool(value)
