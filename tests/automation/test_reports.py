"""`kuma report` and the report rules on a real SQLite file with known beats at pinned times.

The range is 2026-11-01 00:00–01:00 UTC (3,600 s). Monitor 1's beats (status held until the next beat):
before the range UP; 00:10 DOWN "timeout"; 00:12 DOWN; 00:16 UP 100 ms; 00:20 MAINTENANCE; 00:30 UP
200 ms; 00:40 PENDING; 00:45 DOWN "refused"; 00:50 UP 300 ms; 00:55 DOWN "503" (still down at the end);
01:00 UP (outside: the end is excluded). So: up 600+240+900+300 = 2,040 s (pending counts as up), down
360+300+300 = 960 s in 3 outages (longest 360 s), maintenance 600 s (left out of the uptime's
denominator): uptime 2040/3000 = 68 %.
"""
from __future__ import annotations

import csv
import io
import json

import pytest

from kuma.domain.reports import parse_instant
from kuma.rules.reports import Beat, compute
from kuma.store.offline import open_existing
from tests.automation.helpers import kuma, make_folder, ok
from tests.helpers.report_beats import BEATS, DOWN, MAINTENANCE, UP, seed
from tests.helpers.server import start_kuma

RANGE = ("--from", "2026-11-01", "--to", "2026-11-01T01:00:00Z")


@pytest.fixture
def folder(tmp_path):
    data = make_folder(tmp_path / "data")
    db = open_existing(data / "kuma.db")
    db.conn.execute("INSERT INTO monitor (id, name, user_id, type, interval) VALUES (1, 'Web', 1, 'http', 60)")
    db.conn.execute("INSERT INTO monitor (id, name, user_id, type, interval) VALUES (2, 'Quiet', 1, 'http', 60)")
    db.conn.close()
    seed(data / "kuma.db", 1, BEATS)
    seed(data / "kuma.db", 2, [("2026-11-01 00:30:00.000", UP, "", 10)])
    return data


def test_json_report_gives_every_figure(folder):
    report = json.loads(ok("report", "--data-dir", str(folder), "--monitor", "1", *RANGE))
    assert report["name"] == "Web"
    assert (report["from"], report["to"]) == ("2026-11-01T00:00:00.000Z", "2026-11-01T01:00:00.000Z")
    assert report["uptimePercent"] == 68.0
    assert report["upSeconds"] == 2040
    assert report["downtimeSeconds"] == 960
    assert report["downtimeCount"] == 3
    assert report["longestOutageSeconds"] == 360
    assert report["maintenanceSeconds"] == 600
    assert report["unknownSeconds"] == 0
    assert report["avgResponseMs"] == 200
    assert report["p95ResponseMs"] == 300
    assert report["beats"] == 9
    assert report["outages"] == [
        {"start": "2026-11-01T00:10:00.000Z", "end": "2026-11-01T00:16:00.000Z", "message": "timeout",
         "ongoing": False, "durationSeconds": 360},
        {"start": "2026-11-01T00:45:00.000Z", "end": "2026-11-01T00:50:00.000Z", "message": "refused",
         "ongoing": False, "durationSeconds": 300},
        {"start": "2026-11-01T00:55:00.000Z", "end": "2026-11-01T01:00:00.000Z", "message": "503",
         "ongoing": True, "durationSeconds": 300},
    ]


def test_time_before_the_first_beat_is_unknown_not_down(folder):
    report = json.loads(ok("report", "--data-dir", str(folder), "--monitor", "2", *RANGE))
    assert report["unknownSeconds"] == 1800 and report["upSeconds"] == 1800
    assert report["uptimePercent"] == 100.0 and report["downtimeCount"] == 0


def test_csv_report_of_all_monitors(folder):
    rows = list(csv.DictReader(io.StringIO(ok("report", "--data-dir", str(folder), "--all", *RANGE,
                                              "--format", "csv"))))
    assert [(r["kind"], r["monitorId"]) for r in rows] == [
        ("monitor", "1"), ("outage", "1"), ("outage", "1"), ("outage", "1"), ("monitor", "2")]
    assert rows[0]["uptimePercent"] == "68.0" and rows[0]["downtimeSeconds"] == "960.0"
    assert rows[1]["outageStart"] == "2026-11-01T00:10:00.000Z" and rows[1]["outageMessage"] == "timeout"
    assert rows[4]["name"] == "Quiet" and rows[4]["unknownSeconds"] == "1800.0"


def test_maintenance_ends_an_outage_and_is_not_downtime():
    start = parse_instant("2026-11-01")
    beats = [Beat(start, DOWN, "x"), Beat(start + 60, MAINTENANCE), Beat(start + 120, DOWN, "y")]
    report = compute(7, beats, None, start, start + 180)
    assert [(o.start - start, o.end - start) for o in report.outages] == [(0, 60), (120, 180)]
    assert report.down_seconds == 120 and report.maintenance_seconds == 60
    assert report.uptime_percent == 0.0


def test_bad_input_is_a_clear_error(folder):
    unknown = kuma("report", "--data-dir", str(folder), "--monitor", "99", *RANGE)
    assert unknown.returncode == 1 and "No monitor with id 99" in unknown.stderr
    reversed_range = kuma("report", "--data-dir", str(folder), "--monitor", "1", "--from", "2026-11-02",
                          "--to", "2026-11-01")
    assert reversed_range.returncode == 1 and "end must be after its start" in reversed_range.stderr
    garbage = kuma("report", "--data-dir", str(folder), "--monitor", "1", "--from", "yesterday", "--to", "2026-11-01")
    assert garbage.returncode == 1 and "Invalid time 'yesterday'" in garbage.stderr


def test_report_beside_a_running_server(folder):
    server = start_kuma(folder)
    try:
        report = json.loads(ok("report", "--data-dir", str(folder), "--monitor", "1", *RANGE))
        assert report["uptimePercent"] == 68.0 and report["downtimeCount"] == 3
    finally:
        assert server.stop() == 0, server.log()
