"""Monitor JSON built from the real Uptime Kuma database equals what real Uptime Kuma sent for it."""
from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from kuma.shapes.monitor import MonitorExtras, MonitorTree, TreeNode, monitor_json
from kuma.views.monitors import load_monitor_jsons
from tests.helpers.paths import FIXTURES, TRANSCRIPTS
from tests.helpers.server import copy_fixture_db


def _fixture_db(tmp_path) -> sqlite_utils.Database:
    path = copy_fixture_db(tmp_path / "data")
    return sqlite_utils.Database(sqlite3.connect(path))


def _transcript(name: str) -> list[dict]:
    return [json.loads(line) for line in (TRANSCRIPTS / name).read_text().splitlines() if line.strip()]


def test_monitor_list_equals_login_burst_capture(tmp_path):
    db = _fixture_db(tmp_path)
    expected = next(e for e in _transcript("03-login-burst.jsonl") if e["event"] == "monitorList")["args"][0]
    got = {str(k): v for k, v in load_monitor_jsons(db, user_id=1).items()}
    # same bytes: key order, booleans, ints (timeout 0 not 0.0), tags, notificationIDList, group paths
    assert json.dumps(got) == json.dumps(expected)
    assert len(got["1"]) == 119


def test_other_users_monitors_are_not_listed(tmp_path):
    db = _fixture_db(tmp_path)
    assert load_monitor_jsons(db, user_id=2) == {}


def test_non_sensitive_variant_equals_webhook_payload(tmp_path):
    db = _fixture_db(tmp_path)
    record = json.loads((FIXTURES / "webhook-received.jsonl").read_text().splitlines()[0])
    body = record["body"] if isinstance(record["body"], dict) else json.loads(record["body"])
    expected = body["monitor"]
    got = load_monitor_jsons(db, ids=[expected["id"]], include_sensitive=False)[expected["id"]]
    assert list(got) == list(expected)
    assert got["includeSensitiveData"] is False
    assert "pushToken" not in got and "basic_auth_pass" not in got


def test_paused_group_forces_children_inactive():
    tree = MonitorTree([TreeNode(1, "G", None, False), TreeNode(2, "Sub", 1, True), TreeNode(3, "Leaf", 2, True)])
    assert tree.path(3) == ["G", "Sub", "Leaf"]
    assert tree.descendants(1) == [2, 3]
    assert tree.parents_active(3) is False
    assert tree.parents_active(1) is True


def test_parent_cycle_does_not_hang():
    tree = MonitorTree([TreeNode(1, "A", 2, True), TreeNode(2, "B", 1, True)])
    assert tree.path(1) == ["B", "A"]
    assert tree.descendants(1) == [2]


def test_get_monitor_quirk_path_null_and_empty_path_name():
    row = {"id": 5, "name": "x", "active": 1, "timeout": 48.0, "accepted_statuscodes_json": '["200"]'}
    out = monitor_json(row, MonitorExtras(path=[None]))
    assert out["path"] == [None] and out["pathName"] == ""
    assert out["timeout"] == 48 and isinstance(out["timeout"], int)
    assert out["accepted_statuscodes"] == ["200"]
    assert out["responseMaxLength"] == 1024


def test_monitor_type_list_equals_capture():
    from kuma.shapes.monitor_types import monitor_type_list

    expected = next(e for e in _transcript("06-monitor-crud.jsonl") if e["event"] == "monitorTypeList")["args"][0]
    assert json.dumps(monitor_type_list()) == json.dumps(expected)
