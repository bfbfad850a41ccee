"""Uptime and average ping from the stat_* aggregates (monitoring-semantics §7), as pure functions.

Windows: `24` = the last 1440 minute buckets (current minute included), `720` = the last 30 daily
buckets (today included), `1y` = the last 365 daily buckets. Badges ask for other spans by unit and
count. Ratio = Σup / (Σup + Σdown) (PENDING counted as down, MAINTENANCE as neither); average ping =
Σ(avg × up) / Σup. No data → uptime 0, average ping None.
"""

from __future__ import annotations

from kuma.store.stats import UNIT_TABLES, WindowSums

UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}

#: The three periods the `uptime` event reports: period → (bucket unit, bucket count).
PERIODS: dict[str, tuple[str, int]] = {"24": ("minute", 1440), "720": ("day", 30), "1y": ("day", 365)}


def period_key(period: int | str) -> str:
    """Accept 24 / "24" / 720 / "720" / "1y"."""
    key = str(period).strip()
    if key not in PERIODS:
        raise ValueError(f"unknown uptime period: {period!r}")
    return key


def window_start(now: float, unit: str, count: int) -> int:
    """Timestamp of the oldest bucket of a window of `count` buckets ending with the current one."""
    length = UNIT_SECONDS[unit]
    current = int(now // length) * length
    return current - (max(1, count) - 1) * length


def table_for(unit: str) -> str:
    return UNIT_TABLES[unit]


def json_number(value: float) -> float | int:
    """Integral values as int so the wire shows `1`, not `1.0` (as JavaScript prints them)."""
    return int(value) if float(value).is_integer() else value


def uptime_ratio(sums: WindowSums) -> float | int:
    total = sums.up + sums.down
    if total <= 0:
        return 0
    return json_number(sums.up / total)


def average_ping(sums: WindowSums) -> float | None:
    if sums.up <= 0:
        return None
    return sums.ping_weighted / sums.up


def rounded_ping(value: float | None) -> float | int | None:
    """The `avgPing` event value: 2 decimals, integral values as integers."""
    if value is None:
        return None
    return json_number(round(value, 2))
