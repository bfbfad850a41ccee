"""What a client sends for add/editMaintenance (MaintenanceInput) → a `maintenance` row. Pure."""

from __future__ import annotations

import json
from typing import Any

from kuma.maintenance.windows import (
    CRON_STRATEGIES,
    RECURRING,
    STRATEGIES,
    InvalidMaintenance,
    build_cron,
    duration_between,
    parse_local_datetime,
    resolve_zone,
    validate_cron,
)


def _time_of(item: Any) -> tuple[int, int] | None:
    if not isinstance(item, dict):
        return None
    try:
        return int(item.get("hours") or 0), int(item.get("minutes") or 0)
    except (TypeError, ValueError):
        raise InvalidMaintenance("Invalid time range") from None


def _stored_date(text: Any, zone, label: str) -> str | None:
    if text in (None, ""):
        return None
    try:
        moment = parse_local_datetime(str(text), zone)
    except ValueError:
        raise InvalidMaintenance(f"Invalid {label} date") from None
    if moment is None:
        raise InvalidMaintenance(f"Invalid {label} date")
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M") if local.second == 0 else local.strftime("%Y-%m-%d %H:%M:%S")


def row_from_input(data: Any, server_tz: str) -> dict[str, Any]:
    """Validate and convert. Raises InvalidMaintenance with the user-facing message."""
    if not isinstance(data, dict):
        raise InvalidMaintenance("Invalid maintenance data")
    strategy = data.get("strategy") or "single"
    if strategy not in STRATEGIES:
        raise InvalidMaintenance(f"Unknown strategy: {strategy}")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InvalidMaintenance("Title is required")
    timezone_option = data.get("timezoneOption") or data.get("timezone") or None
    zone = resolve_zone(timezone_option, server_tz)
    date_range = data.get("dateRange") or []
    if not isinstance(date_range, list):
        date_range = []
    start_date = _stored_date(date_range[0] if len(date_range) > 0 else None, zone, "start")
    end_date = _stored_date(date_range[1] if len(date_range) > 1 else None, zone, "end")
    weekdays = [int(d) for d in (data.get("weekdays") or []) if str(d).lstrip("-").isdigit()]
    days_of_month = [
        d if str(d).startswith("lastDay") else int(d)
        for d in (data.get("daysOfMonth") or [])
        if str(d).startswith("lastDay") or str(d).isdigit()
    ]
    row: dict[str, Any] = {
        "title": title,
        "description": data.get("description") or "",
        "strategy": strategy,
        "active": 1 if data.get("active", True) not in (False, 0, "0", "false") else 0,
        "start_date": start_date,
        "end_date": end_date,
        "start_time": None,
        "end_time": None,
        "weekdays": json.dumps(weekdays, separators=(",", ":")),
        "days_of_month": json.dumps(days_of_month, separators=(",", ":")),
        "interval_day": int(data.get("intervalDay") or 1),
        "cron": None,
        "timezone": timezone_option,
        "duration": None,
    }
    if strategy in RECURRING:
        time_range = data.get("timeRange") or []
        start = _time_of(time_range[0] if len(time_range) > 0 else None) or (0, 0)
        end = _time_of(time_range[1] if len(time_range) > 1 else None) or start
        row["start_time"] = f"{start[0]:02d}:{start[1]:02d}"
        row["end_time"] = f"{end[0]:02d}:{end[1]:02d}"
        row["duration"] = duration_between(start, end)
        row["cron"] = build_cron(strategy, start, weekdays, days_of_month)
    elif strategy == "cron":
        cron = str(data.get("cron") or "")
        validate_cron(cron)
        row["cron"] = " ".join(cron.split())
        try:
            minutes = float(data.get("durationMinutes") or 0)
        except (TypeError, ValueError):
            raise InvalidMaintenance("Invalid duration") from None
        row["duration"] = int(minutes * 60)
    if strategy in CRON_STRATEGIES:
        validate_cron(row["cron"])
    if strategy == "single" and start_date and end_date and end_date < start_date:
        raise InvalidMaintenance("Invalid end date")
    return row
