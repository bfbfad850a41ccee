"""The dashboard's light start in Chromium (issue #14): the page asks for it in the handshake, draws the list
from `monitorList` + `kumaStart`, fetches bars only for the rows on screen (and as the list scrolls or a
monitor opens), and live beats keep the rows current. 600 paused push monitors, 20 beats each, the server's
clock pinned just after them."""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime

import requests
from uptime_kuma_api import UptimeKumaApi

from kuma.shapes.monitor_slim import SLIM_KEYS
from tests.accounts.test_light_start import capture_copy
from tests.helpers.paths import CAPTURE_CLOCK, REPO
from tests.helpers.push_monitors import push_monitors_db
from tests.helpers.server import start_kuma

PASSWORD = "light-pass-1"
MONITORS = 600
BEATS = 20


def build(path) -> None:
    now = datetime.fromisoformat(CAPTURE_CLOCK.replace("Z", "+00:00"))
    push_monitors_db(path, PASSWORD, MONITORS, now, [BEATS + 1 - i for i in range(BEATS)], lambda _, i: i == 7)
    minute, day = int(now.timestamp()) // 60 * 60, int(now.timestamp()) // 86400 * 86400
    conn = sqlite3.connect(path)
    for monitor_id in range(1, MONITORS + 1):
        conn.execute("INSERT INTO stat_minutely (monitor_id, timestamp, ping, ping_min, ping_max, up, down) "
                     "VALUES (?, ?, 20, 20, 20, 3, 1)", (monitor_id, minute - 120))
        conn.execute("INSERT INTO stat_daily (monitor_id, timestamp, ping, ping_min, ping_max, up, down) "
                     "VALUES (?, ?, 20, 20, 20, 9, 1)", (monitor_id, day - 86400))
    conn.commit()
    conn.close()


def watch_socket(page) -> dict[str, list]:
    """Names of the events the page receives and the getMonitorBars id lists it sends."""
    seen: dict[str, list] = {"received": [], "bars": []}

    def received(payload):
        if isinstance(payload, str) and payload.startswith("42["):
            seen["received"].append(json.loads(payload[2:])[0])

    def sent(payload):
        if isinstance(payload, str) and payload.startswith("42") and '"getMonitorBars"' in payload[:30]:
            seen["bars"].append(json.loads(payload[payload.index("["):])[1])

    page.on("websocket", lambda ws: (ws.on("framereceived", received), ws.on("framesent", sent)))
    return seen


def bars_of(page, monitor_id: int) -> list[str]:
    """The beat classes of a row's bar, oldest first (empty slots left out)."""
    return page.eval_on_selector_all(f".monitor-row[data-id='{monitor_id}'] rect.beat:not(.beat-empty)",
                                     "els => els.map(e => e.getAttribute('class'))")


def wait_for_bars(page, monitor_id: int, count: int) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll(\".monitor-row[data-id='{monitor_id}'] rect.beat:not(.beat-empty)\").length === {count}")


