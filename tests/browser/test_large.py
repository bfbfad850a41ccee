"""2,000 monitors in the dashboard: the list renders (only visible rows in the DOM), search filters it,
and a screenshot is saved."""
from __future__ import annotations

from datetime import datetime

from tests.browser.conftest import screenshot
from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.push_monitors import push_monitors_db
from tests.helpers.server import start_kuma

PASSWORD = "large-pass-1"
MONITORS = 2000


def build(path) -> None:
    push_monitors_db(path, PASSWORD, MONITORS, datetime.fromisoformat(CAPTURE_CLOCK.replace("Z", "+00:00")),
                     [20 - i for i in range(20)], lambda monitor_id, i: (monitor_id + i) % 29 == 0)


def test_two_thousand_monitors(page, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    build(data / "kuma.db")
    server = start_kuma(data, clock_start=CAPTURE_CLOCK)  # the beats are minutes before the pinned clock
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
