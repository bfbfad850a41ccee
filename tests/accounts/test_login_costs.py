"""A login costs its own burst only (issue #15): the user's other sockets get nothing of it.

They hold the lists already; what changes later reaches them through the change events. (A burst sent
to the whole room made n logins cost n² × the lists.)
"""
from __future__ import annotations

from tests.helpers.server import REPLAY_ENV
from tests.helpers.sessions import connected
from tests.helpers.transcripts import WireClient

#: no coalesced full lists for 1.x clients: only what the handlers themselves send
KUMA_ENV = REPLAY_ENV
PASSWORD = "secret123"


def _push_monitor(name: str) -> dict:
    return {"type": "push", "name": name, "interval": 3600, "retryInterval": 3600, "pushToken": None,
            "accepted_statuscodes": ["200-299"], "notificationIDList": {}}


def test_a_login_sends_no_burst_frames_to_the_users_other_sockets(kuma_server):
    with connected(kuma_server.url) as first:
        assert first.call("setup", "admin", PASSWORD)[0]["ok"]
        login = first.call("login", {"username": "admin", "password": PASSWORD, "token": ""})[0]
        assert login["ok"]
        for n in range(3):
            assert first.call("add", _push_monitor(f"push {n}"))[0]["ok"]
        first.call("needSetup")  # acked after every event queued for it before
        seen = len(first.messages)

        others = []
        for login_kind in ("login", "loginByToken", "loginByToken"):
            other = WireClient(kuma_server.url)
            other.connect()
            others.append(other)
            if login_kind == "login":
                reply = other.call("login", {"username": "admin", "password": PASSWORD, "token": ""})
            else:
                reply = other.call("loginByToken", login["token"])
            assert reply[0]["ok"]
            names = [m.event for m in other.messages if m.kind == "event"]
            assert {"monitorList", "notificationList", "heartbeatList", "uptime", "avgPing"} <= set(names)
            assert names.count("monitorList") == 1

        first.call("needSetup")  # anything queued for it during those logins arrived before this ack
        during = [f"{m.kind}:{m.event}" for m in first.messages[seen:]]
        assert during == ["ack:needSetup"]
        # and what does change still reaches every socket of the user
        assert first.call("add", _push_monitor("push 3"))[0]["ok"]
        for other in others:
            assert other.wait_for(lambda o=other: any(m.event == "updateMonitorIntoList" for m in o.messages))
        for other in others:
            other.disconnect()
