"""The one wall clock (kuma/clock.py): pinned, it starts at the given instant and runs on at real speed;
a server started with KUMA_CLOCK_START stamps what it stores with that date, not today's."""
from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone

import httpx
import pytest

from kuma.clock import WallClock, parse_instant
from kuma.config import Config
from tests.helpers.server import start_kuma
from tests.public.conftest import PUSH_TOKEN, prepare_capture_db

PINNED = "2031-03-04T05:06:07Z"  # neither the capture's day nor (for a long while) today
PINNED_EPOCH = datetime(2031, 3, 4, 5, 6, 7, tzinfo=timezone.utc).timestamp()


def test_pinned_clock_starts_at_the_instant_and_advances():
    clock = WallClock(PINNED_EPOCH)
    started = time.time()
    first = clock.time()
    assert clock.pinned
    assert PINNED_EPOCH <= first < PINNED_EPOCH + 1
    time.sleep(0.05)
    later = clock.time()
    # it runs on at the system clock's speed: as far as the real clock moved around the two readings, at most
    assert 0.04 <= later - first <= time.time() - started + 0.001
    now = clock.utcnow()
    assert now.tzinfo is timezone.utc
    assert now.strftime("%Y-%m-%d %H:%M") == "2031-03-04 05:06"


def test_unpinned_clock_is_the_system_clock():
    clock = WallClock()
    assert not clock.pinned
    assert abs(clock.time() - time.time()) < 0.5
    assert abs(clock.utcnow().timestamp() - time.time()) < 0.5


@pytest.mark.parametrize(
    "text",
    ["2031-03-04T05:06:07Z", "2031-03-04T05:06:07+00:00", "2031-03-04T06:06:07+01:00", "2031-03-04T05:06:07",
     "2031-03-04 05:06:07", f"{PINNED_EPOCH:.0f}", f" {PINNED_EPOCH:.1f} "],
)
def test_parse_instant_reads_iso_8601_and_epoch_seconds(text):
    assert parse_instant(text) == PINNED_EPOCH  # naive ISO means UTC


def test_parse_instant_keeps_fractions_and_rejects_garbage():
    assert parse_instant("1764151940.25") == 1764151940.25
    assert parse_instant("2026-11-26T10:12:20.500Z") == datetime(2026, 11, 26, 10, 12, 20, 500000,
                                                                  tzinfo=timezone.utc).timestamp()
    with pytest.raises(ValueError):
        parse_instant("next tuesday")


def test_config_reads_kuma_clock_start():
    assert Config.from_sources(env={"KUMA_CLOCK_START": PINNED}).clock_start == PINNED_EPOCH
    assert Config.from_sources(env={}).clock_start is None


def test_server_on_a_pinned_clock_stamps_a_push_beat_with_the_pinned_date(tmp_path):
    data = tmp_path / "data"
    db_path = prepare_capture_db(data)  # push monitor 10 active, the others paused
    server = start_kuma(data, clock_start=PINNED)
    try:
        r = httpx.get(f"{server.url}/api/push/{PUSH_TOKEN}", params={"status": "up", "msg": "pinned", "ping": 5})
        assert r.status_code == 200 and r.json() == {"ok": True}
    finally:
        assert server.stop() == 0, server.log()
    conn = sqlite3.connect(db_path)
    try:
        beat_time, = conn.execute(
            "SELECT time FROM heartbeat WHERE monitor_id = 10 AND msg = 'pinned'").fetchone()
        bucket, = conn.execute("SELECT MAX(timestamp) FROM stat_minutely WHERE monitor_id = 10").fetchone()
    finally:
        conn.close()
    assert beat_time.startswith("2031-03-04 05:06:"), beat_time
    assert PINNED_EPOCH - 60 <= bucket <= PINNED_EPOCH + 60  # the minute bucket is the pinned minute too
