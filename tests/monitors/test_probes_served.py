"""The new types inside a running kuma: a docker monitor reads its Docker host row from the database, and a
real-browser monitor's screenshot is served at the path its monitor JSON names."""
from __future__ import annotations

import httpx
import pytest

from tests.helpers.docker_engine import docker_engine, state
from tests.helpers.server import start_kuma
from tests.helpers.targets import http_target
from tests.helpers.waiting import wait_until

USERNAME, PASSWORD = "admin", "probe-Passw0rd"


@pytest.fixture
def kuma(tmp_path):
    server = start_kuma(tmp_path / "data")
    try:
        yield server
    finally:
        server.stop()


def test_docker_and_real_browser_monitors_in_a_running_server(kuma, tmp_path):
    from uptime_kuma_api import MonitorType, UptimeKumaApi

    with docker_engine({"web": [state("running", health="healthy")]}, socket_path=tmp_path / "d.sock") as (
            engine, daemon), http_target() as web:
        api = UptimeKumaApi(kuma.url, timeout=30, wait_events=0.1)
        try:
            api.setup(USERNAME, PASSWORD)
            api.login(USERNAME, PASSWORD)
            host_id = api.add_docker_host(name="local", dockerType="socket", dockerDaemon=daemon)["id"]
            docker_id = api.add_monitor(type=MonitorType.DOCKER, name="Web container", docker_container="web",
                                        docker_host=host_id, interval=20)["monitorID"]
            browser_id = api.add_monitor(type=MonitorType.REAL_BROWSER, name="Web page", url=web.url + "/",
                                         interval=20)["monitorID"]

            def latest(monitor_id):
                beats = api.get_heartbeats().get(monitor_id) or []
                return beats[-1] if beats else None

            beat = wait_until(lambda: latest(docker_id), 30, "a docker beat", interval=0.2)
            assert (beat["status"], beat["msg"]) == (1, "healthy"), beat
            assert "/containers/web/json" in engine.requests
            beat = wait_until(lambda: latest(browser_id), 60, "a real-browser beat", interval=0.2)
            assert (beat["status"], beat["msg"]) == (1, "200"), beat
            screenshot = api.get_monitor(browser_id)["screenshot"]
            assert screenshot.startswith("/screenshots/") and screenshot.endswith(".png")
        finally:
            api.disconnect()
    served = httpx.get(kuma.url + screenshot)
    assert served.status_code == 200 and served.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert httpx.get(kuma.url + "/screenshots/nope.png").status_code == 404
