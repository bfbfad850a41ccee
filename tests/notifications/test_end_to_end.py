"""End to end on a real kuma process: an HTTP monitor whose target fails alerts a webhook exactly as the
rules say — one DOWN alert after the retries, resends every `resendInterval` DOWN beats, one UP alert on
recovery, nothing while under maintenance."""
from __future__ import annotations

import sqlite3

import pytest
from uptime_kuma_api import MaintenanceStrategy, UptimeKumaApi

from tests.helpers.waiting import wait_until
from tests.notifications.recorder import start_recorder

DOWN_MSG = "[Site] [🔴 Down] Request failed with status code 503"
UP_MSG = "[Site] [✅ Up] 200 - OK"


def _wait(predicate, timeout: float = 60.0, what: str = "condition"):
    return wait_until(predicate, timeout, what, interval=0.1)


def _beats(db_path, monitor_id: int) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM heartbeat WHERE monitor_id = ? ORDER BY id", (monitor_id,)).fetchall()
    finally:
        conn.close()


@pytest.fixture
def target():
    rec = start_recorder()
    rec.routes["/health"] = (200, "OK", "text/plain")
    yield rec
    rec.close()


def test_down_resend_up_and_silence_in_maintenance(kuma_server, recorder, target):
    api = UptimeKumaApi(kuma_server.url, timeout=20)
    try:
        api.setup("admin", "secret123")
        api.login("admin", "secret123")
        nid = api.add_notification(name="Hook", type="webhook", webhookURL=recorder.url + "/hook",
                                   webhookContentType="json", isDefault=False)["id"]
        form = api._build_monitor_data(type="http", name="Site", url=target.url + "/health", maxretries=1,
                                       resendInterval=2, notificationIDList=[nid])
        form.update(interval=1, retryInterval=1)  # the server accepts ≥ 1 s; the client insists on 20
        monitor_id = api._call("add", form)["monitorID"]
        db = kuma_server.data_dir / "kuma.db"
        _wait(lambda: any(b["status"] == 1 for b in _beats(db, monitor_id)), what="first UP beat")

        target.routes["/health"] = (503, "down", "text/plain")
        # PENDING (retry 1 of 1), DOWN → alert, then DOWN beats; wait for the first resend
        _wait(lambda: len(recorder.requests) >= 2, what="DOWN alert and one resend")
        target.routes["/health"] = (200, "OK", "text/plain")
        _wait(lambda: any(r.json()["msg"] == UP_MSG for r in recorder.requests), what="UP alert")

        beats = _beats(db, monitor_id)
        first_down = next(i for i, b in enumerate(beats) if b["status"] == 0)
        recovery = next(i for i, b in enumerate(beats) if i > first_down and b["status"] == 1)
        assert beats[first_down - 1]["status"] == 2  # the retry came first, as PENDING
        down_run = beats[first_down:recovery]
        assert all(b["status"] == 0 for b in down_run)
        expected_down_alerts = 1 + (len(down_run) - 1) // 2  # the important one, then every 2nd DOWN beat
        msgs = [r.json()["msg"] for r in recorder.requests]
        assert msgs == [DOWN_MSG] * expected_down_alerts + [UP_MSG]
        first = recorder.requests[0].json()
        assert list(first) == ["heartbeat", "monitor", "msg"]
        assert first["heartbeat"]["status"] == 0 and first["heartbeat"]["important"] is True
        assert first["monitor"]["id"] == monitor_id and first["monitor"]["includeSensitiveData"] is False
        assert recorder.requests[-1].json()["heartbeat"]["lastDownTime"] == beats[first_down]["time"]
        assert recorder.requests[-1].header("User-Agent") == "Uptime-Kuma/2.5.3"

        # maintenance: the target fails again, but only MAINTENANCE beats are written and nothing is sent
        alerts_before = len(recorder.requests)
        maintenance_id = api.add_maintenance(title="Works", strategy=MaintenanceStrategy.MANUAL,
                                             active=True)["maintenanceID"]
        api.add_monitor_maintenance(maintenance_id, [{"id": monitor_id}])
        target.routes["/health"] = (503, "down", "text/plain")
        start = len(_beats(db, monitor_id))
        _wait(lambda: sum(b["status"] == 3 for b in _beats(db, monitor_id)[start:]) >= 4,
              what="maintenance beats")
        api.pause_monitor(monitor_id)
        later = [b["status"] for b in _beats(db, monitor_id)[start:]]
        assert 0 not in later[later.index(3):]  # once in maintenance, no DOWN beat although the target fails
        assert len(recorder.requests) == alerts_before
    finally:
        api.disconnect()
