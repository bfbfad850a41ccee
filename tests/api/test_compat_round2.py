"""Issue 13 (compatibility, round 2) against a running kuma with the published `uptime_kuma_api` client
(uptime-kuma-api-ng) and raw Socket.IO calls: what real clients still tripped over."""
from __future__ import annotations

import pytest

from tests.helpers.server import start_kuma
from tests.helpers.sessions import connected, logged_in, set_up_admin
from tests.helpers.waiting import wait_for_value


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    kuma = start_kuma(tmp_path_factory.mktemp("compat") / "data")
    set_up_admin(kuma.url)
    yield kuma
    kuma.stop()


@pytest.fixture
def api(server):
    from uptime_kuma_api import UptimeKumaApi

    client = UptimeKumaApi(server.url, timeout=10, wait_events=0.1)
    client.login("admin", "secret123")
    yield client
    client.disconnect()


@pytest.fixture
def wire(server):
    with logged_in(server.url) as client:
        yield client


# -- 1. setSettings with serverTimezone "" --------------------------------------------------------------

def test_set_settings_round_trip_with_empty_timezone(api, wire):
    """uptime_kuma_api sends every key, `serverTimezone: ""` unless set: accepted, the zone stays."""
    before = api.get_settings()["serverTimezone"]
    assert api.set_settings("secret123", keepDataPeriodDays=90)["msg"] == "Saved."
    settings = api.get_settings()
    assert settings["keepDataPeriodDays"] == 90
    assert settings["serverTimezone"] == before  # "" applies no zone and does not erase the stored one

    assert api.set_settings("secret123", keepDataPeriodDays=120, serverTimezone="Europe/Berlin")["msg"] == "Saved."
    assert api.get_settings()["serverTimezone"] == "Europe/Berlin"
    assert api.set_settings("secret123", keepDataPeriodDays=30)["msg"] == "Saved."
    settings = api.get_settings()
    assert (settings["keepDataPeriodDays"], settings["serverTimezone"]) == (30, "Europe/Berlin")

    bad = wire.call("setSettings", {"serverTimezone": "Nowhere/Never"}, "secret123")[0]
    assert bad == {"ok": False, "msg": "Invalid timezone"}


# -- 2. getMonitor of a child has the group's path -------------------------------------------------------

def test_get_monitor_of_a_child_has_the_group_path(api):
    from uptime_kuma_api import MonitorType

    group = api.add_monitor(type=MonitorType.GROUP, name="Group")["monitorID"]
    child = api.add_monitor(type=MonitorType.HTTP, name="Child", url="http://127.0.0.1:9/", parent=group)["monitorID"]
    try:
        listed = wait_for_value(lambda: {m["id"]: m for m in api.get_monitors()}, lambda got: child in got,
                                what="the child in monitorList")
        assert listed[child]["path"] == ["Group", "Child"] and listed[child]["pathName"] == "Group / Child"
        single = api.get_monitor(child)
        assert single["pathName"] == "Group / Child"
        assert single["path"] == listed[child]["path"]
        assert single["parent"] == group
    finally:
        api.delete_monitor(child)
        api.delete_monitor(group)


# -- 3. getMaintenance has maintenanceList's status ---------------------------------------------------------

def test_get_maintenance_status_for_every_strategy(api):
    from datetime import datetime, timedelta, timezone

    from uptime_kuma_api import MaintenanceStrategy as S

    now = datetime.now(timezone.utc)

    def at(delta: timedelta) -> str:
        return (now + delta).strftime("%Y-%m-%d %H:%M:%S")

    day = timedelta(days=1)
    cases = {
        "manual": (dict(strategy=S.MANUAL), "under-maintenance"),
        "manual paused": (dict(strategy=S.MANUAL, active=False), "inactive"),
        "single future": (dict(strategy=S.SINGLE, dateRange=[at(day), at(2 * day)]), "scheduled"),
        "single now": (dict(strategy=S.SINGLE, dateRange=[at(-day), at(day)]), "under-maintenance"),
        "single past": (dict(strategy=S.SINGLE, dateRange=[at(-2 * day), at(-day)]), "ended"),
        "interval": (dict(strategy=S.RECURRING_INTERVAL, intervalDay=1, dateRange=[at(-day), at(10 * day)],
                          timeRange=[{"hours": 0, "minutes": 0}, {"hours": 23, "minutes": 59}]), None),
        "weekday": (dict(strategy=S.RECURRING_WEEKDAY, weekdays=[1, 2, 3, 4, 5, 6, 7],
                         dateRange=[at(-day), at(10 * day)],
                         timeRange=[{"hours": 0, "minutes": 0}, {"hours": 23, "minutes": 59}]), None),
        "cron": (dict(strategy=S.CRON, cron="* * * * *", durationMinutes=60), "under-maintenance"),
        "cron ended": (dict(strategy=S.CRON, cron="30 3 * * *", durationMinutes=60,
                            dateRange=[at(-3 * day), at(-2 * day)]), "ended"),
    }
    ids = {}
    for title, (kwargs, _) in cases.items():
        ids[title] = api.add_maintenance(title=title, timezoneOption="UTC", **kwargs)["maintenanceID"]
    try:
        listed = wait_for_value(lambda: {m["id"]: m for m in api.get_maintenances()},
                                lambda got: set(ids.values()) <= set(got), what="every window in maintenanceList")
        for title, (_, expected) in cases.items():
            single = api.get_maintenance(ids[title])
            assert single["status"] == listed[ids[title]]["status"], title
            if expected is None:  # a window of the whole day: under way, or next up just before midnight
                assert single["status"] in ("under-maintenance", "scheduled"), title
            else:
                assert single["status"] == expected, title
    finally:
        for maintenance_id in ids.values():
            api.delete_maintenance(maintenance_id)


