"""Maintenance window maths, pure: given a `maintenance` row, the time zone and "now", which windows exist
and what status the maintenance has. No I/O, no clock: callers pass `now` (an aware datetime).

Strategies (monitoring-semantics §6): `manual` (on while active), `single` (start_date → end_date),
recurring ones that become a cron (`recurring-interval`, `recurring-weekday`, `recurring-day-of-month`)
and `cron` (user cron + duration). A window starts at each cron fire and lasts `duration` seconds,
clipped at end_date; the date range bounds the whole schedule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RECURRING = ("recurring-interval", "recurring-weekday", "recurring-day-of-month")
CRON_STRATEGIES = (*RECURRING, "cron")
STRATEGIES = ("manual", "single", *CRON_STRATEGIES)
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)
#: How far ahead/back we look for cron fires. A window longer than this is not a window.
MAX_LOOKBACK = timedelta(days=400)


class InvalidMaintenance(ValueError):
    """Bad input for a maintenance; the message is shown to the user as is."""


@dataclass(frozen=True)
class Window:
    start: datetime  # aware
    end: datetime  # aware

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def to_json(self) -> dict[str, str]:
        return {"startDate": iso_utc(self.start), "endDate": iso_utc(self.end)}


def iso_utc(moment: datetime) -> str:
    """`2026-11-27T02:00:00.000Z`, as JavaScript's Date.toISOString() writes it."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def resolve_zone(option: str | None, server_tz: str) -> ZoneInfo:
    name = server_tz if not option or option == "SAME_AS_SERVER" else option
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def utc_offset_text(zone: ZoneInfo, now: datetime) -> str:
    offset = now.astimezone(zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_local_datetime(text: str | None, zone: ZoneInfo) -> datetime | None:
    """A stored/sent date (local to the maintenance's zone unless it says Z) → aware datetime."""
    if text is None or text == "":
        return None
    text = str(text).strip()
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if parsed.year > 9999:
            return None
        if text.endswith("Z"):
            return parsed.replace(tzinfo=UTC)
        return parsed.replace(tzinfo=zone)
    raise ValueError(text)


def parse_time(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    parts = str(text).split(":")
    return int(parts[0]), int(parts[1])


def json_list(text: Any) -> list:
    if isinstance(text, list):
        return text
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def build_cron(strategy: str, start_time: tuple[int, int], weekdays: list, days_of_month: list) -> str:
    """The cron Uptime Kuma generates for a recurring strategy."""
    hour, minute = start_time
    if strategy == "recurring-weekday":
        return f"{minute} {hour} * * {','.join(str(int(d)) for d in weekdays)}"
    if strategy == "recurring-day-of-month":
        days = ["L" if str(d).startswith("lastDay") else str(int(d)) for d in days_of_month]
        return f"{minute} {hour} {','.join(days)} * *"
    return f"{minute} {hour} * * *"


def duration_between(start_time: tuple[int, int], end_time: tuple[int, int]) -> int:
    seconds = (end_time[0] * 60 + end_time[1] - start_time[0] * 60 - start_time[1]) * 60
    return seconds + 86400 if seconds < 0 else seconds


def validate_cron(expression: str) -> None:
    """Raise InvalidMaintenance with a CronPattern-style message for a bad expression."""
    from croniter import croniter

    parts = str(expression or "").split()
    if len(parts) not in (5, 6):
        raise InvalidMaintenance(
            f"CronPattern: invalid configuration format ('{expression}'), exactly five or six space separated "
            "parts are required."
        )
    if not croniter.is_valid(" ".join(parts)):
        raise InvalidMaintenance(f"CronPattern: invalid configuration format ('{expression}')")


class Schedule:
    """The windows of one maintenance row, in its zone."""

    def __init__(self, row: dict[str, Any], server_tz: str) -> None:
        self.row = row
        self.strategy = row.get("strategy") or "single"
        self.zone = resolve_zone(row.get("timezone"), server_tz)
        self.start_date = self._date(row.get("start_date"))
        self.end_date = self._date(row.get("end_date"))
        self.duration = int(row["duration"]) if row.get("duration") not in (None, "") else None
        self.cron = row.get("cron") or ""
        self.interval_day = max(1, int(row.get("interval_day") or 1))

    def _date(self, text: Any) -> datetime | None:
        try:
            return parse_local_datetime(text, self.zone)
        except ValueError:
            return None

    # -- windows -----------------------------------------------------------------------------
    def _fires_before(self, moment: datetime) -> datetime | None:
        """The latest cron fire at or before `moment` (within the date range)."""
        from croniter import croniter

        if not self.cron:
            return None
        local = moment.astimezone(self.zone)
        it = croniter(self.cron, local + timedelta(seconds=1))  # a fire exactly at `moment` counts
        for _ in range(370):
            fire = it.get_prev(datetime)
            if fire > local:  # within the second after `moment` (cron has whole seconds): not yet
                continue
            if self.start_date and fire < self.start_date:
                return None
            if local - fire > MAX_LOOKBACK:
                return None
            if self._day_allowed(fire):
                return fire
        return None

    def _fires_after(self, moment: datetime) -> datetime | None:
        from croniter import croniter

        if not self.cron:
            return None
        local = moment.astimezone(self.zone)
        if self.start_date and local < self.start_date:
            local = self.start_date - timedelta(seconds=1)
        it = croniter(self.cron, local)
        for _ in range(370):
            fire = it.get_next(datetime)
            if self.end_date and fire >= self.end_date:
                return None
            if fire - local > MAX_LOOKBACK:
                return None
            if self._day_allowed(fire):
                return fire
        return None

    def _day_allowed(self, fire: datetime) -> bool:
        """recurring-interval: every `interval_day` days counted from the start date."""
        if self.strategy != "recurring-interval" or self.interval_day <= 1 or not self.start_date:
            return True
        return (fire.date() - self.start_date.date()).days % self.interval_day == 0

    def _window_at(self, fire: datetime) -> Window:
        end = fire + timedelta(seconds=self.duration or 0)
        if self.end_date and end > self.end_date:
            end = self.end_date
        return Window(fire.astimezone(UTC), end.astimezone(UTC))

    def current_window(self, now: datetime) -> Window | None:
        """The window `now` falls in, if any (single: its dates; cron strategies: the last fire + duration)."""
        if self.strategy == "single":
            if self.start_date and self.end_date and self.start_date <= now < self.end_date:
                return Window(self.start_date.astimezone(UTC), self.end_date.astimezone(UTC))
            return None
        if self.strategy not in CRON_STRATEGIES or not self.duration:
            return None
        fire = self._fires_before(now)
        if fire is None:
            return None
        window = self._window_at(fire)
        return window if window.contains(now) else None

    def next_window(self, now: datetime) -> Window | None:
        """The first window that starts after `now`, if the strategy has one."""
        if self.strategy == "single":
            if self.start_date and self.end_date and now < self.start_date:
                return Window(self.start_date.astimezone(UTC), self.end_date.astimezone(UTC))
            return None
        if self.strategy not in CRON_STRATEGIES:
            return None
        fire = self._fires_after(now)
        return None if fire is None else self._window_at(fire)

    # -- what the API shows --------------------------------------------------------------------
    def status(self, now: datetime) -> str:
        """Uptime Kuma's status text at `now`: inactive, under-maintenance, scheduled, ended or unknown."""
        if not self.row.get("active"):
            return "inactive"
        if self.strategy == "manual":
            return "under-maintenance"
        if self.strategy == "single":
            if not self.start_date or not self.end_date:
                return "unknown"
            if now < self.start_date:
                return "scheduled"
            return "under-maintenance" if now < self.end_date else "ended"
        if self.end_date and now >= self.end_date:
            return "ended"
        if self.current_window(now):
            return "under-maintenance"
        return "scheduled" if self.next_window(now) else "ended"

    def timeslots(self, now: datetime) -> list[Window]:
        """The current and next windows, as the maintenance list shows them."""
        if self.strategy == "manual":
            return []
        if self.strategy == "single":
            if self.start_date and self.end_date:
                return [Window(self.start_date.astimezone(UTC), self.end_date.astimezone(UTC))]
            return []
        slots = []
        current = self.current_window(now)
        if current:
            slots.append(current)
        following = self.next_window(current.end if current else now)
        if following and (not current or following.start != current.start):
            slots.append(following)
        return slots

    def next_edge(self, now: datetime) -> datetime | None:
        """When this maintenance's status can next change (a window starts or ends)."""
        if not self.row.get("active") or self.strategy == "manual":
            return None
        current = self.current_window(now)
        if current:
            return current.end
        upcoming = self.next_window(now)
        if upcoming:
            return upcoming.start
        return None
