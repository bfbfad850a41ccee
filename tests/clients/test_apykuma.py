"""apykuma 1.2.0 (a push agent: pings a push URL every `interval` seconds), in a venv of its own: its two
public functions against a running kuma's push route (tests/clients/drivers/apykuma_driver.py)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.clients.envs import client_python, run_driver
from tests.clients.prepare import PUSH_TOKEN, prepare
from tests.helpers.server import start_kuma
from tests.helpers.sessions import logged_in
from tests.helpers.targets import closed_port

PACKAGE, VERSION = "apykuma", "1.2.0"
REQUIREMENTS = [f"{PACKAGE}=={VERSION}", "aiohttp==3.14.5"]
PASSWORD = "secret123"


def _push_beats(url: str, monitor_id: int) -> list[tuple[int, str]]:
    with logged_in(url, PASSWORD) as client:
        return [(b["status"], b["msg"]) for b in client.call("getMonitorBeats", monitor_id, 24)[0]["data"]]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict[str, Any]:
    python = client_python(f"{PACKAGE}-{VERSION}", REQUIREMENTS)
    kuma = start_kuma(tmp_path_factory.mktemp("apykuma") / "data")
    try:
        ids = prepare(kuma.url, PASSWORD)
        config = {"push": f"{kuma.url}/api/push/{PUSH_TOKEN}", "missing": f"{kuma.url}/api/push/noSuchToken",
                  "closed": f"http://127.0.0.1:{closed_port()}/api/push/x"}
        out = run_driver(python, "apykuma_driver.py", config)
        out["beats"] = _push_beats(kuma.url, ids["push"])
        return out
    finally:
        kuma.stop()


def test_every_public_function_is_driven(run):
    assert run["methods"] == ["ping", "start"]


def test_ping(run):
    assert run["results"]["ping"]["value"] == {"status": 200}
    assert (1, "ping-once") in run["beats"]
    assert run["results"]["ping(unknown token)"]["value"] == {"status": 404}


def test_start_pings_every_interval_and_reports_errors(run):
    assert run["results"]["start"]["value"]["pings"] == [200, 200]
    assert run["beats"].count((1, "from-start")) >= 2
    assert run["results"]["start"]["value"]["errors"] == ["ClientConnectorError", "ClientConnectorError"]
