"""kuma's own dashboard's light start (kuma/api/light_start.py, issue #14) against a real server on a copy of the
fixture as at the capture (monitors paused, clock pinned), spoken to by raw websocket clients.

- A client that does not ask for it (no handshake auth, other auth keys, another value) gets exactly the
  frames of a plain login, and those are Uptime Kuma's (the per-monitor ones equal the capture).
- A client that asks (`40{"kumaStart":"light"}`) gets the same list frames, then one `kumaStart` frame
  (each monitor's latest beat) instead of the per-monitor events, then the ack.
- `getMonitorBars` answers the burst's own `heartbeatList` rows and stat figures, for the asker's monitors only,
  and refuses bad input with `ok: false` and a message.
- Live `heartbeat` events still reach a light socket; with auth disabled the light start comes before autoLogin.
"""
from __future__ import annotations

import json
import sqlite3

import httpx
import pytest
import websocket

from kuma.shapes.monitor_slim import SLIM_KEYS, slim_entries
from tests.accounts.test_burst_bytes import _as_at_the_capture, _js_frame
from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import REPLAY_ENV, copy_fixture_db, start_kuma
from tests.helpers.transcripts import load

LIGHT = {"kumaStart": "light"}
LISTS = ["monitorList", "monitorTypeList", "maintenanceList", "info", "notificationList", "proxyList",
         "dockerHostList", "apiKeyList", "remoteBrowserList", "statusPageList"]
PER_MONITOR = ("heartbeatList", "importantHeartbeatList", "uptime", "avgPing", "certInfo")
LOGIN = {"username": "admin", "password": "secret123", "token": ""}
PUSH_TOKEN = "ABhGrUlhLa58PyCRVltNySCdz3ibgnwo"


class RawClient:
    """Engine.IO/Socket.IO by hand over one websocket: every text frame is kept as it came."""

    def __init__(self, url: str, auth: dict | None = None, raw_auth: str | None = None) -> None:
        self.ws = websocket.create_connection(url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
                                              timeout=30)
        assert self.ws.recv().startswith("0")
        self.ws.send("40" + (raw_auth if raw_auth is not None else json.dumps(auth) if auth is not None else ""))
        self.next_id = 1
        self.until(lambda f: f.startswith("40"))  # the CONNECT ack (its sid differs every time)

    def until(self, done) -> list[str]:
        """Frames up to (not including) the first one `done` accepts, which is returned last."""
        frames: list[str] = []
        while True:
            frame = self.ws.recv()
            if frame == "2":
                self.ws.send("3")
                continue
            frames.append(frame)
            if done(frame):
                return frames

    def call(self, event: str, *args) -> tuple[list[str], object]:
        """Emit with an ack; (the frames received before the ack, the ack's argument)."""
        ack = str(self.next_id)
        self.next_id += 1
        self.ws.send("42" + ack + json.dumps([event, *args]))
        frames = self.until(lambda f: f.startswith("43" + ack + "["))
        return frames[:-1], json.loads(frames[-1][2 + len(ack):])[0]

    def login(self) -> list[str]:
        """The frames from connect to the login ack (the ack left out)."""
        frames = self.until(lambda f: f.startswith('42["loginRequired"'))
        more, reply = self.call("login", LOGIN)
        assert reply["ok"], reply
        return frames + more

    def close(self) -> None:
        self.ws.close()


def events(frames: list[str]) -> list[tuple[str, list]]:
    return [(d[0], d[1:]) for d in (json.loads(f[2:]) for f in frames if f.startswith("42["))]


def login_frames(url: str, **kwargs) -> list[str]:
    client = RawClient(url, **kwargs)
    try:
        return client.login()
    finally:
        client.close()


