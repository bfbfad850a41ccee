"""The frozen build as users meet it: Socket.IO sessions over every transport, the `uptime_kuma_api` package
with the public routes, the dashboard in Chromium, and the one-folder build.

The flows live in tests/helpers/flows.py and run against the source tree and the one-file binary alike
(`kuma` is parametrized over both), so a part the binary lacks fails here with the same assertion that passes
from source. The binary runs outside the checkout with no PYTHONPATH, so nothing can come from the source tree.
"""
from __future__ import annotations

import pytest

from tests.browser.test_dashboard import add_http_monitor, setup_admin
from tests.helpers import flows
from tests.helpers.binary import built_binary, built_onedir, patient
from tests.helpers.server import KumaProcess, start_kuma
from tests.helpers.targets import http_target

# The first test that needs a build waits for it (about a minute alone, several on a busy machine);
# the one-folder build comes on top when its test runs.
pytestmark = pytest.mark.timeout(1500)

TRANSPORTS = {"websocket": ["websocket"], "polling": ["polling"], "upgrade": ["polling", "websocket"]}


@pytest.fixture(scope="module")
def binary():
    return built_binary()


def start_frozen(executable, tmp_path) -> KumaProcess:
    """Start a frozen build from a folder of its own, with nothing pointing back at the source tree."""
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    return start_kuma(tmp_path / "data", command=[str(executable)], cwd=elsewhere, env={"PYTHONPATH": ""},
                      ready_timeout=patient(90))


@pytest.fixture(params=["source", "binary"])
def kuma(request, tmp_path):
    if request.param == "binary":
        server = start_frozen(request.getfixturevalue("binary"), tmp_path)
    else:
        server = start_kuma(tmp_path / "data")
    yield server
    assert server.stop(patient(15)) == 0, server.log()


@pytest.mark.parametrize("transport", list(TRANSPORTS))
def test_socketio_session(kuma, transport):
    flows.socketio_session(kuma.url, TRANSPORTS[transport])


def test_public_surface_with_uptime_kuma_api(kuma):
    with http_target() as target:
        flows.public_surface(kuma, target.url)


def test_dashboard_in_chromium_against_the_binary(page, binary, tmp_path):  # noqa: F811
    server = start_frozen(binary, tmp_path)
    try:
        with http_target() as target:
            setup_admin(page, server.url)
            page.wait_for_selector("#list-count:has-text('0 monitors')")
            monitor_id = add_http_monitor(page, server.url, "Frozen web", target.url + "/")
            page.wait_for_selector("#d-name .pill-up", timeout=30_000)
            page.wait_for_selector(f".monitor-row[data-id='{monitor_id}'] .pill-up")
            assert "Frozen web" in page.inner_text("#d-name")
    finally:
        assert server.stop(patient(15)) == 0, server.log()


def test_socketio_session_on_the_onedir_build(tmp_path):
    server = start_frozen(built_onedir(), tmp_path)
    try:
        flows.socketio_session(server.url, TRANSPORTS["websocket"])
    finally:
        assert server.stop() == 0, server.log()
