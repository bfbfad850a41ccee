"""Drive every public method of pykumaapi2 (`UptimeKumaClient`, `UptimeKumaSocketClient`,
`UptimeKumaRESTClient`) against a running kuma that the pytest side has set up (an admin, a push monitor,
a status page `demo` showing it). Runs in pykumaapi2's own venv; prints `RESULTS {...}` as the
uptime_kuma_api driver does (per method `{"ok", "value" | "error"}`)."""
from __future__ import annotations

import asyncio
import inspect
import json
import sys
import time
import traceback

from pykumaapi2 import UptimeKumaClient, UptimeKumaRESTClient, UptimeKumaSocketClient

CONFIG = json.loads(sys.argv[1])
URL, USER, PASSWORD = CONFIG["url"], "admin", CONFIG["password"]
results: dict[str, dict] = {}


def plain(value):
    return json.loads(json.dumps(value, default=str))


async def rec(name: str, call):
    try:
        value = call()
        if inspect.isawaitable(value):
            value = await value
    except Exception as exc:  # noqa: BLE001 - the error is the result
        results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-1500:]}
        return None
    results[name] = {"ok": True, "value": plain(value)}
    return value


def methods() -> dict[str, list[str]]:
    return {cls.__name__: sorted(n for n, _ in inspect.getmembers(cls, inspect.isfunction) if not n.startswith("_"))
            for cls in (UptimeKumaClient, UptimeKumaSocketClient, UptimeKumaRESTClient)}