def capture_copy(data, *statements: str) -> None:
    """A copy of the fixture in `data` as at the capture (its beats, monitors paused), with `statements` run on
    it: the start of every light-start server here and in the browser's tests."""
    db_path = copy_fixture_db(data)
    _as_at_the_capture(db_path, load("03-login-burst"))
    conn = sqlite3.connect(db_path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("light") / "data"
    capture_copy(  # another user's monitor: never in admin's lists or bars
        data,
        "INSERT INTO user (id, username, password) VALUES (2, 'other', 'x')",
        "INSERT INTO monitor (id, name, type, active, user_id, interval) VALUES (50, 'Theirs', 'http', 0, 2, 60)",
        "INSERT INTO heartbeat (monitor_id, status, time, msg, ping, important, duration, down_count, retries)"
        " VALUES (50, 1, '2026-11-26 10:00:00.000', 'theirs', 5, 0, 0, 0, 0)",
    )
    kuma = start_kuma(data, clock_start=CAPTURE_CLOCK, env=REPLAY_ENV)
    yield kuma
    kuma.stop()


@pytest.fixture(scope="module")
def full_burst(server) -> list[str]:
    return login_frames(server.url)


def test_clients_not_asking_get_uptime_kumas_burst_unchanged(server, full_burst):
    entries = load("03-login-burst")
    captured = [_js_frame(e["event"], e["args"]) for e in entries
                if e["kind"] == "event" and e["event"] in ("avgPing", "uptime", "heartbeatList")]
    assert [f for f in full_burst if f.startswith(('42["avgPing"', '42["uptime"', '42["heartbeatList"'))] == captured
    for kwargs in ({"auth": {}}, {"auth": {"kumaStart": "full"}}, {"auth": {"kumaStart": True}},
                   {"auth": {"token": "abc", "kumaStart": "Light"}}, {"raw_auth": '{"kumaStart":["light"]}'}):
        assert login_frames(server.url, **kwargs) == full_burst, kwargs
    assert not any(name == "kumaStart" for name, _ in events(full_burst))


def test_light_start_sends_the_slim_list_and_latest_beats_first_then_the_other_lists(server, full_burst):
    light = login_frames(server.url, auth=LIGHT)
    names = [name for name, _ in events(light)]
    assert names == ["info", "loginRequired", "monitorList", "kumaStart", *LISTS[1:]]
    # the other list frames are the very bytes every client gets
    others = [f for f in light if not f.startswith(('42["kumaStart"', '42["monitorList"'))]
    assert others == [f for f in full_burst[:len(light) - 1] if not f.startswith('42["monitorList"')]
    full = events(full_burst)
    start = events(light)[3][1][0]
    heartbeats = {args[0]: args[1] for name, args in full if name == "heartbeatList"}
    assert set(heartbeats) == {str(i) for i in range(1, 13)}
    brief = ("status", "time", "msg", "ping")
    assert start == {"latest": {key: {k: rows[-1][k] for k in brief} for key, rows in heartbeats.items() if rows}}
    assert len(start["latest"]) >= 10 and "50" not in start["latest"]


def test_the_light_list_is_the_full_list_in_slim_form(server, full_burst):
    light = login_frames(server.url, auth=LIGHT)
    slim = events(light)[2][1][0]
    full = next(args[0] for name, args in events(full_burst) if name == "monitorList")
    assert slim == slim_entries(full) and list(slim) == list(full)
    assert all(tuple(m) == SLIM_KEYS for m in slim.values())
    assert slim["7"]["parent"] == 6 and slim["1"]["tags"] and slim["9"]["hostname"] == "example.test"
    # never the full monitor: none of the keys only the edit form needs, a small part of the bytes
    frame = next(f for f in light if f.startswith('42["monitorList"'))
    full_frame = next(f for f in full_burst if f.startswith('42["monitorList"'))
    assert '"interval"' not in frame and '"accepted_statuscodes"' not in frame and '"pushToken"' not in frame
    assert len(frame) * 4 < len(full_frame)


def test_bars_on_demand_are_the_bursts_lists_and_figures(server, full_burst):
    full = events(full_burst)
    heartbeats = {args[0]: args[1] for name, args in full if name == "heartbeatList"}
    uptime = {(args[0], str(args[1])): args[2] for name, args in full if name == "uptime"}
    client = RawClient(server.url, auth=LIGHT)
    try:
        client.login()
        _, reply = client.call("getMonitorBars", list(range(1, 13)))
        assert reply["ok"] is True
        assert reply["heartbeatList"] == heartbeats
        assert reply["uptime"] == {key: {p: uptime[(key, p)] for p in ("24", "720", "1y")} for key in heartbeats}
        assert reply["avgPing"] == {args[0]: args[1] for name, args in full if name == "avgPing"}
        assert reply["certInfo"] == {args[0]: args[1] for name, args in full if name == "certInfo"}
        _, few = client.call("getMonitorBars", ["3", 1, 3, 50, 9999], 5)  # strings, repeats, not mine, unknown
        assert list(few["heartbeatList"]) == ["3", "1"]
        assert few["heartbeatList"]["3"] == heartbeats["3"][-5:]
    finally:
        client.close()


@pytest.mark.parametrize("args, msg", [
    (["1"], "getMonitorBars: ids must be a list of monitor ids"),
    ([None], "getMonitorBars: ids must be a list of monitor ids"),
    ([[1, "x"]], "getMonitorBars: every id must be a monitor id (an integer)"),
    ([[1, True]], "getMonitorBars: every id must be a monitor id (an integer)"),
    ([list(range(1, 202))], "getMonitorBars: at most 200 monitors at once"),
    ([[1], 0], "getMonitorBars: limit must be an integer from 1 to 100"),
    ([[1], 101], "getMonitorBars: limit must be an integer from 1 to 100"),
    ([[1], "many"], "getMonitorBars: limit must be an integer from 1 to 100"),
])
def test_bad_bar_requests_are_refused_with_a_message(server, args, msg):
    client = RawClient(server.url, auth=LIGHT)
    try:
        client.login()
        _, reply = client.call("getMonitorBars", *args)
        assert reply == {"ok": False, "msg": msg}
    finally:
        client.close()


def test_bars_need_a_login(server):
    client = RawClient(server.url, auth=LIGHT)
    try:
        client.until(lambda f: f.startswith('42["loginRequired"'))
        _, reply = client.call("getMonitorBars", [1])
        assert reply == {"ok": False, "msg": "You are not logged in."}
    finally:
        client.close()


def test_live_beats_reach_a_light_socket_and_the_bars(tmp_path):
    data = tmp_path / "data"
    capture_copy(data)
    kuma = start_kuma(data, clock_start=CAPTURE_CLOCK, env=REPLAY_ENV)
    client = RawClient(kuma.url, auth=LIGHT)
    try:
        client.login()
        _, reply = client.call("resumeMonitor", 10)
        assert reply["ok"], reply
        answer = httpx.get(f"{kuma.url}/api/push/{PUSH_TOKEN}?status=up&msg=light&ping=7", timeout=30)
        assert answer.json() == {"ok": True}
        frames = client.until(lambda f: f.startswith('42["heartbeat"'))
        beat = events(frames)[-1][1][0]
        assert (beat["monitorID"], beat["msg"], beat["status"]) == (10, "light", 1)
        _, bars = client.call("getMonitorBars", [10])
        last = bars["heartbeatList"]["10"][-1]
        assert (last["monitor_id"], last["msg"], last["time"]) == (10, "light", beat["time"])
    finally:
        client.close()
        kuma.stop()


def test_with_auth_disabled_the_light_start_comes_before_auto_login(tmp_path):
    data = tmp_path / "data"
    capture_copy(data, "UPDATE setting SET value = 'true' WHERE key = 'disableAuth'")
    kuma = start_kuma(data, clock_start=CAPTURE_CLOCK, env=REPLAY_ENV)
    try:
        for auth, per_monitor in ((LIGHT, False), (None, True)):
            client = RawClient(kuma.url, auth=auth)
            try:
                names = [name for name, _ in events(client.until(lambda f: f.startswith('42["autoLogin"')))]
            finally:
                client.close()
            lists = ["monitorList", "kumaStart", *LISTS[1:]] if auth else LISTS
            assert names[-1] == "autoLogin" and names[1:1 + len(lists)] == lists
            assert ("kumaStart" in names) is not per_monitor
            assert ("heartbeatList" in names) is per_monitor
    finally:
        kuma.stop()


def list_events(frames: list[str]) -> list[tuple[str, list]]:
    return [(name, args) for name, args in events(frames) if name in ("monitorList", "updateMonitorIntoList")]


def test_later_list_events_are_slim_for_light_sockets_and_full_for_the_others(tmp_path):
    data = tmp_path / "data"
    capture_copy(data)
    kuma = start_kuma(data, clock_start=CAPTURE_CLOCK)  # with the full lists kuma sends 1.x clients after changes
    plain, light = RawClient(kuma.url), RawClient(kuma.url, auth=LIGHT)
    try:
        plain.login()
        light.login()
        # the light socket changes the group: before its ack, the group and its children in slim form
        before_ack, reply = light.call("resumeMonitor", 6)
        assert reply["ok"], reply
        light_updates = list_events(before_ack)
        assert light_updates and all(name == "updateMonitorIntoList" for name, _ in light_updates)
        for _, (entries,) in light_updates:
            assert all(tuple(m) == SLIM_KEYS for m in entries.values())
        group = next(entries["6"] for _, (entries,) in light_updates if "6" in entries)
        assert group["active"] is True
        # the plain client in the same room gets Uptime Kuma's full monitors, then the 1.x list, full too
        seen = plain.until(lambda f: f.startswith('42["monitorList"'))
        full_updates = list_events(seen)
        assert [name for name, _ in full_updates][-1] == "monitorList"
        full_group = next(e["6"] for name, (e,) in full_updates if name == "updateMonitorIntoList" and "6" in e)
        assert full_group["interval"] == 20 and "pushToken" in full_group and slim_entries({"6": full_group})["6"] == group
        full_list = full_updates[-1][1][0]
        # ... and the light socket the same list, slim
        slim_list = events(light.until(lambda f: f.startswith('42["monitorList"')))[-1][1][0]
        assert slim_list == slim_entries(full_list) and slim_list["7"]["forceInactive"] is False
        # an edit from the plain client: the light socket gets it slim, the plain one full
        _, got = plain.call("getMonitor", 9)
        edited = {**got["monitor"], "name": "Local DNS (renamed)"}
        before_ack, reply = plain.call("editMonitor", edited)
        assert reply["ok"], reply
        update = next(e for name, (e,) in list_events(before_ack) if name == "updateMonitorIntoList")
        assert update["9"]["name"] == "Local DNS (renamed)" and update["9"]["includeSensitiveData"] is True
        slim_update = next(e for name, (e,) in list_events(light.until(lambda f: f.startswith('42["updateMonitorIntoList"'))))
        assert slim_update == {"9": slim_entries(update)["9"]}
        # getMonitorList from the light socket: the room's list, slim to it and full to the plain client
        light.until(lambda f: f.startswith('42["monitorList"'))  # the 1.x list after the edit
        plain.until(lambda f: f.startswith('42["monitorList"'))
        before_ack, reply = light.call("getMonitorList")
        assert reply == {"ok": True}
        (name, (slim_now,)), = list_events(before_ack)
        full_now = events(plain.until(lambda f: f.startswith('42["monitorList"')))[-1][1][0]
        assert slim_now == slim_entries(full_now) and full_now["9"]["name"] == "Local DNS (renamed)"
        # on demand, the full monitor comes as for every client (the detail and edit pages ask for it)
        _, still = light.call("getMonitor", 9)
        assert still["monitor"]["name"] == "Local DNS (renamed)" and still["monitor"]["hostname"] == "example.test"
        assert still["monitor"]["interval"] == full_now["9"]["interval"] and "pushToken" in still["monitor"]
        # a later light start does not get the slim list the first one built before the changes
        again = next(args[0] for name, args in events(login_frames(kuma.url, auth=LIGHT)) if name == "monitorList")
        assert again == slim_now and again["9"]["name"] == "Local DNS (renamed)" and again["6"]["active"] is True
    finally:
        plain.close()
        light.close()
        kuma.stop()
