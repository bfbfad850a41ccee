"""User-facing flows against a running kuma (source or frozen binary), shared so both run the same assertions.

- `socketio_session`: a python-socketio client over the given transports: the server's first events,
  then `needSetup` / `setup` / `login` acks and the after-login burst.
- `public_surface`: the `uptime_kuma_api` package sets up, logs in and adds an HTTP monitor (UP) and a
  push monitor (pushed to); then the public routes read them: badge, status page JSON, `/metrics`.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Callable

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers.server import KumaProcess
from tests.helpers.waiting import wait_until
from tests.realtime.util import RecordingClient

USERNAME, PASSWORD = "admin", "flow-Passw0rd"


def socketio_session(url: str, transports: list[str]) -> None:
    """Connect over `transports` (["polling", "websocket"] = polling first, then the upgrade), set up, log in."""
    client = RecordingClient(url, transports, reconnection=False)
    try:
        expected = "websocket" if "websocket" in transports else "polling"
        wait_until(lambda: client.client.transport() == expected, what=f"transport {expected}")
        # a fresh instance greets with the reduced info, asks for setup, and says a login is needed
        wait_until(lambda: client.named("loginRequired"), what="loginRequired")
        assert [event for event, _ in client.events] == ["info", "setup", "loginRequired"]
        assert "version" not in client.named("info")[0][0]  # nothing but the basics before login
        assert client.call("needSetup") is True
        assert client.call("setup", USERNAME, PASSWORD) == {"ok": True, "msg": "successAdded", "msgi18n": True}
        assert client.call("needSetup") is False
        reply = client.call("login", {"username": USERNAME, "password": PASSWORD, "token": ""})
        assert reply["ok"] is True and reply["token"].count(".") == 2, reply
        # the after-login burst came before the ack, over the same transport
        assert client.named("monitorList") == [({},)]
        assert client.named("info")[-1][0]["version"] == "2.5.3"
        assert client.client.transport() == expected
    finally:
        client.close()


def public_surface(kuma: KumaProcess, target_url: str) -> None:
    """uptime_kuma_api → HTTP monitor UP → push monitor pushed → badge → status page → /metrics."""
    from uptime_kuma_api import MonitorStatus, MonitorType, UptimeKumaApi

    api = UptimeKumaApi(kuma.url, timeout=20, wait_events=0.1)
    try:
        assert api.need_setup() is True
        api.setup(USERNAME, PASSWORD)
        assert api.login(USERNAME, PASSWORD)["token"]
        web_id = api.add_monitor(type=MonitorType.HTTP, name="Web", url=target_url + "/", interval=20)["monitorID"]
        beat = _wait_for_beat(api, web_id)
        assert beat["status"] == MonitorStatus.UP and beat["msg"] == "200 - OK", beat

        push_id = api.add_monitor(type=MonitorType.PUSH, name="Cron", interval=60)["monitorID"]
        token = api.get_monitor(push_id)["pushToken"]
        assert token
        pushed = httpx.get(f"{kuma.url}/api/push/{token}", params={"status": "up", "msg": "OK", "ping": "5"})
        assert pushed.status_code == 200 and pushed.json() == {"ok": True}
        beat = _wait_for_beat(api, push_id)
        assert (beat["status"], beat["msg"], beat["ping"]) == (MonitorStatus.UP, "OK", 5), beat
        assert _stored_beats(kuma, push_id) == [(1, "OK", 5)]

        badge = httpx.get(f"{kuma.url}/api/badge/{web_id}/status")
        assert badge.status_code == 200 and 'aria-label="N/A"' in badge.text  # not on a status page yet
        _status_page(api, kuma, [web_id, push_id])
        badge = httpx.get(f"{kuma.url}/api/badge/{web_id}/status")
        assert badge.status_code == 200 and badge.headers["content-type"] == "image/svg+xml; charset=utf-8"
        assert 'aria-label="Status: Up"' in badge.text

        key = api.add_api_key(name="scraper", expires=None, active=True)["key"]
        assert key.startswith("uk")
        assert httpx.get(f"{kuma.url}/metrics").status_code == 401
        scrape = httpx.get(f"{kuma.url}/metrics", auth=("", key))
        assert scrape.status_code == 200, scrape.text
        status = _samples(scrape.text, "monitor_status")
        assert status[("Web", "http")] == 1 and status[("Cron", "push")] == 1, status
    finally:
        api.disconnect()


def _status_page(api: Any, kuma: KumaProcess, monitor_ids: list[int]) -> None:
    api.add_status_page("flow", "Flow status")
    api.save_status_page("flow", title="Flow status",
                         publicGroupList=[{"name": "Services", "monitorList": [{"id": i} for i in monitor_ids]}])
    page = httpx.get(f"{kuma.url}/api/status-page/flow")
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["config"]["slug"] == "flow" and body["config"]["title"] == "Flow status"
    groups = body["publicGroupList"]
    assert [g["name"] for g in groups] == ["Services"]
    assert [m["id"] for m in groups[0]["monitorList"]] == monitor_ids
    beats = httpx.get(f"{kuma.url}/api/status-page/heartbeat/flow")
    assert beats.status_code == 200, beats.text
    lists = beats.json()["heartbeatList"]
    for monitor_id in monitor_ids:
        assert lists[str(monitor_id)] and lists[str(monitor_id)][-1]["status"] == 1, lists
        assert beats.json()["uptimeList"][f"{monitor_id}_24"] == 1


def _wait_for_beat(api: Any, monitor_id: int, timeout: float = 30) -> dict:
    """The newest heartbeat the client has received live for `monitor_id`."""
    return _poll(lambda: (api.get_heartbeats().get(monitor_id) or [None])[-1], timeout, f"a beat of {monitor_id}")


def _stored_beats(kuma: KumaProcess, monitor_id: int) -> list[tuple]:
    db = sqlite3.connect(f"file:{kuma.data_dir / 'kuma.db'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT status, msg, ping FROM heartbeat WHERE monitor_id = ? ORDER BY id",
                          (monitor_id,)).fetchall()
    finally:
        db.close()


def _samples(text: str, family: str) -> dict[tuple[str, str], float]:
    """{(monitor_name, monitor_type): value} of one metric family."""
    for metrics in text_string_to_metric_families(text):
        if metrics.name == family:
            return {(s.labels["monitor_name"], s.labels["monitor_type"]): s.value for s in metrics.samples}
    raise AssertionError(f"no {family} in /metrics:\n{text[:2000]}")


def _poll(fn: Callable[[], Any], timeout: float, what: str) -> Any:
    return wait_until(fn, timeout, what, interval=0.2)