# -- 4. every event answers -------------------------------------------------------------------------------

def test_small_server_events_answer(wire, server):
    games = wire.call("getGameList")[0]
    assert games["ok"] is True and len(games["gameList"]) > 300
    by_key = {key: game for game in games["gameList"] for key in game["keys"]}
    assert by_key["minecraft"]["pretty"].startswith("Minecraft")
    assert by_key["csgo"] == {"keys": ["csgo"], "pretty": "Counter-Strike: Global Offensive (2012)",
                              "options": {"port": 27015, "protocol": "valve"}, "extra": {"doc_notes": "csgo"}}
    assert by_key["7d2d"]["options"] == {"port": 26900, "port_query_offset": 1, "protocol": "valve"}
    pretty = [game["pretty"] for game in games["gameList"]]
    assert pretty == sorted(pretty)

    example = wire.call("getPushExample", "python")[0]
    assert example["ok"] is True and "https://example.com/api/push/key?status=up&msg=OK&ping=" in example["code"]
    assert wire.call("getPushExample", "cobol")[0] == {"ok": False, "msg": "Not found"}
    assert wire.call("getPushExample", "../etc")[0] == {"ok": False, "msg": "Invalid language"}

    with connected(server.url) as anonymous:  # no login needed; the pair is made once
        key = anonymous.call("getWebpushVapidPublicKey")[0]
        assert key["ok"] is True and len(key["msg"]) == 87  # 65-byte P-256 point, URL-safe base64
        assert wire.call("getWebpushVapidPublicKey")[0] == key
        assert anonymous.call("getGameList")[0] == {"ok": False, "msg": "You are not logged in."}

    assert wire.call("getPM2ProcessList")[0] == {"ok": False, "msg": "PM2 monitors are not supported by this "
                                                                     "server yet"}
    assert wire.call("checkDomain", {"type": "http", "url": "https://example.com/"})[0] == {
        "ok": False, "msg": "Domain expiry monitoring is not supported by this server yet", "msgi18n": False,
        "meta": {}}
    refused = wire.call("testChrome", "/bin/sh")[0]
    assert refused == {"ok": False, "msg": "This path does not name a Chromium or Chrome executable"}
    chrome = wire.call("testChrome", "#__default__")[0]
    if chrome["ok"]:
        assert chrome["msg"]["key"] == "foundChromiumVersion" and chrome["msgi18n"] is True
    else:
        assert chrome["msg"] == "Chromium executable not found"


def test_uptime_kuma_api_game_list(api):
    games = api.get_game_list()
    assert any("minecraft" in game["keys"] and game["pretty"] == "Minecraft (2009)" for game in games)


# -- 5. the status page JSON has both `incident` (seed document, 1.x clients) and `incidents` (2.5.3) -----

def test_status_page_json_has_incident_and_incidents(api, server):
    import httpx
    from uptime_kuma_api import IncidentStyle

    api.add_status_page("compat", "Compat")
    try:
        body = httpx.get(server.url + "/api/status-page/compat").json()
        assert list(body)[:3] == ["config", "incident", "incidents"]
        assert body["incident"] is None and body["incidents"] == []

        api.post_incident("compat", title="First", content="one", style=IncidentStyle.WARNING)
        api.post_incident("compat", title="Second", content="two", style=IncidentStyle.DANGER)
        body = httpx.get(server.url + "/api/status-page/compat").json()
        assert body["incident"] == body["incidents"][0]  # the newest pinned one, what 1.2.1 reads
        assert body["incident"]["title"] == "Second"
        assert [i["title"] for i in api.get_status_page("compat")["incidents"]][0] == "Second"

        api.unpin_incident("compat")
        body = httpx.get(server.url + "/api/status-page/compat").json()
        assert body["incident"] is None and body["incidents"] == []
    finally:
        api.delete_status_page("compat")


# -- 6. validation at the edge; every event with malformed arguments ------------------------------------------

def _row_counts(server) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(f"file:{server.data_dir / 'kuma.db'}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def _nested(depth: int) -> dict:
    value: dict = {"type": "webhook", "name": "deep"}
    for _ in range(depth):
        value = {"type": "webhook", "name": "deep", "inner": value}
    return value


def _deep(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"inner": value}
    return value


def _grown(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before.get(t, 0), n) for t, n in after.items() if n > before.get(t, 0) and t != "heartbeat"
            and t != "sqlite_sequence" and not t.startswith("stat_")}