async def until(what: str, check, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def short_wait(call):
    """`call()` with the client's 30 s ack wait cut to 2 s: Uptime Kuma acks `logout` with no argument and
    pykumaapi2's callback takes exactly one, so python-socketio's reader raises TypeError, drops the
    connection, and the method always waits its timeout."""
    real = asyncio.wait_for

    async def wait_for(future, timeout):
        return await real(future, min(timeout, 2))

    asyncio.wait_for = wait_for
    try:
        return await call()
    finally:
        asyncio.wait_for = real


async def combined(seen: dict[str, list]) -> dict[str, int]:
    """`UptimeKumaClient`: the methods it offers itself (REST + the socket ones it forwards)."""
    client = UptimeKumaClient(URL, USER, PASSWORD)
    client.on_heartbeat(lambda data: seen["heartbeat"].append(data))
    client.on_monitor_list_update(lambda data: seen["monitorList"].append(data))
    client.on_uptime_update(lambda *data: seen["uptime"].append(data))
    for name in ("on_heartbeat", "on_monitor_list_update", "on_uptime_update"):
        results[f"UptimeKumaClient.{name}"] = {"ok": True, "value": None}
    await rec("UptimeKumaClient.connect", client.connect)
    login = await rec("UptimeKumaClient.login", lambda: client.login(USER, PASSWORD))
    await until("the login burst's monitorList", lambda: seen["monitorList"])
    web = {"type": "http", "name": "web", "url": CONFIG["http"], "interval": 20, "accepted_statuscodes": ["200-299"],
           "notificationIDList": {}}
    added = await rec("UptimeKumaClient.add_monitor", lambda: client.add_monitor(web))
    web_id = added["monitorID"]
    monitor = (await client.socket_client.get_monitor(web_id))["monitor"]
    await rec("UptimeKumaClient.edit_monitor", lambda: client.edit_monitor({**monitor, "name": "web renamed"}))
    results["UptimeKumaClient.edit_monitor"]["after"] = (await client.socket_client.get_monitor(web_id))["monitor"]["name"]
    await rec("UptimeKumaClient.pause_monitor", lambda: client.pause_monitor(web_id))
    await rec("UptimeKumaClient.resume_monitor", lambda: client.resume_monitor(web_id))
    await until("a heartbeat", lambda: seen["heartbeat"])
    # kuma's full list for 1.x clients comes once the room is quiet (≤ legacy_lists.MAX_HOLD after the add):
    # wait for it rather than race the rest of the run, which may end first on a fast machine
    await until("kuma's 1.x monitorList after the add", lambda: len(seen["monitorList"]) >= 2)
    await rec("UptimeKumaClient.get_monitor_beats", lambda: client.get_monitor_beats(web_id, 1))
    hook = {"name": "hook", "type": "webhook", "webhookURL": CONFIG["hook"], "webhookContentType": "json",
            "isDefault": False, "applyExisting": False}
    note = await rec("UptimeKumaClient.add_notification", lambda: client.add_notification(hook))
    await rec("UptimeKumaClient.delete_notification", lambda: client.delete_notification(note["id"]))
    token = CONFIG["push_token"]
    await rec("UptimeKumaClient.push_monitor_status", lambda: client.push_monitor_status(token, "up", "pushed", 12))
    await rec("UptimeKumaClient.get_status_page", lambda: client.get_status_page("demo"))
    await rec("UptimeKumaClient.get_status_page_heartbeat", lambda: client.get_status_page_heartbeat("demo"))
    await rec("UptimeKumaClient.get_metrics", client.get_metrics)
    other = UptimeKumaClient(URL)
    await other.connect()
    await rec("UptimeKumaClient.login_by_token", lambda: other.login_by_token(login["token"]))
    await other.disconnect()
    await rec("UptimeKumaClient.delete_monitor", lambda: client.delete_monitor(web_id))
    await rec("UptimeKumaClient.disconnect", client.disconnect)
    results["UptimeKumaClient.disconnect"]["after"] = client.socket_client.sio.connected
    results["seen"] = {"ok": True, "value": {k: len(v) for k, v in seen.items()}}
    return {"web": web_id}


async def socket_only(ids: dict[str, int]) -> None:
    """`UptimeKumaSocketClient`: what `UptimeKumaClient` does not forward."""
    sock = UptimeKumaSocketClient(URL, USER, PASSWORD)
    await rec("UptimeKumaSocketClient.connect", sock.connect)
    await rec("UptimeKumaSocketClient.login", lambda: sock.login(USER, PASSWORD))
    added = await sock.add_monitor({"type": "http", "name": "second", "url": CONFIG["http"], "interval": 20,
                                    "accepted_statuscodes": ["200-299"], "notificationIDList": {}})
    mid = added["monitorID"]
    await rec("UptimeKumaSocketClient.get_monitor", lambda: sock.get_monitor(mid))
    await rec("UptimeKumaSocketClient.get_monitor_chart_data", lambda: sock.get_monitor_chart_data(mid, 24))
    hook = {"name": "hook test", "type": "webhook", "webhookURL": CONFIG["hook"], "webhookContentType": "json"}
    await rec("UptimeKumaSocketClient.test_notification", lambda: sock.test_notification(hook))
    await rec("UptimeKumaSocketClient.add_status_page", lambda: sock.add_status_page("Second", "second"))
    config = {"slug": "second", "title": "Second page", "description": "From pykumaapi2", "theme": "auto",
              "published": True, "showTags": False, "domainNameList": [], "footerText": None, "customCSS": "",
              "showPoweredBy": True, "icon": "/icon.svg"}
    groups = [{"name": "Services", "monitorList": [{"id": mid}]}]
    await rec("UptimeKumaSocketClient.save_status_page", lambda: sock.save_status_page("second", config, groups))
    await rec("UptimeKumaSocketClient.delete_status_page", lambda: sock.delete_status_page("second"))
    await rec("UptimeKumaSocketClient.get_settings", sock.get_settings)
    settings = {**(results["UptimeKumaSocketClient.get_settings"].get("value") or {}).get("data", {}),
                "keepDataPeriodDays": 77}
    await rec("UptimeKumaSocketClient.set_settings", lambda: sock.set_settings(settings, PASSWORD))
    results["UptimeKumaSocketClient.set_settings"]["after"] = (await sock.get_settings()).get("data", {})
    await rec("UptimeKumaSocketClient.change_password", lambda: sock.change_password(PASSWORD, PASSWORD + "-2"))
    check = UptimeKumaSocketClient(URL)
    await check.connect()
    results["UptimeKumaSocketClient.change_password"]["after"] = await check.login(USER, PASSWORD + "-2")
    await check.disconnect()
    if results["UptimeKumaSocketClient.change_password"]["after"].get("ok"):
        await sock.change_password(PASSWORD + "-2", PASSWORD)  # this socket stays; the others are sent away
    await sock.delete_monitor(mid)
    key = await sock._emit_with_callback("addAPIKey", {"name": "metrics", "expires": None, "active": 1})
    CONFIG["api_key"] = key.get("key", "")
    await rec("UptimeKumaSocketClient.logout", lambda: short_wait(sock.logout))
    await rec("UptimeKumaSocketClient.disconnect", sock.disconnect)


def rest_only() -> None:
    rest = UptimeKumaRESTClient(URL, USER, PASSWORD)
    results["UptimeKumaRESTClient.get_entry_page"] = {"ok": True, "value": rest.get_entry_page()}
    rest.close()
    results["UptimeKumaRESTClient.close"] = {"ok": True, "value": None}
    try:
        rest.get_entry_page()  # a closed requests.Session still works (it only drops its pool)
    except Exception as exc:  # noqa: BLE001
        results["UptimeKumaRESTClient.close"]["after"] = str(exc)
    keyed = UptimeKumaRESTClient(URL, api_key=CONFIG["api_key"])
    for name in ("get_metrics", "get_status_page", "get_status_page_heartbeat", "push_monitor_status"):
        call = {"get_metrics": keyed.get_metrics, "get_status_page": lambda: keyed.get_status_page("demo"),
                "get_status_page_heartbeat": lambda: keyed.get_status_page_heartbeat("demo"),
                "push_monitor_status": lambda: keyed.push_monitor_status(CONFIG["push_token"], "down", "by key")}[name]
        try:
            results[f"UptimeKumaRESTClient.{name}"] = {"ok": True, "value": plain(call())}
        except Exception as exc:  # noqa: BLE001
            results[f"UptimeKumaRESTClient.{name}"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


async def main() -> None:
    seen: dict[str, list] = {"heartbeat": [], "monitorList": [], "uptime": []}
    try:
        ids = await combined(seen)
        await socket_only(ids)
    finally:
        if "api_key" in CONFIG:
            rest_only()
        print("RESULTS " + json.dumps({"methods": methods(), "results": results}, default=str), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
