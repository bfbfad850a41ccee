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


def _http(name: str, **extra) -> dict:
    return {"type": "http", "name": name, "url": "http://127.0.0.1:9/", "interval": 20, "retryInterval": 20,
            "accepted_statuscodes": ["200-299"], "notificationIDList": {}, **extra}


async def test_group_children_unlink_or_delete(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        sock = logged_in()
        group = (await hub.call(sock, "add", {**_http("G"), "type": "group"}))["monitorID"]
        child = (await hub.call(sock, "add", _http("C", parent=group)))["monitorID"]
        hub.take()
        await hub.call(sock, "getMonitorList")
        (listed,) = [e.args[0] for e in hub.take() if e.event == "monitorList"]
        assert listed[str(group)]["childrenIDs"] == [child]
        assert listed[str(child)]["path"] == ["G", "C"] and listed[str(child)]["pathName"] == "G / C"

        # a group cannot become its own descendant's child
        edit = (await hub.call(sock, "getMonitor", group))["monitor"]
        assert await hub.call(sock, "editMonitor", {**edit, "parent": child}) == {"ok": False,
                                                                                  "msg": "Invalid Monitor Group"}
        # pausing the group shows the child as force-inactive
        await hub.call(sock, "pauseMonitor", group)
        hub.take()
        await hub.call(sock, "getMonitorList")
        (listed,) = [e.args[0] for e in hub.take() if e.event == "monitorList"]
        assert listed[str(child)]["active"] is False and listed[str(child)]["forceInactive"] is True

        # delete without children: the child is unlinked and announced, then the group goes
        assert (await hub.call(sock, "deleteMonitor", group, False))["ok"] is True
        events = hub.take()
        assert [e.event for e in events] == ["updateMonitorIntoList", "deleteMonitorFromList"]
        assert events[0].args[0][str(child)]["parent"] is None and events[1].args == (group,)

        group2 = (await hub.call(sock, "add", {**_http("G2"), "type": "group"}))["monitorID"]
        child2 = (await hub.call(sock, "add", _http("C2", parent=group2)))["monitorID"]
        hub.take()
        await hub.call(sock, "deleteMonitor", group2, True)
        assert [(e.event, e.args) for e in hub.take()] == [("deleteMonitorFromList", (child2,)),
                                                           ("deleteMonitorFromList", (group2,))]
        left = await app.db.read(lambda db: [r[0] for r in db.conn.execute("SELECT id FROM monitor")])
        assert left == [child]


async def test_other_users_monitor_is_untouchable(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        await app.db.write(lambda db: db.conn.execute(
            "INSERT INTO user (id, username, password, active) VALUES (2, 'other', 'x', 1)"))
        mine = (await hub.call(logged_in(1), "add", _http("mine")))["monitorID"]
        other = logged_in(2)
        assert await hub.call(other, "pauseMonitor", mine) == {"ok": False, "msg": "You do not own this monitor."}
        assert await hub.call(other, "getMonitor", mine) == {
            "ok": False, "msg": "Cannot read properties of null (reading 'id')"}
        edit = (await hub.call(logged_in(1), "getMonitor", mine))["monitor"]
        assert await hub.call(other, "editMonitor", {**edit, "name": "x"}) == {"ok": False,
                                                                              "msg": "Permission denied."}
        await hub.call(other, "deleteMonitor", mine)
        assert await app.db.read(lambda db: db.conn.execute("SELECT name FROM monitor").fetchone()[0]) == "mine"


async def test_notifications_and_clearing(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        sock = logged_in()

        def seed(db):
            db.conn.execute("INSERT INTO notification (id, name, config, user_id, active, is_default) "
                            "VALUES (1, 'n', '{}', 1, 1, 0)")

        await app.db.write(seed)
        monitor_id = (await hub.call(sock, "add", _http("n", notificationIDList={"1": True, "99": True})))["monitorID"]
        monitor = (await hub.call(sock, "getMonitor", monitor_id))["monitor"]
        assert monitor["notificationIDList"] == {"1": True}  # unknown notification ids are skipped

        def beats(db):
            for i, important in enumerate([1, 0, 1]):
                db.conn.execute("INSERT INTO heartbeat (monitor_id, status, msg, time, important, ping) "
                                "VALUES (?, 1, 'up', ?, ?, 5)", (monitor_id, f"2099-01-01 00:00:0{i}.000", important))
            db.conn.execute("INSERT INTO stat_minutely (monitor_id, timestamp, ping, up, down) VALUES (?, 60, 5, 1, 0)",
                            (monitor_id,))

        await app.db.write(beats)
        assert (await hub.call(sock, "monitorImportantHeartbeatListCount", None))["count"] == 2
        paged = await hub.call(sock, "monitorImportantHeartbeatListPaged", monitor_id, 0, 1)
        assert [b["time"] for b in paged["data"]] == ["2099-01-01 00:00:02.000"]
        assert (await hub.call(sock, "getMonitorBeats", monitor_id, 1))["data"][0]["important"] == 1
        assert await hub.call(sock, "clearEvents", monitor_id) == {"ok": True}
        assert (await hub.call(sock, "monitorImportantHeartbeatListCount", monitor_id))["count"] == 0
        hub.take()
        assert await hub.call(sock, "clearHeartbeats", monitor_id) == {"ok": True}
        assert [(e.event, e.args) for e in hub.take()] == [("heartbeatList", (monitor_id, [], True))]
        counts = await app.db.read(lambda db: [db.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                                               for t in ("heartbeat", "stat_minutely")])
        assert counts == [0, 0]
        assert ("restart", monitor_id) in monitoring.calls
        assert await hub.call(sock, "getMonitorBeats", monitor_id, None) == {"ok": False, "msg": "Invalid period."}


async def test_maintenance_service_hears_about_tree_changes(tmp_path):
    class Maintenance:
        def __init__(self):
            self.changes = 0
            self.under = {1}

        def changed(self):
            self.changes += 1

        def is_under_maintenance(self, monitor_id):
            return monitor_id in self.under

    async with api_app(tmp_path) as (app, hub, _):
        maintenance = app.maintenance = Maintenance()
        sock = logged_in()
        group = (await hub.call(sock, "add", {**_http("G"), "type": "group"}))["monitorID"]
        assert maintenance.changes == 0
        child = (await hub.call(sock, "add", _http("C", parent=group)))["monitorID"]
        assert maintenance.changes == 1
        # maintenance of the group shows on the child too
        assert (await hub.call(sock, "getMonitor", child))["monitor"]["maintenance"] is True
        edit = (await hub.call(sock, "getMonitor", child))["monitor"]
        await hub.call(sock, "editMonitor", {**edit, "parent": None})
        assert maintenance.changes == 2
        assert (await hub.call(sock, "getMonitor", child))["monitor"]["maintenance"] is False
        await hub.call(sock, "editMonitor", {**edit, "parent": None, "name": "renamed"})
        assert maintenance.changes == 2  # no tree change
        await hub.call(sock, "deleteMonitor", group)
        assert maintenance.changes == 3
