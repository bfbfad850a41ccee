"""Monitor reports (issue 21): uptime %, outages, response times, maintenance time over [start, end).

The figures and their rules are `kuma.rules.reports`; this module reads the beats. `monitor_report` is
what a transport calls (REST `GET /api/v1/monitors/{id}/report`); `read_report` runs on any
`sqlite_utils.Database`, so `kuma report` uses it on a read-only connection to a running server's file.
`month_report` is the dashboard's monthly page (Socket.IO `getMonitorReport`) over the same function.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlite_utils

from kuma.domain.errors import DomainError
from kuma.rules import report_months as months
from kuma.rules.reports import Beat, Report, as_dict, compute
from kuma.store import reports as store
from kuma.store.heartbeats import format_time, parse_time
from kuma.timezones import valid_timezone

if TYPE_CHECKING:
    from kuma.app import App


def iso(epoch: float) -> str:
    """Epoch seconds → `2026-11-01T00:00:00.000Z` (what reports print)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(epoch * 1000) % 1000:03d}Z"


def parse_instant(text: Any) -> float:
    """`2026-11-01`, `2026-11-01T10:00:00Z`, `2026-11-01 10:00:00.500` (UTC) or epoch seconds → epoch."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    if not isinstance(text, str) or not text.strip():
        raise DomainError("Invalid time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)")
    value = text.strip()
    if value.isdigit():
        return float(value)
    if len(value) == 10:
        value += " 00:00:00"
    try:
        return parse_time(value.replace("+00:00", ""))
    except ValueError:
        raise DomainError(f"Invalid time {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)") from None


_EPOCH = datetime(1970, 1, 1)


def _epoch(text: str) -> float:
    """`parse_time`'s value, without `time.strptime` for the stored form (a month of beats is 43,200 of them)."""
    main, _, frac = text.partition(".")
    try:
        delta = datetime.fromisoformat(main) - _EPOCH
    except (ValueError, TypeError):  # another form, or a zone: the general parser
        return parse_time(text)
    if delta.microseconds or (frac and not frac.isdigit()):
        return parse_time(text)
    return delta.days * 86400 + delta.seconds + (float("0." + frac) if frac else 0.0)


def _beat(row: dict[str, Any]) -> Beat:
    return Beat(_epoch(row["time"]), int(row["status"]), row.get("msg") or "", row.get("ping"))


def read_report(db: sqlite_utils.Database, monitor_id: int, start: float, end: float) -> Report:
    """The report of one monitor (read on the calling thread)."""
    if end <= start:
        raise DomainError("The report's end must be after its start")
    rows = store.beats_between(db, monitor_id, format_time(start), format_time(end))
    before = store.beat_before(db, monitor_id, format_time(start))
    return compute(monitor_id, [_beat(r) for r in rows], _beat(before) if before else None, start, end)


def report_data(
    db: sqlite_utils.Database, monitor_id: int, start: float, end: float, names: dict[int, str] | None = None
) -> dict[str, Any]:
    """`read_report` as JSON-ready data (the `kuma report` / REST body), with the monitor's name
    (`names`: every monitor's, when the caller reports on many)."""
    names = store.monitor_names(db) if names is None else names
    if monitor_id not in names:
        raise DomainError(f"No monitor with id {monitor_id}")
    return {"name": names[monitor_id], **as_dict(read_report(db, monitor_id, start, end), iso)}


async def monitor_report(app: App, monitor_id: int, start: float, end: float) -> dict[str, Any]:
    """The report body of one monitor over [start, end) (epoch seconds); DomainError for an unknown id."""
    return await app.db.read(lambda db: report_data(db, monitor_id, start, end))


async def month_report(app: App, user_id: int, monitor_id: Any, options: Any) -> dict[str, Any]:
    """The dashboard's monthly report (`getMonitorReport`): `options` `{month: "YYYY-MM", timezone}` (month
    default: the current one in that zone, by the server's clock) → `{month, timezone, report}`, where
    `report` is `monitor_report` of the month's [start, end). DomainError for bad input or another's monitor."""
    from kuma.domain.monitors import owned_row

    row = await owned_row(app, user_id, monitor_id)
    options = options if isinstance(options, dict) else {}
    zone_name = options.get("timezone") or "UTC"
    if not valid_timezone(zone_name):
        raise DomainError(f"Unknown time zone {zone_name!r}")
    zone = ZoneInfo(zone_name)
    month = options.get("month") or months.month_of(app.clock.time(), zone)
    try:
        start, end = months.month_bounds(month, zone)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    report = await monitor_report(app, int(row["id"]), start, end)
    return {"month": month, "timezone": zone_name, "report": report}
