"""Servers on copies of the golden database, rewound to the moment the REST captures were taken.

The fixture kuma.db holds a few beats stored after the captures (10:12:00 UTC); `rewind_to_capture`
removes them and takes them out of the stat buckets again, so responses can be compared with the
captured bodies byte for byte. The servers' clocks start at `CAPTURE_CLOCK` (that same minute), so
their time windows are the capture's whatever today's date is. Monitors other than the push monitor are
paused in the copy so no check adds beats while a test runs (a push monitor's first check waits a whole
interval).
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.helpers.paths import CAPTURE_CLOCK, REST_FIXTURES
from tests.helpers.server import copy_fixture_db, start_kuma

CAPTURE_TIME = "2026-11-26 10:12:00"
PUSH_TOKEN = "ABhGrUlhLa58PyCRVltNySCdz3ibgnwo"
API_KEY = "uk1_UBuVFQUG4qMNjzGGRTdxRFaGdYpYW-35DFbqoV-q"


def _epoch(text: str) -> int:
    return int(datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp())


def rewind_to_capture(db_path: Path, cutoff: str = CAPTURE_TIME) -> None:
    conn = sqlite3.connect(db_path)
    beats = conn.execute("SELECT id, monitor_id, status, time, ping FROM heartbeat WHERE time >= ?", (cutoff,)).fetchall()
    for _, monitor_id, status, time_text, ping in beats:
        ts = _epoch(time_text)
        for table, size in (("stat_minutely", 60), ("stat_hourly", 3600), ("stat_daily", 86400)):
            bucket = ts // size * size
            row = conn.execute(
                f"SELECT id, up, down, ping FROM {table} WHERE monitor_id = ? AND timestamp = ?", (monitor_id, bucket)
            ).fetchone()
            if row is None:
                continue
            row_id, up, down, avg = row
            if status == 1:
                new_avg = (avg * up - (ping or 0)) / (up - 1) if up > 1 else 0
                up -= 1
            elif status in (0, 2):
                new_avg = avg
                down -= 1
            else:
                new_avg = avg
            if up + down <= 0:
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
            else:
                conn.execute(f"UPDATE {table} SET up = ?, down = ?, ping = ? WHERE id = ?", (up, down, new_avg, row_id))
    conn.execute("DELETE FROM heartbeat WHERE time >= ?", (cutoff,))
    conn.commit()
    conn.close()


def prepare_capture_db(data_dir: Path, *, keep_active: tuple[int, ...] = (10,), drop_tags: bool = False) -> Path:
    path = copy_fixture_db(data_dir)
    rewind_to_capture(path)
    conn = sqlite3.connect(path)
    marks = ",".join("?" * len(keep_active)) or "NULL"
    conn.execute(f"UPDATE monitor SET active = 0 WHERE id NOT IN ({marks})", keep_active)
    if drop_tags:
        conn.execute("DELETE FROM monitor_tag")
        conn.execute("DELETE FROM tag")
    conn.commit()
    conn.close()
    return path


def fixture_text(name: str) -> str:
    return (REST_FIXTURES / name).read_text()


def fixture_meta(name: str) -> dict:
    return json.loads((REST_FIXTURES / f"{name}.meta.json").read_text())


def fixture_header(name: str, header: str) -> str | None:
    for key, value in fixture_meta(name)["headers"]:
        if key.lower() == header.lower():
            return value
    return None


@pytest.fixture(scope="module")
def capture_server(tmp_path_factory):
    """Read-only tests share one server per module (the database as it was at capture time)."""
    data = tmp_path_factory.mktemp("capture") / "data"
    prepare_capture_db(data)
    server = start_kuma(data, clock_start=CAPTURE_CLOCK)
    yield server
    server.stop()


@pytest.fixture
def fresh_capture_server(tmp_path):
    """A server of its own for tests that change data."""
    data = tmp_path / "data"
    prepare_capture_db(data)
    server = start_kuma(data, clock_start=CAPTURE_CLOCK)
    yield server
    server.stop()
