"""Drive every public method of `uptime_kuma_api.UptimeKumaApi` against a running kuma.

One script for the three packages that install the module `uptime_kuma_api` (uptime-kuma-api 1.2.1,
uptime-kuma-api-ng, uptime-kuma-api2): they offer the same 89 methods. It runs in the package's own venv
(`python this.py '<json config>'`) and prints `RESULTS {"methods": [...], "results": {name: {...}}}`: per
method `{"ok": true, "value": …}` or `{"ok": false, "error": "ExceptionType: message"}`. The pytest side
asserts on the values. Standard library + the package only.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import json
import struct
import sys
import time
import traceback
from urllib.parse import parse_qs, urlparse

import requests

from uptime_kuma_api import (
    DockerType,
    IncidentStyle,
    MaintenanceStrategy,
    MonitorType,
    NotificationType,
    ProxyProtocol,
    UptimeKumaApi,
)
from uptime_kuma_api.event import Event

CONFIG = json.loads(sys.argv[1])
URL, USER, PASSWORD = CONFIG["url"], "admin", CONFIG["password"]
TIMEOUT = 10
results: dict[str, dict] = {}


def plain(value):
    """JSON-safe copy (enums become their values, other objects their str)."""
    return json.loads(json.dumps(value, default=lambda o: getattr(o, "value", str(o))))


def rec(name: str, call):
    """Run one method; record its value or its error. Returns the value (None on error)."""
    started = time.monotonic()
    try:
        value = call()
    except Exception as exc:  # noqa: BLE001 - the error is the result
        results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                         "trace": traceback.format_exc()[-1500:], "seconds": round(time.monotonic() - started, 2)}
        return None
    results[name] = {"ok": True, "value": plain(value), "seconds": round(time.monotonic() - started, 2)}
    return value


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 6 digits, 30 s), as authenticator apps compute it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int((at or time.time()) // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def client(login: bool = True, **kwargs) -> UptimeKumaApi:
    api = UptimeKumaApi(URL, timeout=TIMEOUT, wait_events=0.1)
    if login:
        api.login(USER, PASSWORD, **kwargs)
    return api


def poll(what: str, check, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def settle(read, good, timeout: float = 30):
    """`read()` until `good(value)` (or the bound passes): lists a client caches from `monitorList` /
    `statusPageList`, which kuma re-sends (coalesced, ~300 ms) after a change for clients made for 1.x."""
    deadline = time.monotonic() + timeout
    value = read()
    while not good(value) and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


def public_page(slug: str) -> dict:
    return requests.get(f"{URL}/api/status-page/{slug}", timeout=TIMEOUT).json()


def account(api: UptimeKumaApi) -> str:
    rec("need_setup", api.need_setup)
    rec("setup", lambda: api.setup(USER, PASSWORD))
    token = (rec("login", lambda: api.login(USER, PASSWORD)) or {}).get("token")
    rec("version", lambda: api.version)
    rec("info", api.info)

    def wait_api_key_list():
        with api.wait_for_event(Event.API_KEY_LIST):
            pass
        return api._event_data[Event.API_KEY_LIST]

    rec("wait_for_event", wait_api_key_list)
    return token


def monitors(api: UptimeKumaApi) -> dict[str, int]:
    tag = rec("add_tag", lambda: api.add_tag(name="env", color="#2563EB"))["id"]
    rec("get_tags", api.get_tags)
    rec("get_tag", lambda: api.get_tag(tag))
    rec("edit_tag", lambda: api.edit_tag(tag, name="environment"))
    web = rec("add_monitor", lambda: api.add_monitor(
        type=MonitorType.HTTP, name="web", url=CONFIG["http"], interval=20))["monitorID"]
    group = api.add_monitor(type=MonitorType.GROUP, name="Group")["monitorID"]
    child = api.add_monitor(type=MonitorType.HTTP, name="Child", url=CONFIG["http"], parent=group,
                            interval=20)["monitorID"]
    tls = api.add_monitor(type=MonitorType.HTTP, name="tls", url=CONFIG["https"], ignoreTls=True,
                          interval=20)["monitorID"]
    rec("get_monitors", lambda: settle(api.get_monitors, lambda monitors: len(monitors) == 4))
    rec("get_monitor", lambda: api.get_monitor(child))
    rec("edit_monitor", lambda: api.edit_monitor(web, name="web renamed", interval=30))
    results["edit_monitor"]["after"] = plain(api.get_monitor(web))
    rec("add_monitor_tag", lambda: api.add_monitor_tag(tag, web, "prod"))
    results["add_monitor_tag"]["after"] = plain(api.get_monitor(web)["tags"])
    rec("delete_monitor_tag", lambda: api.delete_monitor_tag(tag, web, "prod"))
    results["delete_monitor_tag"]["after"] = plain(api.get_monitor(web)["tags"])
    rec("pause_monitor", lambda: api.pause_monitor(child))
    results["pause_monitor"]["after"] = api.get_monitor(child)["active"]
    rec("resume_monitor", lambda: api.resume_monitor(child))
    results["resume_monitor"]["after"] = api.get_monitor(child)["active"]
    poll("beats of web and tls", lambda: api._call("getMonitorBeats", (web, 1))["data"]
         and api._call("getMonitorBeats", (tls, 1))["data"])
    rec("get_monitor_beats", lambda: api.get_monitor_beats(web, 1))
    rec("delete_tag", lambda: api.delete_tag(tag))
    return {"web": web, "group": group, "child": child, "tls": tls}


def live_data(ids: dict[str, int]) -> None:
    """What a fresh login burst gives: heartbeats, stats, TLS info."""
    watcher = client()
    try:
        rec("get_heartbeats", watcher.get_heartbeats)
        rec("get_important_heartbeats", watcher.get_important_heartbeats)
        rec("avg_ping", watcher.avg_ping)
        rec("uptime", watcher.uptime)
        rec("cert_info", watcher.cert_info)
        rec("get_monitor_status", lambda: watcher.get_monitor_status(ids["web"]))
    finally:
        watcher.disconnect()


def clearing(api: UptimeKumaApi, ids: dict[str, int]) -> None:
    rec("clear_events", lambda: api.clear_events(ids["web"]))
    rec("clear_heartbeats", lambda: api.clear_heartbeats(ids["web"]))
    results["clear_heartbeats"]["after"] = plain(api._call("getMonitorBeats", (ids["web"], 24))["data"])
    rec("clear_statistics", api.clear_statistics)
    rec("get_game_list", api.get_game_list)
    rec("test_chrome", lambda: api.test_chrome(CONFIG["chrome"]))


def notifications(api: UptimeKumaApi) -> None:
    hook = {"type": NotificationType.WEBHOOK, "webhookURL": CONFIG["hook"], "webhookContentType": "json"}
    rec("check_apprise", api.check_apprise)
    added = rec("add_notification", lambda: api.add_notification(name="hook", **hook))
    nid = added["id"]
    rec("get_notifications", api.get_notifications)
    rec("get_notification", lambda: api.get_notification(nid))
    rec("edit_notification", lambda: api.edit_notification(nid, name="hook renamed"))
    results["edit_notification"]["after"] = plain(api.get_notification(nid))
    rec("test_notification", lambda: api.test_notification(name="hook test", **hook))
    rec("delete_notification", lambda: api.delete_notification(nid))
    results["delete_notification"]["after"] = [n["id"] for n in api.get_notifications()]


def proxies_and_docker(api: UptimeKumaApi) -> None:
    pid = rec("add_proxy", lambda: api.add_proxy(protocol=ProxyProtocol.HTTP, host="127.0.0.1", port=3128))["id"]
    rec("get_proxies", api.get_proxies)
    rec("get_proxy", lambda: api.get_proxy(pid))
    rec("edit_proxy", lambda: api.edit_proxy(pid, port=8080))
    results["edit_proxy"]["after"] = plain(api.get_proxy(pid))
    rec("delete_proxy", lambda: api.delete_proxy(pid))
    results["delete_proxy"]["after"] = [p["id"] for p in api.get_proxies()]
    docker = {"dockerType": DockerType.TCP, "dockerDaemon": CONFIG["docker"]}
    rec("test_docker_host", lambda: api.test_docker_host(name="local", **docker))
    did = rec("add_docker_host", lambda: api.add_docker_host(name="local", **docker))["id"]
    rec("get_docker_hosts", api.get_docker_hosts)
    rec("get_docker_host", lambda: api.get_docker_host(did))
    rec("edit_docker_host", lambda: api.edit_docker_host(did, name="local renamed"))
    results["edit_docker_host"]["after"] = plain(api.get_docker_host(did))
    rec("delete_docker_host", lambda: api.delete_docker_host(did))
    results["delete_docker_host"]["after"] = [d["id"] for d in api.get_docker_hosts()]


def status_pages_and_maintenance(api: UptimeKumaApi, ids: dict[str, int]) -> None:
    rec("add_status_page", lambda: api.add_status_page("demo", "Demo"))
    rec("get_status_pages", lambda: settle(api.get_status_pages, lambda pages: pages))
    rec("get_status_page", lambda: api.get_status_page("demo"))
    groups = [{"name": "Services", "monitorList": [{"id": ids["web"]}]}]
    rec("save_status_page", lambda: api.save_status_page("demo", description="All of it", publicGroupList=groups))
    results["save_status_page"]["after"] = public_page("demo")
    rec("post_incident", lambda: api.post_incident("demo", "Slow", "Looking into it", IncidentStyle.WARNING))
    results["post_incident"]["after"] = public_page("demo")
    rec("unpin_incident", lambda: api.unpin_incident("demo"))
    results["unpin_incident"]["after"] = public_page("demo")
    page_id = api.get_status_page("demo")["id"]

    mid = rec("add_maintenance", lambda: api.add_maintenance(
        title="window", strategy=MaintenanceStrategy.MANUAL, active=True, timezoneOption="UTC"))["maintenanceID"]
    rec("get_maintenances", api.get_maintenances)
    rec("get_maintenance", lambda: api.get_maintenance(mid))
    rec("edit_maintenance", lambda: api.edit_maintenance(mid, title="window renamed"))
    results["edit_maintenance"]["after"] = plain(api.get_maintenance(mid))
    rec("add_monitor_maintenance", lambda: api.add_monitor_maintenance(mid, [{"id": ids["web"]}]))
    rec("get_monitor_maintenance", lambda: api.get_monitor_maintenance(mid))
    rec("add_status_page_maintenance", lambda: api.add_status_page_maintenance(mid, [{"id": page_id}]))
    rec("get_status_page_maintenance", lambda: api.get_status_page_maintenance(mid))
    rec("pause_maintenance", lambda: api.pause_maintenance(mid))
    results["pause_maintenance"]["after"] = plain(api.get_maintenance(mid))
    rec("resume_maintenance", lambda: api.resume_maintenance(mid))
    results["resume_maintenance"]["after"] = plain(api.get_maintenance(mid))
    rec("delete_maintenance", lambda: api.delete_maintenance(mid))
    results["delete_maintenance"]["after"] = [m["id"] for m in api.get_maintenances()]
    rec("delete_status_page", lambda: api.delete_status_page("demo"))
    pages = settle(api.get_status_pages, lambda pages: not pages)
    results["delete_status_page"]["after"] = [p["slug"] for p in pages]


def api_keys_settings_database(api: UptimeKumaApi) -> None:
    kid = rec("add_api_key", lambda: api.add_api_key("script", "2999-01-01 00:00:00", True))["keyID"]
    rec("get_api_keys", api.get_api_keys)
    rec("get_api_key", lambda: api.get_api_key(kid))
    rec("disable_api_key", lambda: api.disable_api_key(kid))
    results["disable_api_key"]["after"] = plain(api.get_api_key(kid))
    rec("enable_api_key", lambda: api.enable_api_key(kid))
    results["enable_api_key"]["after"] = plain(api.get_api_key(kid))
    rec("delete_api_key", lambda: api.delete_api_key(kid))
    results["delete_api_key"]["after"] = [k["id"] for k in api.get_api_keys()]
    rec("get_settings", api.get_settings)
    rec("set_settings", lambda: api.set_settings(PASSWORD, keepDataPeriodDays=120))
    results["set_settings"]["after"] = plain(api.get_settings())
    rec("get_database_size", api.get_database_size)
    rec("shrink_database", api.shrink_database)
    rec("upload_backup", lambda: api.upload_backup(json.dumps({"version": "1.23.0", "notificationList": [],
                                                                 "monitorList": []}), "skip"))


def two_factor(api: UptimeKumaApi) -> None:
    rec("twofa_status", api.twofa_status)
    prepared = rec("prepare_2fa", lambda: api.prepare_2fa(PASSWORD))
    secret = parse_qs(urlparse(prepared["uri"]).query)["secret"][0]
    rec("verify_token", lambda: api.verify_token(totp(secret), PASSWORD))
    rec("save_2fa", lambda: api.save_2fa(PASSWORD))
    results["save_2fa"]["after"] = plain(api.twofa_status())
    second = client(login=False)
    try:
        results["login_with_2fa_token"] = {"ok": True, "value": plain(second.login(USER, PASSWORD, totp(secret)))}
    except Exception as exc:  # noqa: BLE001
        results["login_with_2fa_token"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        second.disconnect()
    rec("disable_2fa", lambda: api.disable_2fa(PASSWORD))
    results["disable_2fa"]["after"] = plain(api.twofa_status())


def connection(token: str, ids: dict[str, int]) -> None:
    other = client(login=False)
    try:
        rec("login_by_token", lambda: other.login_by_token(token))
        results["login_by_token"]["after"] = sorted(int(k) for k in other._event_data[Event.MONITOR_LIST] or {})
        rec("logout", other.logout)
        try:
            other.get_monitor(ids["web"])
            results["logout"]["after"] = "still logged in"
        except Exception as exc:  # noqa: BLE001
            results["logout"]["after"] = str(exc)
        rec("disconnect", other.disconnect)
        results["disconnect"]["after"] = other.sio.connected
        rec("connect", other.connect)
        results["connect"]["after"] = other.need_setup()
    finally:
        other.disconnect()


def finish(api: UptimeKumaApi, ids: dict[str, int]) -> None:
    rec("delete_monitor", lambda: api.delete_monitor(ids["web"]))
    left = settle(api.get_monitors, lambda monitors: ids["web"] not in [m["id"] for m in monitors])
    results["delete_monitor"]["after"] = sorted(m["id"] for m in left)
    rec("change_password", lambda: api.change_password(PASSWORD, PASSWORD + "-2"))
    try:
        check = client(login=False)
        results["change_password"]["after"] = bool(check.login(USER, PASSWORD + "-2").get("token"))
        check.disconnect()
    finally:
        api.change_password(PASSWORD + "-2", PASSWORD)


def main() -> None:
    methods = sorted(name for name, _ in inspect.getmembers(UptimeKumaApi) if not name.startswith("_"))
    api = UptimeKumaApi(URL, timeout=TIMEOUT, wait_events=0.03)
    started = time.monotonic()
    try:
        token = account(api)
        ids = monitors(api)
        live_data(ids)
        clearing(api, ids)
        notifications(api)
        proxies_and_docker(api)
        status_pages_and_maintenance(api, ids)
        api_keys_settings_database(api)
        two_factor(api)
        connection(token, ids)
        finish(api, ids)
    finally:
        print("RESULTS " + json.dumps({"methods": methods, "ids": locals().get("ids", {}), "seconds": time.monotonic() - started,
                                       "results": results}), flush=True)
        api.disconnect()


if __name__ == "__main__":
    main()
