"""Known beats at pinned times for the report tests, written into a (running or stopped) server's kuma.db.

`BEATS` (monitor "Web") covers 2026-11-01 00:00–01:00 UTC: up 2,040 s, down 960 s in 3 outages (longest
360 s), maintenance 600 s, so uptime 68 % (tests/automation/test_reports.py derives the figures).
`OCTOBER` adds a day of beats in October 2026 for the month-by-month pages."""
from __future__ import annotations

from pathlib import Path

import httpx

from kuma.store import heartbeats
from kuma.store.offline import open_existing
from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import KumaProcess, start_kuma
from tests.helpers.sessions import make_keys

DOWN, UP, PENDING, MAINTENANCE = 0, 1, 2, 3
BEATS = [
    ("2026-10-31 23:59:00.000", UP, "", 90),
    ("2026-11-01 00:10:00.000", DOWN, "timeout", None),
    ("2026-11-01 00:12:00.000", DOWN, "timeout again", None),
    ("2026-11-01 00:16:00.000", UP, "200 - OK", 100),
    ("2026-11-01 00:20:00.000", MAINTENANCE, "Maintenance", None),
    ("2026-11-01 00:30:00.000", UP, "200 - OK", 200),
    ("2026-11-01 00:40:00.000", PENDING, "retrying", None),
    ("2026-11-01 00:45:00.000", DOWN, "refused", None),
    ("2026-11-01 00:50:00.000", UP, "200 - OK", 300),
    ("2026-11-01 00:55:00.000", DOWN, "503", None),
    ("2026-11-01 01:00:00.000", UP, "200 - OK", 5000),
]
OCTOBER = [
    ("2026-10-10 08:00:00.000", UP, "200 - OK", 40),
    ("2026-10-10 09:00:00.000", DOWN, "connect ECONNREFUSED", None),
    ("2026-10-10 09:30:00.000", UP, "200 - OK", 60),
]


def seed(db_path: Path, monitor_id: int, beats: list[tuple[str, int, str, float | None]]) -> None:
    """Insert the beats (time, status, msg, ping) of one monitor, beside a running server (WAL)."""
    db = open_existing(db_path)
    try:
        with db.conn:
            for time, status, msg, ping in beats:
                heartbeats.insert(db, {"monitor_id": monitor_id, "time": time, "status": status, "msg": msg,
                                       "ping": ping, "important": 0, "duration": 0, "down_count": 0, "retries": 0})
    finally:
        db.conn.close()


def start_reporting_kuma(data_dir: Path, name: str = "Web") -> KumaProcess:
    """A kuma on the pinned clock (CAPTURE_CLOCK) with API keys (`.keys`) and one paused HTTP monitor
    (`.web`, made over REST) holding BEATS + OCTOBER. The caller stops it."""
    kuma = start_kuma(data_dir, clock_start=CAPTURE_CLOCK)
    try:
        kuma.keys = make_keys(kuma.url)
        made = httpx.post(f"{kuma.url}/api/v1/monitors", auth=("", kuma.keys.write), timeout=30,
                          json={"type": "http", "name": name, "url": "http://127.0.0.1:9/", "active": False})
        assert made.status_code == 201, made.text
        kuma.web = made.json()["id"]
        seed(kuma.data_dir / "kuma.db", kuma.web, BEATS + OCTOBER)
    except BaseException:
        kuma.stop()
        raise
    return kuma
