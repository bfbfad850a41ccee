"""`kuma report`: a monitor's (or every monitor's) uptime report as JSON or CSV, on a read-only connection,
so it runs beside a server that holds the folder."""

from __future__ import annotations

import argparse
import json
import sys

from kuma.cli import _add_data_dir, command
from kuma.shapes.report_csv import write_csv


def _configure(parser: argparse.ArgumentParser) -> None:
    _add_data_dir(parser)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--monitor", type=int, help="the monitor's id")
    which.add_argument("--all", action="store_true", help="every monitor")
    parser.add_argument("--from", dest="start", required=True, help="start (UTC): YYYY-MM-DD or ISO time")
    parser.add_argument("--to", dest="end", required=True, help="end, excluded (UTC): YYYY-MM-DD or ISO time")
    parser.add_argument("--format", choices=("json", "csv"), default="json")


@command("report", "uptime report of monitors over a time range (JSON or CSV; works beside a running server)")(
    _configure
)
def report(args: argparse.Namespace) -> int:
    from kuma.automation.folder import open_read_only
    from kuma.domain.errors import DomainError
    from kuma.domain.reports import parse_instant, report_data
    from kuma.store.reports import monitor_names

    db = open_read_only(args.data_dir)
    if db is None:
        return 1
    try:
        start, end = parse_instant(args.start), parse_instant(args.end)
        names = monitor_names(db)
        ids = list(names) if args.all else [args.monitor]
        reports = [report_data(db, monitor_id, start, end, names) for monitor_id in ids]
    except DomainError as exc:
        print(f"kuma report: {exc.msg}", file=sys.stderr)
        return 1
    finally:
        db.conn.close()
    if args.format == "csv":
        write_csv(reports, sys.stdout)
    else:
        json.dump(reports if args.all else reports[0], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return 0