def test_malformed_notifications_settings_tags_keys_are_refused(wire, server):
    import httpx

    assert wire.call("setSettings", {"keepDataPeriodDays": 180}, "secret123")[0]["ok"] is True  # the row exists
    before = _row_counts(server)
    for bad in ({}, {"__proto__": {"type": "webhook"}}, {"type": "webhook", "name": "x", "__proto__": {}},
                _nested(50), {"type": "no-such-provider", "name": "x"}, {"type": 5, "name": "x"},
                {"type": "webhook", "name": {"a": 1}}, {"type": "webhook", "name": "x", "isDefault": "yes"},
                {"type": "webhook", "name": "x" * 1000}, {"type": "webhook", "name": "x", "blob": "y" * 600_000}):
        ack = wire.call("addNotification", bad, None)[0]
        assert ack["ok"] is False and ack["msg"], bad if len(str(bad)) < 200 else "big"
    ok = wire.call("addNotification", {"type": "webhook", "name": "fine", "webhookURL": "http://127.0.0.1:9/"},
                   None)[0]
    assert ok["ok"] is True
    assert wire.call("deleteNotification", ok["id"])[0]["ok"] is True

    settings_before = wire.call("getSettings")[0]["data"]
    assert wire.call("setSettings", {"__proto__": {"x": 1}, "constructor": "y", "madeUp": 1,
                                     "keepDataPeriodDays": 77, "serverTimezone": ""}, "secret123")[0]["ok"] is True
    settings = wire.call("getSettings")[0]["data"]
    assert settings["keepDataPeriodDays"] == 77
    assert not {"__proto__", "constructor", "madeUp"} & set(settings)
    assert set(settings) <= set(settings_before) | {"keepDataPeriodDays"}

    for tag in ({"name": 5, "color": "#fff"}, {"name": "t", "color": {}}, {"name": "x" * 1000, "color": "#fff"},
                {"name": ["a"], "color": "#fff"}):
        ack = wire.call("addTag", tag)[0]
        assert ack["ok"] is False and ack["msg"].startswith("Tag "), ack
    assert wire.call("addAPIKey", {"name": "k" * 900_000, "expires": None, "active": 1})[0]["ok"] is False

    assert _grown(before, _row_counts(server)) == {}
    r = httpx.get(server.url + "/api/badge/99999999999999999999999/status")
    assert 400 <= r.status_code < 500 and r.json() == {"status": "fail", "msg": "Monitor not found"}


def _server_events() -> list[str]:
    from kuma.selfcheck import _server_parts

    return _server_parts()["events"]


HUGE = "x" * 100_000  # six of them stay under the 1 MB Engine.IO message limit (larger: the transport closes)
MALFORMED: list[tuple] = [
    (), (None,), (5,), ("x",), (True,), ({},), ([],), ({"__proto__": {"polluted": True}},),
    (_deep(50),), (HUGE,), (99999999999999999999999,), (-1, -1, -1), (1e308, "x", None),
    ({"id": "x", "name": 5, "type": [], "color": {}, "title": {}, "slug": []},),
    ({"name": HUGE, "title": HUGE, "slug": HUGE, "type": HUGE, "url": HUGE, "color": HUGE},),
    ("a", {"__proto__": {}}, [], None, 1e308),
]
#: logout would end the session the test needs; the rest all get the malformed arguments.
SKIPPED = {"logout"}


def test_every_event_answers_malformed_arguments_and_stores_nothing(wire, server):
    events = [e for e in _server_events() if e not in SKIPPED]
    assert len(events) > 75 and {"add", "addNotification", "setSettings", "getGameList"} <= set(events)
    assert wire.call("getWebpushVapidPublicKey")[0]["ok"] is True  # its key pair is made on first use
    before = _row_counts(server)
    unanswered, stored = [], {}
    for event in events:
        counts = _row_counts(server)
        for args in MALFORMED:
            count = wire.count_acks(event)
            try:
                acks = wire.call(event, *args, timeout=15)
            except Exception as exc:
                raise AssertionError(f"{event} {repr(args)[:80]}: {exc!r}") from None
            if wire.count_acks(event) <= count:
                unanswered.append((event, repr(args)[:60]))
                continue
            if acks and isinstance(acks[0], dict) and "ok" in acks[0] and not acks[0]["ok"]:
                assert acks[0].get("msg") not in (None, ""), (event, repr(args)[:60])
        grown = _grown(counts, _row_counts(server))
        if grown:
            stored[event] = grown
    assert unanswered == []
    assert stored == {}
    assert _grown(before, _row_counts(server)) == {}
    # still responsive: the same session and a new connection are answered
    assert wire.call("getSettings")[0]["ok"] is True
    with connected(server.url) as fresh:
        assert fresh.call("getWebpushVapidPublicKey")[0]["ok"] is True
