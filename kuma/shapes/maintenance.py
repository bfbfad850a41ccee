"""The Maintenance object (socketio-events §5.8) and the `maintenanceList` payload."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from kuma.maintenance.windows import Schedule, json_list, parse_time, utc_offset_text
from kuma.store.maintenance import all_maintenance, maintenance_ids_of_status_page
from kuma.store.settings import server_timezone

if TYPE_CHECKING:
    from kuma.app import App


def _time_range_item(text: str | None) -> dict[str, int]:
    parsed = parse_time(text)
    if parsed is None:
        return {"hours": 0, "minutes": 0}
    return {"hours": parsed[0], "minutes": parsed[1], "seconds": 0}


def maintenance_json(row: dict[str, Any], server_tz: str, now: datetime, *,
                     live: bool = True) -> dict[str, Any]:
    """`live=False` is getMaintenance's reply: empty timeslotList and status "unknown", as Uptime Kuma does.
    `now` (the app's clock) decides the status, the upcoming timeslots and the zone's offset."""
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
    out["status"] = schedule.status(now) if live else "unknown"
    return out


async def maintenance_list(app: "App", user_id: int | None = None, now: datetime | None = None) -> dict[str, Any]:
    """`maintenanceList`: every maintenance keyed by id (a string), as Uptime Kuma sends it.
    `now` defaults to the app's clock; the maintenance service passes its own."""
    moment = now or app.clock.utcnow()

    def build(db):
        tz = server_timezone(db)
        return {str(row["id"]): maintenance_json(row, tz, moment) for row in all_maintenance(db)}

    return await app.db.read(build)


async def status_page_maintenance_list(app: "App", status_page_id: int) -> list[dict[str, Any]]:
    """Maintenances linked to a status page that are under maintenance now (for its public JSON)."""
    now = app.clock.utcnow()

    def build(db):
        tz = server_timezone(db)
        wanted = set(maintenance_ids_of_status_page(db, status_page_id))
        shapes = [maintenance_json(row, tz, now) for row in all_maintenance(db) if row["id"] in wanted]
        return [s for s in shapes if s["status"] == "under-maintenance"]

    return await app.db.read(build)
