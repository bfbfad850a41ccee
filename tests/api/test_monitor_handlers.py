"""Monitor and tag handlers in-process (real Database, recording hub) against the golden transcripts."""
from __future__ import annotations

import json

import pytest

from tests.api.inprocess import FakeSocket, api_app, logged_in
from tests.api.replay import as_wire, load, shape, steps_after_login

#: Acks whose values depend on beats that ran in the captured instance: compare their shape only.
VALUE_DEPENDS_ON_BEATS = {"getMonitorBeats", "getMonitorChartData", "monitorImportantHeartbeatListCount",
                          "monitorImportantHeartbeatListPaged"}


async def _replay(app, hub, name: str) -> int:
    sock = logged_in()
    checked = 0
    for step in steps_after_login(name):
        hub.take()
        ack = await hub.call(sock, step.event, *step.args)
        got_events = [e for e in hub.take() if e.event not in ("heartbeatList",)]
        expected_events = [(e["event"], e["args"]) for e in step.events]
        assert [(e.event, as_wire(list(e.args))) for e in got_events] == expected_events, step.event
        assert all(e.room == "1" for e in got_events)
        if step.ack is None:
            continue
        (expected_ack,) = step.ack
        if step.event in VALUE_DEPENDS_ON_BEATS:
            assert as_wire(ack)["ok"] is True
            assert shape(as_wire(ack)).keys() == shape(expected_ack).keys()
        else:
            assert json.dumps(as_wire(ack)) == json.dumps(expected_ack), step.event
        checked += 1
    return checked


async def test_replay_monitor_crud_transcript(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        checked = await _replay(app, hub, "06-monitor-crud.jsonl")
        assert checked == 12
        assert monitoring.calls == [("start", 1), ("restart", 1), ("stop", 1), ("start", 1), ("stop", 1)]
        assert await app.db.read(lambda db: db.conn.execute("SELECT COUNT(*) FROM monitor").fetchone()[0]) == 0


async def test_replay_tags_transcript(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        # the captured instance had made and deleted monitor 1 before (transcript 06): ids continue at 2
        sock = logged_in()
        add = next(e for e in load("06-monitor-crud.jsonl") if e["dir"] == "out" and e["event"] == "add")
        await hub.call(sock, "add", add["args"][0])
        await hub.call(sock, "deleteMonitor", 1, False)
        checked = await _replay(app, hub, "09-tags.jsonl")
        assert checked == 13
        rows = await app.db.read(lambda db: db.conn.execute("SELECT COUNT(*) FROM monitor_tag").fetchone()[0])
        assert rows == 0


async def test_protected_events_need_login(tmp_path):
    async with api_app(tmp_path) as (app, hub, _):
        anonymous = FakeSocket()
        for event in ["add", "editMonitor", "getMonitorList", "getMonitor", "pauseMonitor", "resumeMonitor",
                      "deleteMonitor", "getMonitorBeats", "getMonitorChartData", "clearEvents", "clearHeartbeats",
                      "clearStatistics", "monitorImportantHeartbeatListCount", "monitorImportantHeartbeatListPaged",
                      "getTags", "addTag", "editTag", "deleteTag", "addMonitorTag", "editMonitorTag",
                      "deleteMonitorTag"]:
            assert await hub.call(anonymous, event, 1) == {"ok": False, "msg": "You are not logged in."}, event
        assert hub.take() == []


def _errors_steps():
    lines = load("15-errors.jsonl")
    pairs = []
    for i, entry in enumerate(lines):
        if entry["dir"] == "out" and entry["event"] in ("add", "editMonitor", "getMonitor", "pauseMonitor",
                                                         "resumeMonitor", "deleteMonitor", "getMonitorBeats",
                                                         "getMonitorChartData", "addTag", "deleteTag"):
            ack = next((e for e in lines[i + 1:] if e["kind"] == "ack" and e["event"] == entry["event"]), None)
            pairs.append((entry["args"], ack["args"][0], entry["event"]))
    return pairs


@pytest.mark.parametrize("args,expected,event", _errors_steps()[2:])  # the first two are before login
async def test_error_replies_match_capture(tmp_path, args, expected, event):
    async with api_app(tmp_path) as (app, hub, monitoring):
        got = as_wire(await hub.call(logged_in(), event, *args))
        if event == "getMonitorChartData":
            assert list(got["data"][0]) == list(expected["data"][0]) and got["data"][0]["up"] == 0
            return
        assert got == expected
        if not expected["ok"]:
            count = await app.db.read(lambda db: db.conn.execute("SELECT COUNT(*) FROM monitor").fetchone()[0])
            assert count == 0  # nothing stored
            assert monitoring.calls == []
