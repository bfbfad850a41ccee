"""Full lists after changes for clients made for Uptime Kuma 1.x (kuma/api/legacy_lists.py, issue #13 point 6).

In-process: the coalescer sends one `monitorList` per burst, after the incremental events, never while the
room is busy. Against a running kuma: scripts with `uptime_kuma_api` (as installed, and made to behave like
1.2.1, which keeps its cache only from full lists) see every change a second client makes within 1 s; with
`KUMA_LEGACY_LIST_EVENTS=0` no extra list arrives.
"""
from __future__ import annotations

import time

import pytest
import trio
from uptime_kuma_api import MonitorType, UptimeKumaApi

from kuma.api.legacy_lists import LegacyLists
from kuma.config import Config
from kuma.domain import monitors as monitors_domain
from kuma.realtime.socketio import encode_event, event_frame_from_json, object_members, object_text
from kuma.views.monitors import monitor_list
from tests.api.inprocess import api_app, logged_in
from tests.helpers.server import start_kuma
from tests.helpers.sessions import set_up_admin
from tests.helpers.transcripts import WireClient
from tests.helpers.waiting import trio_wait_until, wait_until

#: How long a test waits for a change to reach a 1.x client's cache. The lists arrive well within a
#: second (scripts/bench/legacy_lists.py measures it); the tests wait longer so a loaded machine cannot
#: fail them: what they assert is that the change arrives at all, without another request.
SEEN_WITHIN = 30

PASSWORD = "secret123"
HTTP = {"type": "http", "url": "http://127.0.0.1:9/", "interval": 60, "accepted_statuscodes": ["200-299"],
        "notificationIDList": {}, "active": False}


def test_switch_is_read_from_the_environment():
    assert Config.from_sources(env={}).legacy_list_events is True
    assert Config.from_sources(env={"KUMA_LEGACY_LIST_EVENTS": "1"}).legacy_list_events is True
    for off in ("0", "false", "OFF", "no"):
        assert Config.from_sources(env={"KUMA_LEGACY_LIST_EVENTS": off}).legacy_list_events is False


# -- in-process ----------------------------------------------------------------------------------------


async def test_one_list_per_burst_after_the_incremental_events(tmp_path):
    async with api_app(tmp_path, modules=("kuma.api.monitors", "kuma.api.tags", "kuma.api.status_pages")) as (
            app, hub, monitoring):
        app.legacy_lists = legacy = LegacyLists(app, interval=0.2)
        hub.rooms["1"] = 1
        sock = logged_in()
        ids = [(await hub.call(sock, "add", {**HTTP, "name": f"m{n}"}))["monitorID"] for n in range(5)]
        await hub.call(sock, "pauseMonitor", ids[0])
        await hub.call(sock, "deleteMonitor", ids[1])
        assert "monitorList" not in [e.event for e in hub.emitted]  # nothing before the interval
        await _emitted(hub, "monitorList", quiet=0.25)
        took = hub.take()
        events = [e.event for e in took]
        assert events.count("monitorList") == 1 and events[-1] == "monitorList"
        assert sorted(int(key) for key in took[-1].args[0]) == [ids[0], *ids[2:]]  # the state after the burst
        assert took[-1].args[0][str(ids[0])]["active"] is False
        assert events[:-1] == ["updateMonitorIntoList"] * 6 + ["deleteMonitorFromList"]
        await hub.call(sock, "addStatusPage", "Page", "page-one")
        await _emitted(hub, "statusPageList", quiet=0.25)
        (sent,) = hub.take()
        assert sent.event == "statusPageList" and sent.room == "1"
        assert [p["slug"] for p in sent.args[0].values()] == ["page-one"]
        assert legacy.sent == 2


async def _emitted(hub, event: str, quiet: float) -> None:
    """Until the hub has emitted `event` (a generous bound: the list is read in a thread), then `quiet`
    seconds more, in which a second one, if the coalescing were wrong, would come too."""
    await trio_wait_until(lambda: event in [e.event for e in hub.emitted], what=event)
    await trio.sleep(quiet)


async def _next_list(hub) -> dict:
    await _emitted(hub, "monitorList", quiet=0.15)
    (sent,) = [e for e in hub.take() if e.event == "monitorList"]
    return sent.args[0]


