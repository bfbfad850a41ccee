"""Reports as CSV, one layout for `kuma report --format csv` and `GET /api/v1/monitors/{id}/report?format=csv`:
a summary row per monitor (kind=monitor), then a row per outage under it (kind=outage)."""

from __future__ import annotations

import csv
import io
from typing import Any

CSV_COLUMNS = (
    "monitorId", "name", "from", "to", "uptimePercent", "upSeconds", "downtimeSeconds", "downtimeCount",
    "longestOutageSeconds", "maintenanceSeconds", "unknownSeconds", "avgResponseMs", "p95ResponseMs", "beats",
)  # fmt: skip
OUTAGE_COLUMNS = ("outageStart", "outageEnd", "outageSeconds", "outageMessage")


def write_csv(reports: list[dict[str, Any]], out: Any) -> None:
    """The reports (the JSON bodies of `report_data`) as CSV into the text stream `out`."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("kind", *CSV_COLUMNS, *OUTAGE_COLUMNS))
    for report in reports:
        writer.writerow(("monitor", *(_cell(report[c]) for c in CSV_COLUMNS), "", "", "", ""))
        for outage in report["outages"]:
            lead = [report["monitorId"], report["name"]] + [""] * (len(CSV_COLUMNS) - 2)
            writer.writerow(
                ("outage", *lead, outage["start"], outage["end"], outage["durationSeconds"], outage["message"])
            )


def csv_text(reports: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    write_csv(reports, out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    return "" if value is None else value
