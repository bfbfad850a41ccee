"""Heartbeat shapes built from the real database equal real Uptime Kuma's events."""
from __future__ import annotations

import json
import sqlite3

from kuma.shapes.heartbeat import important_beat, live_beat, raw_row
from tests.helpers.paths import TRANSCRIPTS
from tests.helpers.server import copy_fixture_db


def _rows(tmp_path, sql, params=()):
    conn = sqlite3.connect(copy_fixture_db(tmp_path / "data"))
    conn.row_factory = sqlite3.Row
    return [dict(r) for r in conn.execute(sql, params)]


def _events(name, event):
    lines = [json.loads(line) for line in (TRANSCRIPTS / name).read_text().splitlines() if line.strip()]
    return [e["args"] for e in lines if e["event"] == event and e["dir"] == "in"]


def test_heartbeat_list_rows_equal_login_burst(tmp_path):
    by_monitor = {args[0]: args[1] for args in _events("03-login-burst.jsonl", "heartbeatList")}
    rows = _rows(tmp_path, "SELECT * FROM heartbeat WHERE monitor_id = 8 ORDER BY time")
    expected = by_monitor["8"]
    got = [raw_row(r) for r in rows[: len(expected)]]
    assert json.dumps(got) == json.dumps(expected)  # sub-ms ping 0.018 stays a float, ints stay ints


def test_live_beat_key_sets_match_stream(tmp_path):
    beats = [a[0] for a in _events("07-heartbeat-stream.jsonl", "heartbeat")]
    by_time = {(b["monitorID"], b["time"]): b for b in beats}
    rows = _rows(tmp_path, "SELECT h.*, m.type FROM heartbeat h JOIN monitor m ON m.id = h.monitor_id")
    checked = 0
    for row in rows:
        expected = by_time.get((row["monitor_id"], row["time"]))
        if expected is None:
            continue
        got = live_beat(row, row["type"])
        assert list(got) == list(expected), (row, expected)
        assert got == expected
        checked += 1
    assert checked >= 30  # http, ping, dns, group, port, ECONNREFUSED without ping, push timeout


def test_push_beat_with_pushed_ping_null_keeps_ping_key():
    row = {"monitor_id": 10, "status": 1, "time": "2026-11-26 10:00:00.000", "msg": "OK", "ping": None,
           "important": 1, "duration": 5, "retries": 0}
    assert list(live_beat(row, "push")) == ["monitorID", "status", "time", "msg", "ping", "important", "duration",
                                            "retries"]


def test_important_paged_item_has_nine_keys():
    row = {"id": 1, "important": 1, "monitor_id": 1, "status": 1, "msg": "200 - OK", "time": "t", "ping": 10.0,
           "duration": 0, "down_count": 0, "end_time": "t", "retries": 0, "response": None}
    assert json.dumps(important_beat(row)) == json.dumps(
        {"monitorID": 1, "status": 1, "time": "t", "msg": "200 - OK", "ping": 10, "important": 1, "duration": 0,
         "retries": 0, "response": None})


def test_engine_set_keys_decide_optional_keys():
    row = {"monitor_id": 10, "status": 3, "time": "t", "msg": "Monitor under maintenance", "ping": None,
           "important": 1, "duration": 0, "retries": 0, "response": "abc"}
    assert list(live_beat(row, "push", set_keys=frozenset())) == ["monitorID", "status", "time", "msg", "important",
                                                                  "retries"]
    full = live_beat(row, "http", set_keys=frozenset({"ping", "duration", "response"}))
    assert list(full) == ["monitorID", "status", "time", "msg", "ping", "important", "duration", "retries", "response"]