async def test_after_adds_the_kept_list_is_extended_and_equals_a_full_read(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        app.legacy_lists = legacy = LegacyLists(app, interval=0.05)
        hub.rooms["1"] = 1
        sock = logged_in()
        for n in range(3):
            await hub.call(sock, "add", {**HTTP, "name": f"m{n}"})
        assert len(await _next_list(hub)) == 3 and legacy.extended == 0  # nothing kept yet: a full read
        group = (await hub.call(sock, "add", {**HTTP, "type": "group", "name": "g"}))["monitorID"]
        await hub.call(sock, "add", {**HTTP, "name": "m3"})
        extended = await _next_list(hub)
        assert legacy.extended == 1  # only monitors without a parent were added: kept list + the two new
        assert legacy.reused == 2  # ... as their adds encoded them for `updateMonitorIntoList`, not read again
        fresh = await monitor_list(app, 1)
        assert extended == fresh and list(extended) == sorted(extended, key=int)
        # sent as JSON text kept member by member: the bytes of the list encoded whole
        sent = event_frame_from_json("monitorList", [object_text(legacy._kept["1"][2])])
        assert sent == encode_event("monitorList", (fresh,))[0]
        assert object_text(object_members({})) == "{}"
        # an entry encoded under another list key (something else changed since its add) is read instead
        silent = await monitors_domain.add(app, 1, {**HTTP, "name": "silent"})
        legacy.added(1, silent, f'"{silent}":{{"stale":true}}', ("not", "the", "key"))
        legacy.changed(1)
        listed = await _next_list(hub)
        assert legacy.extended == 2 and legacy.reused == 2 and listed == await monitor_list(app, 1)
        child = (await hub.call(sock, "add", {**HTTP, "name": "child", "parent": group}))["monitorID"]
        listed = await _next_list(hub)  # a child changes its group's JSON: read in full
        assert listed[str(group)]["childrenIDs"] == [child] and legacy.extended == 2
        assert listed == await monitor_list(app, 1)
        await hub.call(sock, "pauseMonitor", group)
        await hub.call(sock, "add", {**HTTP, "name": "m5"})
        listed = await _next_list(hub)  # an edit besides the add: read in full
        assert legacy.extended == 2 and len(listed) == 8 and listed == await monitor_list(app, 1)


async def test_the_list_waits_while_the_room_is_busy_and_carries_the_last_state(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        app.legacy_lists = legacy = LegacyLists(app, interval=0.05, max_hold=5)
        hub.rooms["1"] = 1
        sock = logged_in()
        with legacy.busy(1):  # e.g. a login burst of another socket of this user
            await hub.call(sock, "add", {**HTTP, "name": "a"})
            await trio.sleep(0.3)
            assert "monitorList" not in [e.event for e in hub.emitted]
            added = (await hub.call(sock, "add", {**HTTP, "name": "b"}))["monitorID"]
        await _emitted(hub, "monitorList", quiet=0.15)
        lists = [e for e in hub.take() if e.event == "monitorList"]
        assert len(lists) == 1 and str(added) in lists[0].args[0] and len(lists[0].args[0]) == 2


async def test_nothing_is_read_when_nobody_of_the_user_is_connected(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        app.legacy_lists = legacy = LegacyLists(app, interval=0.05)
        await hub.call(logged_in(), "add", {**HTTP, "name": "a"})
        await trio.sleep(0.2)
        assert [e.event for e in hub.take()] == ["updateMonitorIntoList"] and legacy.sent == 0


async def test_off_means_the_handlers_send_what_uptime_kuma_2_sends(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        assert app.legacy_lists is None  # never set up in-process: the golden replays see 2.5.3's wire
        hub.rooms["1"] = 1
        await hub.call(logged_in(), "add", {**HTTP, "name": "a"})
        await trio.sleep(0.5)
        assert [e.event for e in hub.take()] == ["updateMonitorIntoList"]


# -- against a running kuma ----------------------------------------------------------------------------


class OneDotXApi(UptimeKumaApi):
    """`uptime_kuma_api` behaving like uptime-kuma-api 1.2.1: its monitor cache comes only from full
    `monitorList` events (1.2.1 has no handler for the incremental 2.x events)."""

    def _event_update_monitor_into_list(self, data) -> None:
        return None

    def _event_delete_monitor_from_list(self, monitor_id) -> None:
        return None


def _by_id(api: UptimeKumaApi) -> dict[int, dict]:
    return {m["id"]: m for m in api._event_data["monitorList"].values()} if api._event_data["monitorList"] else {}


def _script_with_a_watcher(url: str, client: type[UptimeKumaApi]) -> None:
    script, watcher = client(url, timeout=10, wait_events=0), client(url, timeout=10, wait_events=0)
    try:
        script.login("admin", PASSWORD)
        watcher.login("admin", PASSWORD)
        assert script.get_monitors() == [] and watcher.get_monitors() == []

        def seen(api, test):
            return lambda: test(_by_id(api))

        added = script.add_monitor(type=MonitorType.HTTP, name="one", url="http://127.0.0.1:9/", interval=60)
        first = added["monitorID"]
        wait_until(seen(watcher, lambda m: first in m), timeout=SEEN_WITHIN, what="the watcher sees the added monitor")
        wait_until(seen(script, lambda m: first in m), timeout=SEEN_WITHIN, what="the script lists its monitor")
        assert [m["name"] for m in script.get_monitors()] == ["one"]

        second = script.add_monitor(type=MonitorType.HTTP, name="two", url="http://127.0.0.1:9/", interval=60)
        wait_until(seen(watcher, lambda m: second["monitorID"] in m), timeout=SEEN_WITHIN, what="the second monitor")

        script.edit_monitor(first, name="one renamed", interval=90)
        wait_until(seen(watcher, lambda m: m[first]["name"] == "one renamed" and m[first]["interval"] == 90),
                   timeout=SEEN_WITHIN, what="the watcher sees the edit")

        script.pause_monitor(first)
        wait_until(seen(watcher, lambda m: m[first]["active"] is False), timeout=SEEN_WITHIN, what="the watcher sees the pause")
        script.resume_monitor(first)
        wait_until(seen(watcher, lambda m: m[first]["active"] is True), timeout=SEEN_WITHIN, what="the watcher sees the resume")

        wait_until(seen(script, lambda m: len(m) == 2), timeout=SEEN_WITHIN, what="the script's cache has both")
        script.delete_monitor(first)  # 1.2.1 looks the id up in its cache first ("monitor does not exist")
        wait_until(seen(watcher, lambda m: first not in m and len(m) == 1), timeout=SEEN_WITHIN,
                   what="the watcher sees the delete")
        wait_until(seen(script, lambda m: first not in m), timeout=SEEN_WITHIN, what="the script sees its delete")
        assert [m["name"] for m in watcher.get_monitors()] == ["two"]

        script.add_status_page("legacy-page", "Legacy page")
        wait_until(lambda: [p["slug"] for p in (watcher._event_data["statusPageList"] or {}).values()]
                   == ["legacy-page"], timeout=SEEN_WITHIN, what="the watcher's status page list")
        wait_until(lambda: [p["slug"] for p in script.get_status_pages()] == ["legacy-page"], timeout=SEEN_WITHIN,
                   what="the script's own status page list")
        script.delete_status_page("legacy-page")
        wait_until(lambda: not script._event_data["statusPageList"], timeout=SEEN_WITHIN, what="the page is gone")
    finally:
        script.disconnect()
        watcher.disconnect()


@pytest.mark.parametrize("api", [OneDotXApi, UptimeKumaApi], ids=["a 1.x client", "the installed uptime_kuma_api"])
def test_a_script_and_a_watching_client_see_every_change(tmp_path, api):
    server = start_kuma(tmp_path / "data")
    try:
        set_up_admin(server.url, PASSWORD)
        _script_with_a_watcher(server.url, api)
    finally:
        server.stop()


def test_switched_off_no_extra_list_arrives(tmp_path):
    server = start_kuma(tmp_path / "data", env={"KUMA_LEGACY_LIST_EVENTS": "0"})
    try:
        set_up_admin(server.url, PASSWORD)
        client = WireClient(server.url)
        client.connect()
        try:
            client.call("login", {"username": "admin", "password": PASSWORD, "token": ""})
            assert len(client.events("monitorList")) == 1  # the login burst's
            added = client.call("add", {**HTTP, "name": "a"})[0]["monitorID"]
            client.call("pauseMonitor", added)
            client.call("addStatusPage", "Page", "page-off")
            client.call("deleteMonitor", added, False)
            time.sleep(1.0)
            assert len(client.events("monitorList")) == 1
            assert len(client.events("statusPageList")) == 1
            assert len(client.events("updateMonitorIntoList")) == 2 and client.events("deleteMonitorFromList")
        finally:
            client.disconnect()
    finally:
        server.stop()
