"""Smarter alerts end to end (issue #22) on a real kuma process, real TCP/HTTP targets on 127.0.0.1 and a
webhook receiver: dependencies, flapping, storm control, escalation and acknowledgement.

Monitors check every second (the server accepts ≥ 1 s); each test waits for what the stored beats say
happened, then for the policy's own windows to pass, and only then counts the alerts."""
from __future__ import annotations

import re
import socket
import sqlite3
import threading
import time
from contextlib import contextmanager

from uptime_kuma_api import UptimeKumaApi

from tests.helpers.server import free_port
from tests.helpers.waiting import wait_until

DOWN, UP = 0, 1


class SwitchableTarget:
    """A TCP port on 127.0.0.1 that can be stopped (connection refused) and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(128)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()

    def _serve(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conn.close()

    def stop(self) -> None:
        if self._sock is not None:
            self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()
            self._sock = None


@contextmanager
def target():
    t = SwitchableTarget()
    t.start()
    try:
        yield t
    finally:
        t.stop()


@contextmanager
def client(kuma_server):
    api = UptimeKumaApi(kuma_server.url, timeout=20)
    try:
        api.setup("admin", "secret123")
        api.login("admin", "secret123")
        yield api
    finally:
        api.disconnect()


def add_port_monitor(api, name: str, port: int, notifications: list[int], **extra) -> int:
    form = api._build_monitor_data(type="port", name=name, hostname="127.0.0.1", port=port, maxretries=0,
                                   notificationIDList=notifications)
    form.update(interval=1, retryInterval=1, **extra)
    return api._call("add", form)["monitorID"]


def webhook(api, recorder, path: str) -> int:
    return api.add_notification(name=path, type="webhook", webhookURL=recorder.url + path,
                                webhookContentType="json", isDefault=False)["id"]


def latest_status(db_path, monitor_id: int) -> int | None:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT status FROM heartbeat WHERE monitor_id = ? ORDER BY id DESC LIMIT 1",
                           (monitor_id,)).fetchone()
        return None if row is None else row[0]
    finally:
        conn.close()


def wait_status(kuma_server, ids, status: int, what: str, timeout: float = 60) -> None:
    db = kuma_server.data_dir / "kuma.db"
    wait_until(lambda: all(latest_status(db, i) == status for i in ids), timeout, what, interval=0.2)


def messages(recorder, path: str | None = None) -> list[str]:
    return [r.json()["msg"] for r in list(recorder.requests) if path is None or r.path == path]


def test_an_upstream_down_gives_one_alert_naming_its_dependants_and_a_lone_failure_alerts_after(kuma_server, recorder):
    with target() as shared, target() as other, client(kuma_server) as api:
        hook = webhook(api, recorder, "/hook")
        router = add_port_monitor(api, "Router", shared.port, [hook])
        hosts = [add_port_monitor(api, f"Host{i:02d}", shared.port, [hook], maxretries=1) for i in range(19)]
        lone = add_port_monitor(api, "Host19", other.port, [hook], maxretries=1)
        dependants = [*hosts, lone]
        for monitor_id in dependants:
            saved = api._call("setMonitorAlerting", (monitor_id, {"dependsOn": [router]}))
            assert saved["alerting"]["dependsOn"] == [router]
        wait_status(kuma_server, [router, *dependants], UP, "everything UP")

        shared.stop()
        other.stop()
        wait_status(kuma_server, [router, *dependants], DOWN, "everything DOWN")
        time.sleep(4)  # the dependants' grace (the router's interval × 2) and a little more
        wait_until(lambda: messages(recorder), 30, "the router's alert", interval=0.2)  # late on a busy machine
        names = ", ".join(f"Host{i:02d}" for i in range(20))
        assert messages(recorder) == ["[Router] [🔴 Down] Connection failed"
                                      f"\nDependants affected (20): {names}"]
        info = api._call("getMonitorAlerting", lone)
        assert info["heldByUpstream"] is True and info["alerting"]["dependsOn"] == [router]
        assert api._call("getMonitorAlerting", router)["dependants"] == sorted(dependants)

        shared.start()  # the router and 19 hosts recover; Host19's own target is still down
        wait_status(kuma_server, [router, *hosts], UP, "router and hosts UP")
        wait_until(lambda: len(messages(recorder)) >= 3, 30, "the lone host's DOWN after its retries", interval=0.2)
        time.sleep(2)
        later = messages(recorder)[1:]
        assert len(later) == 2 and re.fullmatch(r"\[Router\] \[✅ Up\] \d+ ms", later[0])
        assert later[1] == "[Host19] [🔴 Down] Connection failed"


def test_dependency_cycles_and_foreign_monitors_are_refused(kuma_server):
    with client(kuma_server) as api:
        a = add_port_monitor(api, "A", 9, [])
        b = add_port_monitor(api, "B", 9, [])
        c = add_port_monitor(api, "C", 9, [])
        api._call("setMonitorAlerting", (b, {"dependsOn": [a]}))
        api._call("setMonitorAlerting", (c, {"dependsOn": [b]}))
        for data, msg in [({"dependsOn": [c]}, "Dependency cycle: A → C → B → A"),
                          ({"dependsOn": [a]}, "A monitor cannot depend on itself"),
                          ({"dependsOn": [999]}, "Unknown upstream monitor: 999"),
                          ({"flapping": {"threshold": "many"}}, "flapping.threshold must be a number from 1 to 1000"),
                          ({"escalation": {"afterMinutes": 5, "notificationIDList": [77]}}, "Unknown notification: 77")]:
            reply = api.sio.call("setMonitorAlerting", (a, data), timeout=10)
            assert reply == {"ok": False, "msg": msg}
        assert api._call("getMonitorAlerting", a)["alerting"]["dependsOn"] == []
        api.delete_monitor(b)  # C's upstream goes with it
        assert api._call("getMonitorAlerting", c)["alerting"]["dependsOn"] == []
        assert api.get_monitor(a)["name"] == "A" and "dependsOn" not in api.get_monitor(a)


def test_a_flapping_target_sends_one_flapping_alert_then_stable_again(kuma_server, recorder):
    with target() as flaky, client(kuma_server) as api:
        hook = webhook(api, recorder, "/hook")
        web = add_port_monitor(api, "Flaky", flaky.port, [hook])
        api._call("setMonitorAlerting", (web, {"flapping": {
            "enabled": True, "threshold": 3, "windowMinutes": 1, "stableMinutes": 0.15}}))
        wait_status(kuma_server, [web], UP, "first UP")
        for _ in range(4):  # 8 changes, 2 s apart
            flaky.stop()
            wait_status(kuma_server, [web], DOWN, "DOWN")
            time.sleep(1)
            flaky.start()
            wait_status(kuma_server, [web], UP, "UP")
            time.sleep(1)
        wait_until(lambda: any("Flapping" in m for m in messages(recorder)), 30, "the flapping alert", interval=0.2)
        flapping = [m for m in messages(recorder) if "Flapping" in m]
        assert flapping == ["[Flaky] [〰️ Flapping] more than 3 state changes in 1 min; "
                            "alerts are paused until it is stable for 0.15 min"]
        sent = messages(recorder)
        assert len(sent) == 4 and sent[-1] == flapping[0]  # three ordinary alerts, then only the flapping one
        assert api._call("getMonitorAlerting", web)["flapping"] is True
        wait_until(lambda: len(messages(recorder)) == 5, 30, "stable again", interval=0.2)
        assert messages(recorder)[-1] == "[Flaky] [✅ Up] stable again after flapping"


def test_fifty_monitors_down_at_once_give_one_summary_per_channel(kuma_server, recorder):
    with target() as shared, client(kuma_server) as api:
        first, second = webhook(api, recorder, "/first"), webhook(api, recorder, "/second")
        api._call("setAlertSettings", {"stormThreshold": 10, "stormWindowSeconds": 5})
        assert api._call("getAlertSettings")["settings"] == {"stormThreshold": 10, "stormWindowSeconds": 5}
        ids = [add_port_monitor(api, f"M{i:02d}", shared.port, [first, second]) for i in range(50)]
        wait_status(kuma_server, ids, UP, "50 UP")
        shared.stop()
        wait_status(kuma_server, ids, DOWN, "50 DOWN")
        wait_until(lambda: len(messages(recorder)) >= 2, 30, "the summaries", interval=0.2)
        time.sleep(7)  # past one more window: nothing else comes
        for path in ("/first", "/second"):
            (summary,) = messages(recorder, path)
            lines = summary.splitlines()
            assert lines[0].startswith("50 monitors down since ") and len(lines) == 51
            assert sorted(line.split(":")[0] for line in lines[1:]) == [f"- M{i:02d}" for i in range(50)]


def test_escalation_after_t_repeats_and_acknowledgement_stops_them(kuma_server, recorder):
    with target() as site, client(kuma_server) as api:
        usual, pager = webhook(api, recorder, "/usual"), webhook(api, recorder, "/pager")
        web = add_port_monitor(api, "Site", site.port, [usual])
        api._call("setMonitorAlerting", (web, {"escalation": {
            "afterMinutes": 0.05, "notificationIDList": [pager], "repeatMinutes": 0.04}}))
        wait_status(kuma_server, [web], UP, "first UP")
        reply = api.sio.call("acknowledgeMonitor", web, timeout=10)
        assert reply == {"ok": False, "msg": "This monitor has no outage to acknowledge"}
        site.stop()
        wait_until(lambda: len(messages(recorder, "/pager")) >= 1, 30, "escalation to the pager", interval=0.1)
        wait_until(lambda: len(messages(recorder, "/usual")) >= 3, 30, "two repeats", interval=0.1)
        assert api._call("acknowledgeMonitor", web) == {"msg": "Acknowledged."}
        assert api._call("getMonitorAlerting", web)["acknowledged"] is True
        time.sleep(0.5)  # a delivery already on its way may land
        counts = len(messages(recorder, "/usual")), len(messages(recorder, "/pager"))
        time.sleep(6)  # more than two repeat periods
        assert (len(messages(recorder, "/usual")), len(messages(recorder, "/pager"))) == counts
        down = "[Site] [🔴 Down] Connection failed"
        assert set(messages(recorder)) == {down}
