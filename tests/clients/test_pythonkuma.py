"""pythonkuma 0.5.3 (the library of Home Assistant's Uptime Kuma integration), in a venv of its own: every
public method against a running kuma (tests/clients/drivers/pythonkuma_driver.py).

Every pythonkuma release declares `Requires-Python >=3.12`, so plain pip refuses it on Python 3.11 (kuma's
CI); its code runs on 3.11 (StrEnum, typing.Self are 3.11), so the venv installs it with
`--ignore-requires-python`. `UpdateChecker.latest_release` asks GitHub, not the server: it is pointed at a
local stand-in that answers as GitHub's `releases/latest` does.
"""
from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.clients.envs import client_python, run_driver
from tests.clients.prepare import PUSH_TOKEN, prepare
from tests.helpers.server import start_kuma
from tests.helpers.sessions import logged_in
from tests.helpers.targets import Reply, http_target

PACKAGE, VERSION = "pythonkuma", "0.5.3"
REQUIREMENTS = [f"{PACKAGE}=={VERSION}", "aiohttp==3.14.5", "mashumaro==3.23", "prometheus-client==0.26.0",
                "yarl==1.25.1"]
PASSWORD = "secret123"
RELEASE = {"tag_name": "2.5.3", "name": "2.5.3", "html_url": "http://127.0.0.1/releases/2.5.3",
           "body": "Notes"}


def _api_key(url: str) -> str:
    with logged_in(url, PASSWORD) as client:
        added = client.call("addAPIKey", {"name": "home assistant", "expires": None, "active": 1})[0]
        assert added["ok"] is True, added
        return added["key"]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict[str, Any]:
    python = client_python(f"{PACKAGE}-{VERSION}", REQUIREMENTS, pip_args=("--ignore-requires-python",))
    folder = tmp_path_factory.mktemp("pythonkuma")
    github = {"/repos/louislam/uptime-kuma/releases/latest": Reply(200, json.dumps(RELEASE),
                                                                   {"Content-Type": "application/json"})}
    with http_target(github) as releases:
        kuma = start_kuma(folder / "data")
        try:
            prepare(kuma.url, PASSWORD)
            pushed = httpx.get(f"{kuma.url}/api/push/{PUSH_TOKEN}", params={"status": "up", "msg": "OK", "ping": 42})
            assert pushed.json() == {"ok": True}
            config = {"url": kuma.url, "api_key": _api_key(kuma.url),
                      "github": f"{releases.url}/repos/louislam/uptime-kuma"}
            return run_driver(python, "pythonkuma_driver.py", config)
        finally:
            kuma.stop()


def test_every_public_method_is_driven(run):
    assert run["methods"] == ["UpdateChecker.latest_release", "UptimeKuma.metrics"]


def test_metrics_with_an_api_key(run):
    result = run["results"]["UptimeKuma.metrics"]
    assert result["ok"], result
    agent = result["value"]["1"]
    assert agent["monitor_name"] == "agent" and agent["monitor_type"] == "push"
    assert agent["monitor_status"] == "UP" and agent["monitor_response_time"] == 42
    assert agent["monitor_uptime_ratio_1d"] == 1.0 and agent["monitor_response_time_seconds_1d"] == 0.042
    assert result["version"] == {"version": "2.5.3", "major": "2", "minor": "5", "patch": "3"}


def test_metrics_refuses_a_wrong_or_missing_key(run):
    for call in ("UptimeKuma.metrics(wrong key)", "UptimeKuma.metrics(no key)"):
        result = run["results"][call]
        assert not result["ok"] and result["error"].startswith("UptimeKumaAuthenticationException"), result


def test_latest_release_from_the_stand_in(run):
    result = run["results"]["UpdateChecker.latest_release"]
    assert result["ok"], result
    assert result["value"] == RELEASE
