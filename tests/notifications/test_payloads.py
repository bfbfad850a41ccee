"""Message texts and heartbeat JSON rebuilt from the real kuma.db rows, compared with what Uptime Kuma sent."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

import pytest

from kuma.clock import parse_instant
from kuma.notifications.payloads import event_message, heartbeat_json, should_notify
from kuma.store.notifications import last_important_down_time
from tests.helpers.paths import CAPTURE_CLOCK, FIXTURES
from tests.helpers.server import copy_fixture_db

RECEIVED = [json.loads(json.loads(line)["body"])
            for line in (FIXTURES / "webhook-received.jsonl").read_text().splitlines() if line]
EVENTS = [p for p in RECEIVED if p["heartbeat"] is not None]
NOW = datetime.fromtimestamp(parse_instant(CAPTURE_CLOCK), timezone.utc)  # only for beats without a time


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    path = copy_fixture_db(tmp_path_factory.mktemp("db"))
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


class _Db:  # the store functions take a sqlite_utils-like object with .conn
    def __init__(self, conn):
        self.conn = conn


@pytest.mark.parametrize("payload", EVENTS, ids=lambda p: p["msg"][:40])
def test_heartbeat_json_and_message_match_capture(fixture_db, payload):
    expected = payload["heartbeat"]
    row = fixture_db.execute("SELECT * FROM heartbeat WHERE monitor_id = ? AND time = ?",
                             (expected["monitorID"], expected["time"])).fetchone()
    assert row is not None
    monitor = dict(fixture_db.execute("SELECT * FROM monitor WHERE id = ?", (row["monitor_id"],)).fetchone())
    beat = dict(row)
    last_down = last_important_down_time(_Db(fixture_db), monitor["id"], beat["time"]) if beat["status"] == 1 else None
    built = heartbeat_json(beat, monitor["type"], "UTC", last_down, now=NOW)
    if "response" in expected:  # stored brotli-compressed; compare the rest of the keys in order
        expected = {k: v for k, v in expected.items() if k != "response"}
        built.pop("response", None)
    assert json.dumps(built, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    assert event_message(monitor["name"], beat["status"], beat["msg"]) == payload["msg"]


def test_local_time_in_server_timezone():
    beat = {"monitor_id": 1, "status": 0, "time": "2026-11-26 10:07:14.451", "msg": "", "important": 1,
            "retries": 0, "ping": None}
    built = heartbeat_json(beat, "http", "Europe/Berlin", now=NOW)
    assert built["msg"] == "N/A"
    assert (built["timezone"], built["timezoneOffset"], built["localDateTime"]) == \
        ("Europe/Berlin", "+01:00", "2026-11-26 11:07:14")


def test_notify_rules():
    assert should_notify(notify=True, is_first=True, status=0, under_maintenance=False)
    assert not should_notify(notify=True, is_first=True, status=1, under_maintenance=False)  # first UP is silent
    assert should_notify(notify=True, is_first=False, status=1, under_maintenance=False)
    assert not should_notify(notify=False, is_first=False, status=0, under_maintenance=False)
    assert not should_notify(notify=True, is_first=False, status=0, under_maintenance=True)
    assert not should_notify(notify=True, is_first=False, status=3, under_maintenance=False)
    assert not should_notify(notify=True, is_first=False, status=2, under_maintenance=False)
