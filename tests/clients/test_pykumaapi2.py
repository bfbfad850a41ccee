"""pykumaapi2 0.1.2 in a venv of its own: every public method of its three classes (`UptimeKumaClient`,
`UptimeKumaSocketClient`, `UptimeKumaRESTClient`) against a running kuma, one test each
(tests/clients/drivers/pykumaapi2_driver.py).

pykumaapi2 sends six events with one object of named fields where Uptime Kuma takes positional arguments;
kuma reads those (kuma/api/named_args.py), and takes its `Authorization: Bearer <API key>` on /metrics.
Two things cannot work with any server that sends Uptime Kuma's shapes, and are asserted as they fail:
`logout` (acked with no argument; its callback needs one) and `on_uptime_update` (its handler takes one
argument; `uptime` carries three).
"""
from __future__ import annotations

from typing import Any, Callable

import pytest

from tests.clients.envs import client_python, run_driver
from tests.clients.prepare import PUSH_TOKEN, prepare
from tests.clients.standins import stand_ins
from tests.helpers.server import start_kuma
from tests.helpers.sessions import logged_in

PACKAGE, VERSION = "pykumaapi2", "0.1.2"
REQUIREMENTS = [f"{PACKAGE}=={VERSION}", "python-socketio==5.18.1", "python-engineio==4.15.1", "aiohttp==3.14.5",
                "requests==2.34.2"]
PASSWORD = "secret123"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict[str, Any]:
    python = client_python(f"{PACKAGE}-{VERSION}", REQUIREMENTS)
    folder = tmp_path_factory.mktemp("pykumaapi2")
    with stand_ins(folder) as targets:
        kuma = start_kuma(folder / "data")
        try:
            ids = prepare(kuma.url, PASSWORD)
            out = run_driver(python, "pykumaapi2_driver.py",
                             {"url": kuma.url, "password": PASSWORD, "push_token": PUSH_TOKEN, **targets.config()})
            out["server"] = _server_state(kuma.url)
        finally:
            kuma.stop()
        out.update(ids=ids, hooks=targets.hook_bodies(), config=targets.config())
        return out


def _server_state(url: str) -> dict[str, Any]:
    """What the server holds after the driver: settings and the push monitor's beats."""
    with logged_in(url, PASSWORD) as client:
        settings = client.call("getSettings")[0]["data"]
        beats = client.call("getMonitorBeats", 1, 24)[0]["data"]
        return {"settings": settings, "push_beats": [(b["status"], b["msg"], b["ping"]) for b in beats]}


def value(run: dict, name: str) -> Any:
    result = run["results"][name]
    assert result["ok"], f"{name}: {result.get('error')}\n{result.get('trace', '')}"
    return result["value"]


def ok(run: dict, name: str) -> dict:
    reply = value(run, name)
    assert reply["ok"] is True, reply
    return reply


def _metrics(run: dict, name: str) -> None:
    text = value(run, name)
    assert 'monitor_status{monitor_id="1",monitor_name="agent",monitor_type="push"' in text, text[:2000]


