"""Uptime/SLA report of one monitor over a time range [start, end), from its beats (pure, no I/O).

The rules, stated once (docs/CONFIG.md repeats them for users):

- A beat's status holds from its time until the next beat's time (or `end`). The last beat before `start`
  says what the monitor was doing when the range opens; the range is clipped to [start, end).
- Time before the first known beat is *unknown* and counts nowhere (neither up nor down).
- UP (1) and PENDING (2) count as up: pending is a retry that has not yet been declared down, as
  Uptime Kuma's uptime figures count it.
- MAINTENANCE (3) time is reported on its own and is **excluded from downtime and from the uptime
  denominator**: uptime % = up time / (up time + down time). A planned window never lowers the SLA.
- An outage is a maximal run of DOWN (0) beats; it starts at the first DOWN beat (or `start` when the
  range opens down), ends at the next non-DOWN beat (or `end`, then `ongoing`), and carries the first
  DOWN beat's message. A maintenance beat ends an outage.
- Response times (average, p95 by nearest rank) are over UP beats in the range that have a ping.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

DOWN, UP, PENDING, MAINTENANCE = 0, 1, 2, 3


@dataclass(frozen=True)
class Beat:
    """What a report needs of a heartbeat row: epoch seconds, status, message, ping (ms or None)."""

    time: float
    status: int
    msg: str = ""
    ping: float | None = None


@dataclass
class Outage:
    start: float
    end: float
    message: str
    ongoing: bool = False

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Report:
    """One monitor's report over [start, end): the seconds per state, outages and response figures."""

    monitor_id: int
    start: float
    end: float
    up_seconds: float = 0.0
    down_seconds: float = 0.0
    maintenance_seconds: float = 0.0
    unknown_seconds: float = 0.0
    outages: list[Outage] = field(default_factory=list)
    avg_response_ms: float | None = None
    p95_response_ms: float | None = None
    beats: int = 0

    @property
    def uptime_percent(self) -> float | None:
        """None when nothing up or down was observed (all maintenance / unknown)."""
        counted = self.up_seconds + self.down_seconds
        return None if counted <= 0 else round(100.0 * self.up_seconds / counted, 4)

    @property
    def longest_outage(self) -> Outage | None:
        return max(self.outages, key=lambda o: o.duration, default=None)


def _spans(beats: list[Beat], before: Beat | None, start: float, end: float) -> list[tuple[float, float, Beat]]:
    """(from, to, beat) pieces covering [start, end) where a status is known."""
    ordered = ([before] if before is not None else []) + sorted(
        (b for b in beats if start <= b.time < end), key=lambda b: b.time
    )
    spans = []
    for index, beat in enumerate(ordered):
        stop = ordered[index + 1].time if index + 1 < len(ordered) else end
        lo, hi = max(beat.time, start), min(stop, end)
        if hi > lo:
            spans.append((lo, hi, beat))
    return spans


def _outages(spans: list[tuple[float, float, Beat]], end: float) -> list[Outage]:
    outages: list[Outage] = []
    current: Outage | None = None
    for lo, hi, beat in spans:
        if beat.status == DOWN:
            if current is None:
                current = Outage(lo, hi, beat.msg or "")
                outages.append(current)
            current.end = hi
        else:
            current = None
    if outages and outages[-1].end >= end and spans and spans[-1][2].status == DOWN:
        outages[-1].ongoing = True
    return outages


def p95(values: list[float]) -> float | None:
    """Nearest-rank 95th percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def compute(monitor_id: int, beats: list[Beat], before: Beat | None, start: float, end: float) -> Report:
    """The report of [start, end); `before` is the last beat earlier than `start` (or None)."""
    if end <= start:
        raise ValueError("the report's end must be after its start")
    report = Report(monitor_id, start, end)
    spans = _spans(beats, before, start, end)
    for lo, hi, beat in spans:
        if beat.status == DOWN:
            report.down_seconds += hi - lo
        elif beat.status == MAINTENANCE:
            report.maintenance_seconds += hi - lo
        else:
            report.up_seconds += hi - lo
    report.unknown_seconds = (end - start) - sum(hi - lo for lo, hi, _ in spans)
    report.outages = _outages(spans, end)
    in_range = [b for b in beats if start <= b.time < end]
    report.beats = len(in_range)
    pings = [float(b.ping) for b in in_range if b.status == UP and b.ping is not None]
    report.avg_response_ms = round(sum(pings) / len(pings), 3) if pings else None
    report.p95_response_ms = p95(pings)
    return report


def as_dict(report: Report, iso: Any) -> dict[str, Any]:
    """The report as JSON-ready data; `iso(epoch) -> str` formats instants."""
    longest = report.longest_outage
    return {
        "monitorId": report.monitor_id,
        "from": iso(report.start),
        "to": iso(report.end),
        "uptimePercent": report.uptime_percent,
        "upSeconds": round(report.up_seconds, 3),
        "downtimeSeconds": round(report.down_seconds, 3),
        "downtimeCount": len(report.outages),
        "maintenanceSeconds": round(report.maintenance_seconds, 3),
        "unknownSeconds": round(report.unknown_seconds, 3),
        "longestOutageSeconds": round(longest.duration, 3) if longest else 0,
        "avgResponseMs": report.avg_response_ms,
        "p95ResponseMs": report.p95_response_ms,
        "beats": report.beats,
        "outages": [{**_outage(o, iso), "durationSeconds": round(o.duration, 3)} for o in report.outages],
    }


def _outage(outage: Outage, iso: Any) -> dict[str, Any]:
    data = asdict(outage)
    return {
        "start": iso(data["start"]),
        "end": iso(data["end"]),
        "message": data["message"],
        "ongoing": data["ongoing"],
    }
