"""`GET /api/v1/monitors/{id}/report`: the uptime report of `kuma report` (the same function,
`kuma.domain.reports.monitor_report`) as JSON, or as the same CSV with `format=csv` / `Accept: text/csv`."""

from __future__ import annotations

from typing import Any

from quart import Response, request

from kuma.domain import reports as domain
from kuma.rest.v1.monitors import owned
from kuma.rest.v1.routing import Api, Call, Invalid
from kuma.rest.v1.schema import Field, Schema
from kuma.rest.v1.timeparse import instant
from kuma.shapes.report_csv import csv_text

api = Api()
LATEST = 253402300799.0  # 9999-12-31T23:59:59Z

RULES = (
    "The rules: a beat's status holds until the next beat (the last beat before `from` gives the state the "
    "range opens in); time before the first known beat is unknown and counts nowhere; UP and PENDING count as "
    "up. Time under maintenance is reported as `maintenanceSeconds` and is **excluded from downtime and from "
    "the uptime denominator**: uptimePercent = up / (up + down), so a planned window never lowers the figure. "
    "An outage is a run of DOWN beats (a maintenance beat ends it), with its first DOWN beat's message; "
    "response times (average, p95 by nearest rank) are over UP beats with a ping. CSV: one `monitor` row, "
    "then one `outage` row per outage, as `kuma report --format csv` writes."
)
QUERY = Schema(
    "ReportQuery",
    {
        "from": Field("string", required=True, description="start, included: YYYY-MM-DD, ISO 8601 (no zone: UTC) or epoch seconds"),
        "to": Field("string", required=True, description="end, excluded: as `from`"),
        "format": Field("string", enum=("json", "csv"), description="default: JSON, or CSV when Accept asks for text/csv"),
    },
)  # fmt: skip
OUTAGE = Schema(
    "ReportOutage",
    {
        "start": Field("string", required=True, description="UTC, ISO 8601 with milliseconds"),
        "end": Field("string", required=True, description="the next non-DOWN beat, or `to` when still down"),
        "message": Field("string", required=True, description="the first DOWN beat's message"),
        "ongoing": Field("boolean", required=True, description="still down at `to`"),
        "durationSeconds": Field("number", required=True),
    },
)
REPORT = Schema(
    "MonitorReport",
    {
        "name": Field("string", required=True),
        "monitorId": Field("integer", required=True),
        "from": Field("string", required=True),
        "to": Field("string", required=True),
        "uptimePercent": Field("number", nullable=True, required=True, description="null: nothing up or down seen"),
        "upSeconds": Field("number", required=True),
        "downtimeSeconds": Field("number", required=True),
        "downtimeCount": Field("integer", required=True, description="the number of outages"),
        "maintenanceSeconds": Field("number", required=True, description="not downtime, not in the uptime"),
        "unknownSeconds": Field("number", required=True, description="before the first beat"),
        "longestOutageSeconds": Field("number", required=True),
        "avgResponseMs": Field("number", nullable=True, required=True),
        "p95ResponseMs": Field("number", nullable=True, required=True),
        "beats": Field("integer", required=True, description="beats in the range"),
        "outages": Field("array", required=True, items=Field("object", shape=OUTAGE)),
    },
)  # fmt: skip
CSV = "text/csv; charset=utf-8"


def _instant(call: Call, name: str) -> float:
    text = call.query.get(name)
    if text is None or text == "":
        raise Invalid([{"field": name, "msg": "is required"}])
    value = instant(text, name, 0.0)
    if not 0.0 <= value <= LATEST:  # also NaN and infinities
        raise Invalid([{"field": name, "msg": "must be between 1970-01-01 and 9999-12-31"}])
    return value


def wants_csv(choice: str | None) -> bool:
    if choice is not None:
        return choice == "csv"
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


@api.get(
    "/monitors/{id}/report",
    "Uptime report over a range: uptime %, outages, response times, maintenance time",
    "reports",
    query=QUERY,
    response=REPORT,
    other_media={"text/csv": {"type": "string"}},
    description=RULES,
)
async def monitor_report(call: Call) -> dict[str, Any] | Response:
    await owned(call, call.ids["id"])
    start, end = _instant(call, "from"), _instant(call, "to")
    if end <= start:
        raise Invalid([{"field": "to", "msg": "must be after `from`"}])
    report = await domain.monitor_report(call.app, call.ids["id"], start, end)
    if wants_csv(call.query.get("format")):
        return Response(csv_text([report]), content_type=CSV)
    return report