def test_the_list_draws_from_the_light_start_and_fetches_bars_for_what_is_shown(page, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    build(data / "kuma.db")
    server = start_kuma(data, clock_start=CAPTURE_CLOCK)
    seen = watch_socket(page)
    try:
        page.goto(server.url + "/dashboard")
        page.fill("[name=username]", "admin")
        page.fill("[name=password]", PASSWORD)
        page.click("#auth-form button[type=submit]")
        page.wait_for_selector(f"#list-count:has-text('{MONITORS} monitors')")
        wait_for_bars(page, 1, BEATS)
        assert "kumaStart" in seen["received"] and "heartbeatList" not in seen["received"]
        assert bars_of(page, 1)[7] == "beat beat-down" and bars_of(page, 1).count("beat beat-up") == BEATS - 1
        assert page.inner_text(".monitor-row[data-id='1'] .pill") == "75%"  # 24 h, with the bars
        first_ask = [int(i) for i in seen["bars"][0]]
        assert 1 in first_ask and len(first_ask) < 100 and MONITORS not in first_ask  # a screenful, not all

        page.eval_on_selector("#list-scroll", "s => { s.scrollTop = s.scrollHeight; }")
        wait_for_bars(page, MONITORS, BEATS)  # the bottom rows got theirs when scrolled to
        assert any(MONITORS in [int(i) for i in ask] for ask in seen["bars"][1:])
        asked = {int(i) for ask in seen["bars"] for i in ask}
        assert len(asked) < MONITORS // 2  # the rows in between were never fetched

        api = UptimeKumaApi(server.url, timeout=30)  # an Uptime Kuma client, with the full burst
        try:
            api.login("admin", PASSWORD)
            api.resume_monitor(MONITORS)
        finally:
            api.disconnect()
        reply = requests.get(f"{server.url}/api/push/tok{MONITORS:029d}?status=down&msg=gone", timeout=30)
        assert reply.json() == {"ok": True}
        wait_for_bars(page, MONITORS, BEATS + 1)  # the live beat joined the fetched bar
        assert bars_of(page, MONITORS)[-1] == "beat beat-down"
        page.wait_for_selector(f".monitor-row[data-id='{MONITORS}'] .pill-down")

        page.click(".monitor-row[data-id='590']")
        page.wait_for_selector("#d-name:has-text('Service 0590')")
        page.wait_for_function("() => document.querySelectorAll('#d-beats rect.beat:not(.beat-empty)').length === 20")
        stats = page.inner_text("#d-stats")
        assert "90%" in stats and "75%" in stats  # 30 days and 1 year come with the detail's bars
    finally:
        server.stop()


def test_the_page_preloads_exactly_the_modules_it_imports():
    """index.html lists every module of the dashboard's import graph for preloading (so they load at once,
    not import by import), and nothing else (status.js belongs to the status pages)."""
    static = REPO / "kuma/web/static"
    graph, todo = set(), ["app.js"]
    while todo:
        name = todo.pop()
        if name not in graph:
            graph.add(name)
            todo += re.findall(r'from "\./([a-z]+\.js)"', (static / "js" / name).read_text())
    preloaded = re.findall(r'<link rel="modulepreload" href="/assets/js/([a-z]+\.js)">', (static / "index.html").read_text())
    assert sorted(preloaded) == sorted(graph) and len(preloaded) == len(set(preloaded)) and "status.js" not in graph


def test_the_detail_and_edit_pages_take_the_full_monitor_from_get_monitor(page, tmp_path):
    """After the light start the page holds slim monitors only; the detail page shows what only the full
    monitor has (description, a group's children) once `getMonitor` answered, and the edit form loads and saves
    the full monitor; the list follows the edit, slim."""
    data = tmp_path / "data"
    capture_copy(data, "UPDATE monitor SET description = 'The web server in the rack' WHERE id = 1")
    server = start_kuma(data, clock_start=CAPTURE_CLOCK)
    frames: dict[str, list] = {"lists": [], "asked": []}

    def received(payload):
        if isinstance(payload, str) and payload.startswith(('42["monitorList"', '42["updateMonitorIntoList"')):
            frames["lists"].append(json.loads(payload[2:]))

    def sent(payload):
        if isinstance(payload, str) and '"getMonitor"' in payload[:30]:
            frames["asked"].append(json.loads(payload[payload.index("["):])[1])

    page.on("websocket", lambda ws: (ws.on("framereceived", received), ws.on("framesent", sent)))
    try:
        page.goto(server.url + "/dashboard/1")
        page.fill("[name=username]", "admin")
        page.fill("[name=password]", "secret123")
        page.click("#auth-form button[type=submit]")
        page.wait_for_selector("#d-description:has-text('The web server in the rack')")
        assert page.inner_text("#d-target") == "http://127.0.0.1:3025/" and 1 in frames["asked"]
        page.click(".monitor-row[data-id='6']")  # the group: its children count is the full monitor's
        page.wait_for_selector("#d-target:has-text('2 child monitors')")
        assert page.is_hidden("#d-description")

        page.goto(server.url + "/edit/1")
        page.wait_for_selector("#monitor-form")
        assert page.input_value("#monitor-form [name=url]") == "http://127.0.0.1:3025/"
        assert page.input_value("#monitor-form [name=interval]") == "20"
        page.fill("#f-name", "Local Web (edited)")
        page.click("#monitor-form button[type=submit]")
        page.wait_for_selector("#d-name:has-text('Local Web (edited)')")
        page.wait_for_selector(".monitor-row[data-id='1'] .monitor-name:has-text('Local Web (edited)')")
        page.wait_for_selector("#d-description:has-text('The web server in the rack')")  # asked again, still there
        assert frames["asked"].count(1) >= 3  # detail, edit form, detail after the edit
        # every list the page received was slim: no monitor carried the form's fields
        assert frames["lists"] and all(set(m) == set(SLIM_KEYS) for _, entries in frames["lists"] for m in entries.values())
    finally:
        server.stop()
