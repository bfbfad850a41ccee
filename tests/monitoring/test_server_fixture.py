"""A real server started on a copy of Uptime Kuma's database runs its active monitors and stores beats."""
from __future__ import annotations

import sqlite3

from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import copy_fixture_db, start_kuma
from tests.helpers.waiting import wait_until

FIXTURE_LAST_BEAT = 172


def _new_beats(db_path):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT monitor_id, status, msg, time, end_time, important FROM heartbeat WHERE id > ? ORDER BY id",
            (FIXTURE_LAST_BEAT,)).fetchall()
    finally:
        conn.close()


def _minute_totals(db_path) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT SUM(up + down) FROM stat_minutely").fetchone()[0]
    finally:
        conn.close()


def test_server_on_fixture_db_runs_active_monitors(tmp_path):
    db_path = copy_fixture_db(tmp_path / "data")
    server = start_kuma(tmp_path / "data", clock_start=CAPTURE_CLOCK)
    try:
        expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12}  # active, not push (push waits one 60 s interval)
        seen: set[int] = set()

        def all_beat() -> bool:
            seen.update(row[0] for row in _new_beats(db_path))
            return expected <= seen

        wait_until(all_beat, 60, f"beats of every active monitor\n{server.log()}", interval=0.2)
        assert 11 not in seen  # paused monitor never runs
        for monitor_id, status, msg, beat_time, end_time, important in _new_beats(db_path):
            assert status in (0, 1, 2, 3)
            assert len(beat_time) == 23 and beat_time[19] == "." and end_time >= beat_time
    finally:
        assert server.stop() == 0
    # every new beat is counted in the minute buckets (on the pinned clock they join the capture's last minute)
    counted = [b for b in _new_beats(db_path) if b[1] in (0, 1, 2)]
    before = _minute_totals(copy_fixture_db(tmp_path / "untouched"))
    assert _minute_totals(db_path) - before == len(counted) >= len(expected)
