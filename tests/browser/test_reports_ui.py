"""The monthly report page and the backup download in a real headless Chromium (Europe/Berlin), against a
kuma whose clock is pinned at CAPTURE_CLOCK (2026-11-26) with known beats: the figures and outages on the page
are the report JSON of the same month (GET /api/v1/monitors/{id}/report), previous/next and the month picker
move by calendar month in the browser's zone, print CSS hides the navigation, and the Backup button gives a
SQLite file named after the server's clock."""
from __future__ import annotations

import re
import sqlite3

import httpx
import pytest

from tests.browser.chromium import checked_page
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.helpers.report_beats import BEATS, OCTOBER, start_reporting_kuma
from tests.helpers.sessions import USER

#: Calendar months in Europe/Berlin, as UTC instants.
NOVEMBER = {"from": "2026-10-31T23:00:00Z", "to": "2026-11-30T23:00:00Z"}
OCTOBER_RANGE = {"from": "2026-09-30T22:00:00Z", "to": "2026-10-31T23:00:00Z"}
FIGURES = {"uptime": "uptimePercent", "downtime": "downtimeSeconds", "count": "downtimeCount",
           "longest": "longestOutageSeconds", "avg": "avgResponseMs", "p95": "p95ResponseMs",
           "maintenance": "maintenanceSeconds", "unknown": "unknownSeconds"}


@pytest.fixture(scope="module")
def reporting(tmp_path_factory):
    kuma = start_reporting_kuma(tmp_path_factory.mktemp("report-ui") / "data", name="Shop")
    try:
        with httpx.Client(base_url=f"{kuma.url}/api/v1", auth=("", kuma.keys.read), timeout=15) as rest:
            kuma.rest = rest
            yield kuma
    finally:
        kuma.stop()


@pytest.fixture
def berlin(browser):
    with checked_page(browser, timezone_id="Europe/Berlin", locale="en-GB") as page:
        yield page


def log_in(page, url: str) -> None:
    page.goto(url + "/dashboard")
    page.wait_for_selector("#auth-form")
    page.fill("[name=username]", USER["username"])
    page.fill("[name=password]", USER["password"])
    page.click("#auth-form button[type=submit]")
    page.wait_for_selector(".topbar")


def js_text(value) -> str:
    """How the page prints a number (JavaScript's String(): 68 not 68.0)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def assert_page_shows(page, report: dict) -> None:
    for key, field in FIGURES.items():
        shown = page.get_attribute(f"#r-{key}", "data-value")
        assert shown == ("null" if report[field] is None else js_text(report[field])), (key, shown, report[field])
    rows = page.query_selector_all("#r-outages tbody tr")
    assert [(r.get_attribute("data-start"), r.get_attribute("data-end"), float(r.get_attribute("data-seconds")),
             r.query_selector("td:last-child").inner_text()) for r in rows] == [
        (o["start"], o["end"], o["durationSeconds"], o["message"]) for o in report["outages"]]


def test_monthly_report_page_equals_the_report_json(berlin, reporting):
    page = berlin
    november = reporting.rest.get(f"/monitors/{reporting.web}/report", params=NOVEMBER).json()
    october = reporting.rest.get(f"/monitors/{reporting.web}/report", params=OCTOBER_RANGE).json()
    assert november["downtimeCount"] == 3 and october["downtimeCount"] == 1  # the seeded months differ

    log_in(page, reporting.url)
    page.goto(f"{reporting.url}/dashboard/{reporting.web}")
    page.click("#d-report")
    page.wait_for_url(f"**/report/{reporting.web}/2026-11")  # the current month, by the server's clock
    page.wait_for_selector("#report[data-month='2026-11']")
    assert page.inner_text("#r-title") == "Shop — November 2026"
    assert_page_shows(page, november)
    assert page.inner_text("#r-uptime .stat-value") == f"{js_text(november['uptimePercent'])}%"
    assert page.inner_text("#r-downtime .stat-value") == "16 min"  # 960 s in 3 outages
    assert page.inner_text("#r-maintenance .stat-value") == "10 min"
    assert "(Europe/Berlin)" in page.inner_text("#r-period")

    page.click("#r-prev")
    page.wait_for_selector("#report[data-month='2026-10']")
    assert page.url.endswith(f"/report/{reporting.web}/2026-10")
    assert_page_shows(page, october)
    page.click("#r-next")
    page.wait_for_selector("#report[data-month='2026-11']")
    assert_page_shows(page, november)
    page.fill("#r-month", "2026-10")
    page.wait_for_selector("#report[data-month='2026-10']")
    assert_page_shows(page, october)

    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.click("#r-print")
    assert page.evaluate("window.printed") == 1

    assert page.is_visible(".topbar") and page.is_visible("#r-prev")
    screenshot(page, "monthly-report")
    page.emulate_media(media="print", color_scheme="dark")
    assert not page.is_visible(".topbar") and not page.is_visible("#r-print") and not page.is_visible("#r-prev")
    assert page.is_visible("#r-figures") and page.is_visible("#r-outages")
    style = page.evaluate("""() => { const s = getComputedStyle(document.body), h = getComputedStyle(document.querySelector('#r-title'));
        const second = document.querySelectorAll('.report-section')[1];
        const muted = getComputedStyle(document.querySelector('#r-period')), card = getComputedStyle(second);
        return [s.backgroundColor, card.backgroundColor, h.color, muted.color, card.breakBefore]; }""")
    assert style == ["rgb(255, 255, 255)", "rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(0, 0, 0)", "page"]
    page.screenshot(path=str(SCREENSHOTS / "monthly-report-print.png"), full_page=True)


def test_backup_button_downloads_a_consistent_copy(berlin, reporting, tmp_path):
    page = berlin
    log_in(page, reporting.url)
    page.goto(f"{reporting.url}/settings/backup")
    page.wait_for_selector("#backup-notice")
    with page.expect_download() as info:
        page.click("#backup-download")
    download = info.value
    assert re.fullmatch(r"kuma-backup-20261126-\d{6}\.db", download.suggested_filename), download.suggested_filename
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT name FROM monitor WHERE id = ?", (reporting.web,)).fetchone() == ("Shop",)
        assert conn.execute("SELECT count(*) FROM heartbeat WHERE monitor_id = ?",
                            (reporting.web,)).fetchone()[0] == len(BEATS + OCTOBER)
    finally:
        conn.close()
