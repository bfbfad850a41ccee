"""The monitor and tag events against a running kuma, with real Socket.IO clients: the golden transcripts
06 and 09 replayed packet by packet, and the `uptime_kuma_api` package end to end."""
from __future__ import annotations

from tests.api.replay import socket_replay
from tests.helpers.server import REPLAY_ENV
from tests.helpers.sessions import connected, logged_in, set_up_admin
from tests.helpers.targets import http_target
from tests.helpers.transcripts import WireClient
from tests.helpers.waiting import wait_for_value

#: compared event by event with Uptime Kuma 2.5.3's captures: no late full lists for 1.x clients
KUMA_ENV = REPLAY_ENV

USER = {"username": "admin", "password": "secret123", "token": ""}


def _point_urls_at(target_url: str):
    def substitute(event, args):
        if event in ("add", "editMonitor") and args and isinstance(args[0], dict) and "url" in args[0]:
            args = [dict(args[0], url=target_url + "/"), *args[1:]]
        return args

    return substitute


def test_monitor_crud_transcript(kuma_server):
    set_up_admin(kuma_server.url)
    with http_target() as web:
        diffs, acks = socket_replay(kuma_server.url, "06-monitor-crud.jsonl", substitute=_point_urls_at(web.url))
    assert not diffs, "\n".join(diffs)
    assert [event for event, _ in acks][-1] == "deleteMonitor"
    assert dict(acks)["add"] == [{"ok": True, "msg": "successAdded", "msgi18n": True, "monitorID": 1}]


def test_tags_transcript(kuma_server):
    set_up_admin(kuma_server.url)
    # the captured instance had created and deleted monitor 1 first (transcript 06): ids continue at 2
    with connected(kuma_server.url) as client:
        client.call("login", USER)
        added = client.call("add", {"type": "http", "name": "x", "url": "http://127.0.0.1:9/", "interval": 60,
                                    "accepted_statuscodes": ["200-299"], "notificationIDList": {}, "active": False})
        assert added[0]["monitorID"] == 1
        client.call("deleteMonitor", 1, False)
    diffs, acks = socket_replay(kuma_server.url, "09-tags.jsonl")
    assert not diffs, "\n".join(diffs)
    assert dict(acks)["editTag"][0]["tag"] == {"id": 1, "name": "region-renamed", "color": "#DB2777"}


def test_uptime_kuma_api_package_end_to_end(kuma_server):
    from uptime_kuma_api import MonitorType, UptimeKumaApi, UptimeKumaException

    set_up_admin(kuma_server.url)
    with http_target() as web:
        api = UptimeKumaApi(kuma_server.url, timeout=10, wait_events=0.1)
        try:
            api.login("admin", "secret123")
            added = api.add_monitor(type=MonitorType.HTTP, name="Web", url=web.url + "/", interval=30)
            monitor_id = added["monitorID"]
            keyword = api.add_monitor(type=MonitorType.KEYWORD, name="Kw", url=web.url + "/", keyword="healthy")
            monitors = wait_for_value(lambda: {m["id"]: m for m in api.get_monitors()},
                                      lambda got: {monitor_id, keyword["monitorID"]} <= set(got),
                                      what="both monitors in monitorList")
            assert monitors[monitor_id]["name"] == "Web" and monitors[monitor_id]["interval"] == 30
            assert monitors[keyword["monitorID"]]["keyword"] == "healthy"

            assert api.edit_monitor(monitor_id, name="Web 2", interval=45)["monitorID"] == monitor_id
            edited = api.get_monitor(monitor_id)
            assert edited["name"] == "Web 2" and edited["interval"] == 45

            api.pause_monitor(monitor_id)
            assert api.get_monitor(monitor_id)["active"] is False
            api.resume_monitor(monitor_id)
            assert api.get_monitor(monitor_id)["active"] is True

            tag = api.add_tag(name="env", color="#059669")
            api.add_monitor_tag(tag_id=tag["id"], monitor_id=monitor_id, value="prod")
            assert [(t["name"], t["value"]) for t in api.get_monitor(monitor_id)["tags"]] == [("env", "prod")]
            assert [t["name"] for t in api.get_tags()] == ["env"]
            api.delete_monitor_tag(tag_id=tag["id"], monitor_id=monitor_id, value="prod")
            assert api.get_monitor(monitor_id)["tags"] == []
            api.delete_tag(tag["id"])
            assert api.get_tags() == []

            try:
                api.add_monitor(type=MonitorType.HTTP, name="bad", url=web.url, headers="{not json")
                raise AssertionError("bad headers were accepted")
            except UptimeKumaException as exc:
                assert str(exc) == "Headers must be valid JSON: Expected property name or '}' in JSON at position 1"
            assert len(api.get_monitors()) == 2  # nothing stored

            api.delete_monitor(monitor_id)
            api.delete_monitor(keyword["monitorID"])
            assert wait_for_value(api.get_monitors, lambda got: not got, what="an empty monitorList") == []
        finally:
            api.disconnect()


def _allowed_live_key_sets() -> set[tuple[str, ...]]:
    from tests.api.replay import load

    return {tuple(e["args"][0]) for e in load("07-heartbeat-stream.jsonl") if e["event"] == "heartbeat"}


def _live_groups_closed(client: WireClient) -> int:
    """`uptime` "1y" events after the last heartbeatList (the login burst's end)."""
    with client._cond:
        stream = [m for m in client.messages if m.kind == "event"]
    lists = [i for i, m in enumerate(stream) if m.event == "heartbeatList"]
    if not lists:
        return 0
    return sum(1 for m in stream[lists[-1] + 1:] if m.event == "uptime" and m.args[1:2] == ["1y"])


def test_live_beat_events_on_the_real_database(fixture_kuma_server):
    """Transcript 07's live part: after each beat `heartbeat`, `avgPing`, `uptime` 24/720/"1y" (numeric id),
    important beats preceded by `maintenanceList`."""
    with logged_in(fixture_kuma_server.url, reactions={}) as client:
        # 6 live beats with their stats: `uptime` "1y" closes each group (a loaded machine may deliver a
        # burst of beats before the stats of the latest ones); the login burst's own stats do not count
        assert client.wait_for(lambda: _live_groups_closed(client) >= 6, 60), "fewer than 6 live beats with stats"
        with client._cond:
            stream = [m for m in client.messages if m.kind == "event"]
    allowed = _allowed_live_key_sets()
    start = max(i for i, m in enumerate(stream) if m.event == "heartbeatList") + 1
    live = stream[start:]
    beats = [i for i, m in enumerate(live) if m.event == "heartbeat"]
    checked = 0
    for i in beats:
        if i + 4 >= len(live):
            break  # the stats of the last beat were still on their way
        (beat,) = live[i].args
        monitor_id = beat["monitorID"]
        assert isinstance(monitor_id, int) and tuple(beat) in allowed, beat
        assert isinstance(beat["important"], bool)
        assert [(m.event, m.args[:-1]) for m in live[i + 1:i + 5]] == [
            ("avgPing", [monitor_id]), ("uptime", [monitor_id, 24]), ("uptime", [monitor_id, 720]),
            ("uptime", [monitor_id, "1y"])]
        if beat["important"]:
            assert live[i - 1].event == "maintenanceList"
        checked += 1
    assert checked >= 5
