"""The Maintenance object (socketio-events §5.8); `kuma.views.maintenance` builds the lists from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kuma.maintenance.windows import Schedule, json_list, parse_time, utc_offset_text


def _time_range_item(text: str | None) -> dict[str, int]:
    parsed = parse_time(text)
    if parsed is None:
        return {"hours": 0, "minutes": 0}
    return {"hours": parsed[0], "minutes": parsed[1], "seconds": 0}


def maintenance_json(row: dict[str, Any], server_tz: str, now: datetime, *, live: bool = True) -> dict[str, Any]:
    """`live=False` is getMaintenance's reply: an empty timeslotList as in the 2.5.3 capture; its `status` is
    the one `maintenanceList` shows (issue #13: clients read it from getMaintenance; the capture's "unknown"
    told them nothing). `now` (the app's clock) decides the status, the upcoming timeslots and the offset."""
    schedule = Schedule(row, server_tz)
    date_range = [row.get("start_date")]
    if row.get("end_date"):
        date_range.append(row["end_date"])
    duration = row.get("duration")
    out: dict[str, Any] = {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "strategy": row["strategy"],
        "intervalDay": row.get("interval_day"),
        "active": bool(row.get("active")),
        "dateRange": date_range,
        "timeRange": [_time_range_item(row.get("start_time")), _time_range_item(row.get("end_time"))],
        "weekdays": json_list(row.get("weekdays")),
        "daysOfMonth": json_list(row.get("days_of_month")),
        "timeslotList": [w.to_json() for w in schedule.timeslots(now)] if live else [],
        "cron": row.get("cron") or "",
    }
    if duration is not None:
        out["duration"] = duration
    out["durationMinutes"] = duration // 60 if duration is not None else None
    out["timezone"] = schedule.zone.key
    out["timezoneOption"] = row.get("timezone")
    out["timezoneOffset"] = utc_offset_text(schedule.zone, now)
    out["status"] = schedule.status(now)
    return out
