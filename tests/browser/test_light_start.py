"""The dashboard's light start in Chromium (issue #14): the page asks for it in the handshake, draws the list
from `monitorList` + `kumaStart`, fetches bars only for the rows on screen (and as the list scrolls or a
monitor opens), and live beats keep the rows current. 600 paused push monitors, 20 beats each, the server's
clock pinned just after them."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import bcrypt
import requests
import trio
from uptime_kuma_api import UptimeKumaApi

from kuma.store import Database
from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import start_kuma

PASSWORD = "light-pass-1"
MONITORS = 600
BEATS = 20


def build(path) -> None:
    async def create():
        Database.open(path).close()

    trio.run(create)
    now = datetime.fromisoformat(CAPTURE_CLOCK.replace("Z", "+00:00"))
    minute, day = int(now.timestamp()) // 60 * 60, int(now.timestamp()) // 86400 * 86400
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO user (id, username, password) VALUES (1, 'admin', ?)",
                 (bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode(),))
    conn.execute("INSERT INTO setting (key, value) VALUES ('initServerTimezone', 'true')")
    for monitor_id in range(1, MONITORS + 1):
        conn.execute("INSERT INTO monitor (id, name, type, active, user_id, interval, retry_interval, push_token) "
                     "VALUES (?, ?, 'push', 0, 1, 60, 60, ?)", (monitor_id, f"Service {monitor_id:04d}", f"tok{monitor_id:029d}"))
        conn.executemany(
            "INSERT INTO heartbeat (monitor_id, status, time, msg, ping, important, duration, down_count, retries) "
            "VALUES (?, ?, ?, 'OK', 20, 0, 60, 0, 0)",
            [(monitor_id, 0 if i == 7 else 1, (now - timedelta(minutes=BEATS + 1 - i)).strftime("%Y-%m-%d %H:%M:%S.000"))
             for i in range(BEATS)])
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
