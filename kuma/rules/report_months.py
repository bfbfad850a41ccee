"""Calendar months for the dashboard's monthly report (pure): a `YYYY-MM` month in a time zone → the
instants [start, end) it covers, and the month an instant falls in. A month starts at local midnight of
its first day, so in Europe/Berlin November 2026 is 2026-10-31T23:00Z – 2026-11-30T23:00Z."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: object) -> tuple[int, int]:
    """`2026-11` → (2026, 11); ValueError for anything else."""
    found = MONTH.match(text) if isinstance(text, str) else None
    if found is None:
        raise ValueError("month must be YYYY-MM")
    year, month = int(found[1]), int(found[2])
    if not 1970 <= year <= 9998 or not 1 <= month <= 12:
        raise ValueError("month must be YYYY-MM, between 1970-01 and 9998-12")
    return year, month


def shift(year: int, month: int, months: int) -> tuple[int, int]:
    """The month `months` later (earlier when negative)."""
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_bounds(text: object, zone: ZoneInfo) -> tuple[float, float]:
    """Epoch seconds of local midnight on the month's first day and on the next month's first day."""
    year, month = parse_month(text)
    next_year, next_month = shift(year, month, 1)
    start = datetime(year, month, 1, tzinfo=zone).timestamp()
    return start, datetime(next_year, next_month, 1, tzinfo=zone).timestamp()


def month_of(epoch: float, zone: ZoneInfo) -> str:
    """The `YYYY-MM` month an instant falls in, in `zone`."""
    moment = datetime.fromtimestamp(epoch, zone)
    return month_text(moment.year, moment.month)