C, S, R = "UptimeKumaClient.", "UptimeKumaSocketClient.", "UptimeKumaRESTClient."
CHECKS: dict[str, Callable[[dict, str], None]] = {
    C + "connect": lambda r, n: _is(value(r, n) is True),
    C + "login": lambda r, n: _is(ok(r, n)["token"].count(".") == 2),
    C + "login_by_token": lambda r, n: _is(ok(r, n) == {"ok": True}),
    C + "add_monitor": lambda r, n: _is(ok(r, n)["monitorID"] == 2),
    C + "edit_monitor": lambda r, n: _is(ok(r, n)["msg"] == "Saved." and r["results"][n]["after"] == "web renamed"),
    C + "pause_monitor": lambda r, n: _is(ok(r, n)["msg"] == "successPaused"),
    C + "resume_monitor": lambda r, n: _is(ok(r, n)["msg"] == "successResumed"),
    C + "delete_monitor": lambda r, n: _is(ok(r, n)["msg"] == "successDeleted"),
    C + "get_monitor_beats": lambda r, n: _is(ok(r, n)["data"][0]["msg"] == "200 - OK"),  # {monitorID, period}
    C + "add_notification": lambda r, n: _is(ok(r, n)["id"] == 1),
    C + "delete_notification": lambda r, n: _is(ok(r, n)["msg"] == "successDeleted"),
    C + "push_monitor_status": lambda r, n: _is(value(r, n) == {"ok": True}
                                                and (1, "pushed", 12) in r["server"]["push_beats"]),
    C + "get_status_page": lambda r, n: _is([g["name"] for g in value(r, n)["publicGroupList"]] == ["Agents"]),
    C + "get_status_page_heartbeat": lambda r, n: _is(value(r, n)["heartbeatList"]["1"][0]["status"] == 1),
    C + "get_metrics": _metrics,  # Basic auth with the username and password (no API key yet)
    C + "disconnect": lambda r, n: _is(r["results"][n]["after"] is False),
    C + "on_heartbeat": lambda r, n: _is(value(r, "seen")["heartbeat"] >= 1),
    C + "on_monitor_list_update": lambda r, n: _is(value(r, "seen")["monitorList"] >= 2),  # burst + kuma's 1.x list
    # its handler is `uptime(data)`; Uptime Kuma sends uptime(monitorID, period, ratio): it raises on every event
    C + "on_uptime_update": lambda r, n: _is(value(r, "seen")["uptime"] == 0 and value(r, "seen")["heartbeat"] >= 1),
    S + "connect": lambda r, n: _is(value(r, n) is True),
    S + "login": lambda r, n: _is(ok(r, n)["token"].count(".") == 2),
    S + "get_monitor": lambda r, n: _is(ok(r, n)["monitor"]["name"] == "second"),
    S + "get_monitor_chart_data": lambda r, n: _is(isinstance(ok(r, n)["data"], list)),  # {monitorID, period}
    S + "test_notification": lambda r, n: _is(ok(r, n)["msg"] == "Sent Successfully."
                                              and {"heartbeat": None, "monitor": None, "msg": "hook test Testing"}
                                              in r["hooks"]),
    S + "add_status_page": lambda r, n: _is(ok(r, n)["slug"] == "second"),  # {title, slug}
    S + "save_status_page": lambda r, n: _is(ok(r, n)["publicGroupList"][0]["name"] == "Services"),  # one object
    S + "delete_status_page": lambda r, n: _is(ok(r, n) == {"ok": True}),
    S + "get_settings": lambda r, n: _is(ok(r, n)["data"]["serverTimezone"] == "UTC"),
    S + "set_settings": lambda r, n: _is(ok(r, n)["msg"] == "Saved."  # {settings, currentPassword}
                                         and r["results"][n]["after"]["keepDataPeriodDays"] == 77
                                         and r["server"]["settings"]["keepDataPeriodDays"] == 77),
    S + "change_password": lambda r, n: _is(ok(r, n)["msg"] == "successAuthChangePassword"  # {passwords: {…}}
                                            and r["results"][n]["after"]["ok"] is True),
    # Uptime Kuma acks logout with no argument; pykumaapi2's callback(response) raises, the reader drops the socket
    S + "logout": lambda r, n: _is(value(r, n) == {"ok": False, "msg": "Request timeout"}),
    S + "disconnect": lambda r, n: _is(value(r, n) is None),
    R + "get_entry_page": lambda r, n: _is(value(r, n) == {"type": "entryPage", "entryPage": "dashboard"}),
    R + "close": lambda r, n: _is(value(r, n) is None and "after" not in r["results"][n]),
    R + "get_metrics": _metrics,  # Authorization: Bearer <API key>
    R + "get_status_page": lambda r, n: _is(value(r, n)["config"]["slug"] == "demo"),
    R + "get_status_page_heartbeat": lambda r, n: _is("1_24" in value(r, n)["uptimeList"]),
    R + "push_monitor_status": lambda r, n: _is(value(r, n) == {"ok": True}
                                                and (0, "by key", None) in r["server"]["push_beats"]),
}
#: Methods the socket client has under the same name as the combined client, driven there.
SAME_AS_COMBINED = {"add_monitor", "add_notification", "delete_monitor", "delete_notification", "edit_monitor",
                    "get_monitor_beats", "login_by_token", "on_heartbeat", "on_monitor_list_update",
                    "on_uptime_update", "pause_monitor", "resume_monitor"}


def _is(condition: Any) -> None:
    assert condition


def test_every_public_method_is_driven(run):
    offered = {f"{cls}.{name}" for cls, names in run["methods"].items() for name in names}
    driven = set(CHECKS) | {S + name for name in SAME_AS_COMBINED}
    assert offered == driven


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_method(run, name):
    try:
        CHECKS[name](run, name)
    except AssertionError as exc:
        raise AssertionError(f"{name}: {exc}\n{run['results'].get(name)}") from None
