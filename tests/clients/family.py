"""What every method of `uptime_kuma_api.UptimeKumaApi` must give against kuma, for the three packages that
install that module (tests/clients/drivers/uptime_kuma_api_family.py drives them; one test per method).

`run_family` starts one kuma and the stand-ins, runs the driver once with the package's python and returns
what it printed; `check(run, method)` asserts on that method's result. A package's test module passes
`known` for methods that cannot work with that package against Uptime Kuma 2.5.3's shapes: each maps to a
check of how exactly it fails (so a change either way is noticed).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tests.clients.envs import run_driver
from tests.clients.standins import CHROME_VERSION, StandIns, stand_ins
from tests.helpers.server import start_kuma

PASSWORD = "secret123"
BACKUP_REFUSAL = "Importing a JSON backup was removed in Uptime Kuma 2.0"


@dataclass
class Run:
    methods: list[str]
    results: dict[str, dict]
    ids: dict[str, int]
    hooks: list[dict]
    config: dict[str, str]

    def value(self, method: str) -> Any:
        result = self.results[method]
        assert result["ok"], f"{method} failed: {result.get('error')}\n{result.get('trace', '')}"
        return result["value"]

    def after(self, method: str) -> Any:
        self.value(method)
        return self.results[method]["after"]


def run_family(python: Path, folder: Path) -> Run:
    with stand_ins(folder) as targets:
        kuma = start_kuma(folder / "data")
        try:
            out = run_driver(python, "uptime_kuma_api_family.py",
                             {"url": kuma.url, "password": PASSWORD, **targets.config()})
        finally:
            kuma.stop()
        return Run(out["methods"], out["results"], out["ids"], targets.hook_bodies(), targets.config())


def _jwt(value: Any) -> bool:
    return isinstance(value, str) and value.count(".") == 2


def _by_id(items: list[dict], item_id: int) -> dict:
    (found,) = [item for item in items if item["id"] == item_id]
    return found


def _ack(msg: str) -> Callable[[Run, str], None]:
    return lambda run, method: _assert_msg(run.value(method), msg)


def _assert_msg(value: dict, msg: str) -> None:
    assert value["msg"] == msg, value


CHECKS: dict[str, Callable[[Run, str], None]] = {
    # account and connection
    "need_setup": lambda r, m: _assert(r.value(m) is True),
    "setup": _ack("successAdded"),
    "login": lambda r, m: _assert(_jwt(r.value(m)["token"])),
    "login_by_token": lambda r, m: _assert(r.value(m) == {} and r.after(m) == sorted(r.ids.values())),
    "logout": lambda r, m: _assert(r.after(m) == "You are not logged in."),
    "disconnect": lambda r, m: _assert(r.after(m) is False),
    "connect": lambda r, m: _assert(r.after(m) is False),  # need_setup answered on the new connection
    "version": lambda r, m: _assert(r.value(m) == "2.5.3"),
    "info": lambda r, m: _assert(r.value(m)["version"] == "2.5.3" and r.value(m)["serverTimezone"] == "UTC"),
    "wait_for_event": lambda r, m: _assert(r.value(m) == []),  # apiKeyList arrived (empty)
    "change_password": lambda r, m: _assert(r.value(m)["msg"] == "successAuthChangePassword" and r.after(m)),
    # tags
    "add_tag": lambda r, m: _assert(r.value(m)["name"] == "env" and r.value(m)["color"] == "#2563EB"),
    "get_tags": lambda r, m: _assert([t["name"] for t in r.value(m)] == ["env"]),
    "get_tag": lambda r, m: _assert(r.value(m)["name"] == "env"),
    "edit_tag": lambda r, m: _assert(r.value(m)["tag"]["name"] == "environment"),
    "delete_tag": _ack("successDeleted"),
    # monitors
    "add_monitor": lambda r, m: _assert(r.value(m)["monitorID"] == r.ids["web"]),
    "get_monitors": lambda r, m: _assert([x["name"] for x in r.value(m)] == ["web", "Group", "Child", "tls"]),
    "get_monitor": lambda r, m: _assert(r.value(m)["pathName"] == "Group / Child" and r.value(m)["parent"]
                                        == r.ids["group"]),
    "edit_monitor": lambda r, m: _assert(r.after(m)["name"] == "web renamed" and r.after(m)["interval"] == 30),
    "add_monitor_tag": lambda r, m: _assert([(t["name"], t["value"]) for t in r.after(m)] == [("environment", "prod")]),
    "delete_monitor_tag": lambda r, m: _assert(r.after(m) == []),
    "pause_monitor": lambda r, m: _assert(r.after(m) is False),
    "resume_monitor": lambda r, m: _assert(r.after(m) is True),
    "delete_monitor": lambda r, m: _assert(r.after(m) == sorted(set(r.ids.values()) - {r.ids["web"]})),
    "get_monitor_beats": lambda r, m: _assert(r.value(m)[0]["status"] == 1 and r.value(m)[0]["msg"] == "200 - OK"),
    "get_monitor_status": lambda r, m: _assert(r.value(m) == 1),  # MonitorStatus.UP
    # what the login burst carries
    "get_heartbeats": lambda r, m: _assert(r.value(m)[str(r.ids["web"])][0]["status"] == 1),
    "get_important_heartbeats": lambda r, m: _assert(r.value(m)[str(r.ids["web"])][0]["important"] is True),
    "avg_ping": lambda r, m: _assert(isinstance(r.value(m)[str(r.ids["web"])], (int, float))),
    "uptime": lambda r, m: _assert(r.value(m)[str(r.ids["web"])] == {"24": 1, "720": 1, "1y": 1}),
    "cert_info": lambda r, m: _assert(r.value(m)[str(r.ids["tls"])]["certInfo"]["subject"]["CN"] == "localhost"),
    "clear_events": lambda r, m: _assert(r.value(m) == {}),
    "clear_heartbeats": lambda r, m: _assert(r.after(m) == []),
    "clear_statistics": lambda r, m: _assert(r.value(m) == {}),
    # small server events
    "get_game_list": lambda r, m: _assert(len(r.value(m)) > 100 and {"keys", "pretty", "options"} <= set(r.value(m)[0])),
    "test_chrome": lambda r, m: _assert(r.value(m)["msg"] == {"key": "foundChromiumVersion", "values": [CHROME_VERSION]}),
    "get_database_size": lambda r, m: _assert(r.value(m)["size"] > 0),
    "shrink_database": lambda r, m: _assert(r.value(m) == {}),
    "get_settings": lambda r, m: _assert(r.value(m)["serverTimezone"] == "UTC"),
    "set_settings": lambda r, m: _assert(r.value(m)["msg"] == "Saved." and r.after(m)["keepDataPeriodDays"] == 120),
    "upload_backup": lambda r, m: _refused(r, m, BACKUP_REFUSAL),
    # notifications (the webhook goes to the stand-in)
    "check_apprise": lambda r, m: _assert(r.value(m) is True),
    "add_notification": lambda r, m: _assert(r.value(m)["msg"] == "Saved." and r.value(m)["id"] >= 1),
    "get_notifications": lambda r, m: _assert([n["name"] for n in r.value(m)] == ["hook"]),
    "get_notification": lambda r, m: _assert(r.value(m)["webhookURL"] == r.config["hook"]),
    "edit_notification": lambda r, m: _assert(r.after(m)["name"] == "hook renamed"
                                              and r.after(m)["webhookURL"] == r.config["hook"]),
    "test_notification": lambda r, m: _assert(r.value(m)["msg"] == "Sent Successfully."
                                              and {"heartbeat": None, "monitor": None, "msg": "hook test Testing"}
                                              in r.hooks),
    "delete_notification": lambda r, m: _assert(r.after(m) == []),
    # proxies and docker hosts (the daemon is the stand-in)
    "add_proxy": lambda r, m: _assert(r.value(m)["msg"] == "Saved."),
    "get_proxies": lambda r, m: _assert([(p["host"], p["port"]) for p in r.value(m)] == [("127.0.0.1", 3128)]),
    "get_proxy": lambda r, m: _assert(r.value(m)["protocol"] == "http" and r.value(m)["port"] == 3128),
    "edit_proxy": lambda r, m: _assert(r.after(m)["port"] == 8080),
    "delete_proxy": lambda r, m: _assert(r.after(m) == []),
    "test_docker_host": lambda r, m: _assert(r.value(m)["msg"] == "Connected Successfully. Amount of containers: 2"),
    "add_docker_host": lambda r, m: _assert(r.value(m)["msg"] == "Saved."),
    "get_docker_hosts": lambda r, m: _assert([d["name"] for d in r.value(m)] == ["local"]),
    "get_docker_host": lambda r, m: _assert(r.value(m)["dockerDaemon"] == r.config["docker"]),
    "edit_docker_host": lambda r, m: _assert(r.after(m)["name"] == "local renamed"),
    "delete_docker_host": lambda r, m: _assert(r.after(m) == []),
    # status pages
    "add_status_page": lambda r, m: _assert(r.value(m)["slug"] == "demo"),
    "get_status_pages": lambda r, m: _assert([p["slug"] for p in r.value(m)] == ["demo"]),
    "get_status_page": lambda r, m: _assert(r.value(m)["title"] == "Demo" and r.value(m)["publicGroupList"] == []),
    "save_status_page": lambda r, m: _saved_page(r.after(m), r.ids["web"]),
    "post_incident": lambda r, m: _assert(r.value(m)["title"] == "Slow" and r.value(m)["style"] == "warning"
                                          and r.after(m)["incident"]["title"] == "Slow"),
    "unpin_incident": lambda r, m: _assert(r.after(m)["incident"] is None),
    "delete_status_page": lambda r, m: _assert(r.after(m) == []),
    # maintenance
    "add_maintenance": lambda r, m: _assert(r.value(m)["maintenanceID"] >= 1),
    "get_maintenances": lambda r, m: _assert([x["title"] for x in r.value(m)] == ["window"]),
    "get_maintenance": lambda r, m: _assert(r.value(m)["status"] == "under-maintenance"
                                            and r.value(m)["strategy"] == "manual"),
    "edit_maintenance": lambda r, m: _assert(r.after(m)["title"] == "window renamed"),
    "add_monitor_maintenance": _ack("successAdded"),
    "get_monitor_maintenance": lambda r, m: _assert([x["id"] for x in r.value(m)] == [r.ids["web"]]),
    "add_status_page_maintenance": _ack("successAdded"),
    "get_status_page_maintenance": lambda r, m: _assert([x["title"] for x in r.value(m)] == ["Demo"]),
    "pause_maintenance": lambda r, m: _assert(r.after(m)["active"] is False and r.after(m)["status"] == "inactive"),
    "resume_maintenance": lambda r, m: _assert(r.after(m)["active"] is True
                                               and r.after(m)["status"] == "under-maintenance"),
    "delete_maintenance": lambda r, m: _assert(r.after(m) == []),
    # API keys
    "add_api_key": lambda r, m: _assert(r.value(m)["key"].startswith("uk1_") and r.value(m)["keyID"] >= 1),
    "get_api_keys": lambda r, m: _assert([(k["name"], k["status"]) for k in r.value(m)] == [("script", "active")]),
    "get_api_key": lambda r, m: _assert(r.value(m)["expires"] == "2999-01-01 00:00:00"),
    "disable_api_key": lambda r, m: _assert(r.after(m)["active"] is False and r.after(m)["status"] == "inactive"),
    "enable_api_key": lambda r, m: _assert(r.after(m)["active"] is True and r.after(m)["status"] == "active"),
    "delete_api_key": lambda r, m: _assert(r.after(m) == []),
    # 2FA (TOTP computed by the driver from the secret prepare_2fa gives)
    "twofa_status": lambda r, m: _assert(r.value(m) == {"status": False}),
    "prepare_2fa": lambda r, m: _assert(r.value(m)["uri"].startswith("otpauth://totp/")),
    "verify_token": lambda r, m: _assert(r.value(m) == {"valid": True}),
    "save_2fa": lambda r, m: _assert(r.after(m) == {"status": True} and _jwt(r.value("login_with_2fa_token")["token"])),
    "disable_2fa": lambda r, m: _assert(r.after(m) == {"status": False}),
}


def _assert(condition: Any) -> None:
    assert condition


def stale_status_page_keys(run: Run, method: str) -> None:
    """uptime-kuma-api 1.2.1 builds the `saveStatusPage` payload from every key `get_status_page` returns and
    takes only Uptime Kuma 1.23's keys: 2.5.3's config has more (autoRefreshInterval, analyticsId, …), which
    2.x clients need, so its `save_status_page` raises before sending anything. `post_incident` and
    `unpin_incident` call it after their own event, which kuma did carry out."""
    result = run.results[method]
    assert not result["ok"] and "unexpected keyword argument 'autoRefreshInterval'" in result["error"], result
    public = result["after"]
    if method == "save_status_page":
        assert public["config"]["description"] is None  # nothing was sent
    elif method == "post_incident":
        assert public["incident"]["title"] == "Slow" and public["incident"]["style"] == "warning"
    else:
        assert public["incident"] is None


def _refused(run: Run, method: str, text: str) -> None:
    result = run.results[method]
    assert not result["ok"] and text in result["error"], result


def _saved_page(public: dict, monitor_id: int) -> None:
    assert public["config"]["description"] == "All of it"
    assert [(g["name"], [m["id"] for m in g["monitorList"]]) for g in public["publicGroupList"]] == [
        ("Services", [monitor_id])]


def check(run: Run, method: str, known: dict[str, Callable[[Run, str], None]] | None = None) -> None:
    """Assert `method`'s result: the package's known failure check if it has one, else the common check."""
    try:
        (known or {}).get(method, CHECKS[method])(run, method)
    except AssertionError as exc:
        raise AssertionError(f"{method}: {exc}\nresult: {json.dumps(run.results.get(method))[:3000]}") from None
