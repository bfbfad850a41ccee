"""2,000 monitors in the dashboard: the list renders (only visible rows in the DOM), search filters it,
and a screenshot is saved."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import bcrypt
import trio

from kuma.store import Database
from tests.browser.conftest import screenshot
from tests.helpers.server import start_kuma

PASSWORD = "large-pass-1"
MONITORS = 2000


def build(path) -> None:
    async def create():
        Database.open(path).close()

    trio.run(create)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO user (id, username, password) VALUES (1, 'admin', ?)",
                 (bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode(),))
    conn.execute("INSERT INTO setting (key, value) VALUES ('initServerTimezone', 'true')")
    now = datetime.now(timezone.utc)
    for monitor_id in range(1, MONITORS + 1):
        conn.execute("INSERT INTO monitor (id, name, type, active, user_id, interval, retry_interval, push_token) "
                     "VALUES (?, ?, 'push', 0, 1, 60, 60, ?)", (monitor_id, f"Service {monitor_id:04d}", f"tok{monitor_id:029d}"))
        conn.executemany(
            "INSERT INTO heartbeat (monitor_id, status, time, msg, ping, important, duration, down_count, retries) "
            "VALUES (?, ?, ?, 'OK', 20, 0, 60, 0, 0)",
            [(monitor_id, 0 if (monitor_id + i) % 29 == 0 else 1,
              (now - timedelta(minutes=20 - i)).strftime("%Y-%m-%d %H:%M:%S.000")) for i in range(20)])
    conn.commit()
    conn.close()


def test_two_thousand_monitors(page, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    build(data / "kuma.db")
    server = start_kuma(data)
    try:
        page.goto(server.url + "/dashboard")
        page.fill("[name=username]", "admin")
        page.fill("[name=password]", PASSWORD)
        page.click("#auth-form button[type=submit]")
        page.wait_for_selector(f"#list-count:has-text('{MONITORS} monitors')", timeout=60_000)
        page.wait_for_selector(".monitor-row .beat-up")
        rows = page.locator(".monitor-row").count()
        assert 0 < rows < 100  # only the visible rows are in the DOM
        page.fill("#list-search", "Service 1999")
        page.wait_for_selector("#list-count:has-text('1 monitor')")
        assert page.inner_text(".monitor-row").strip().endswith("Service 1999")
        page.fill("#list-search", "")
        page.wait_for_selector(f"#list-count:has-text('{MONITORS} monitors')")
        screenshot(page, "dashboard-2000-monitors")
        screenshot(page, "dashboard-2000-monitors", dark=True)
    finally:
        server.stop()
