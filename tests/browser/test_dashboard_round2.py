"""Dashboard round 2 (issue #19) in a real headless Chromium: the phone layout, the push panel, live toasts,
the 2FA QR code, bulk actions, collapsible groups with breadcrumbs, clear data, the empty-list hint and
the About page. Screenshots go to screenshots/ (desktop and phone, light and dark)."""
from __future__ import annotations

import time

import requests
from uptime_kuma_api import MonitorType, UptimeKumaApi

from tests.browser.conftest import screenshot
from tests.browser.test_dashboard import PASSWORD, add_http_monitor, setup_admin
from tests.helpers.targets import Reply, http_target


def api_for(kuma_server) -> UptimeKumaApi:
    api = UptimeKumaApi(kuma_server.url, timeout=20)
    api.login("admin", PASSWORD)
    return api


def test_phone_layout_has_a_tab_bar_and_the_detail_on_the_first_screen(browser, kuma_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        with http_target() as target:
            setup_admin(page, kuma_server.url)
            page.wait_for_selector(".empty-hint a[href='/add']")  # the empty list says how to start
            monitor_id = add_http_monitor(page, kuma_server.url, "Phone site", target.url + "/")
            page.wait_for_selector("#d-name .pill-up")
            tabbar = page.locator("nav.tabbar").bounding_box()
            assert tabbar is not None and tabbar["y"] + tabbar["height"] == 844 and tabbar["height"] < 70
            assert tabbar["width"] == 390
            header = page.locator(".topbar").bounding_box()
            assert header is not None and header["height"] < 70  # one row, not five
            name = page.locator("#d-name").bounding_box()
            assert name is not None and name["y"] < 200  # the detail starts at the top
            assert not page.is_visible("#sidebar")
            screenshot(page, "phone-detail")
            screenshot(page, "phone-detail", dark=True)
            page.click("nav.tabbar a:has-text('Dashboard')")
            page.wait_for_selector(f".monitor-row[data-id='{monitor_id}']")
            assert page.is_visible("#sidebar") and not page.is_visible("#content")
            screenshot(page, "phone-list")
            screenshot(page, "phone-list", dark=True)
    finally:
        context.close()


def test_push_panel_copies_the_url_shows_samples_and_resets_the_token(browser, kuma_server):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=kuma_server.url)
    page = context.new_page()
    try:
        setup_admin(page, kuma_server.url)
        api = api_for(kuma_server)
        try:
            form = api._build_monitor_data(type=MonitorType.PUSH, name="Cron job")
            form["pushToken"] = "tok" * 8
            monitor_id = api._call("add", form)["monitorID"]
        finally:
            api.disconnect()
        page.goto(f"{kuma_server.url}/dashboard/{monitor_id}")
        url = f"{kuma_server.url}/api/push/{'tok' * 8}?status=up&msg=OK&ping="
        page.wait_for_selector(f"#push-url:has-text('{url}')")
        assert page.inner_text("#d-target") == "Push monitor" and page.locator("#d-target a").count() == 0
        page.click("#push-copy")
        page.wait_for_selector(".toast:has-text('Push URL copied.')")
        assert page.evaluate("navigator.clipboard.readText()") == url
        page.wait_for_selector(f"#push-code:has-text('{url}')")
        assert "curl" in page.inner_text("#push-code")
        page.click("[data-lang=python]")
        page.wait_for_selector("#push-code:has-text('import')")
        assert url in page.inner_text("#push-code")
        # the URL works: a push turns the monitor UP live
        assert requests.get(url, timeout=10).json() == {"ok": True}
        page.wait_for_selector("#d-name .pill-up")
        screenshot(page, "push-panel")
        page.click("#push-reset")
        page.click("dialog.confirm button:has-text('Reset')")
        page.wait_for_function("!document.querySelector('#push-url').textContent.includes('toktok')")
        new_url = page.inner_text("#push-url")
        assert new_url.startswith(f"{kuma_server.url}/api/push/") and len(new_url.split("/")[-1].split("?")[0]) == 32
        assert requests.get(url, timeout=10).json()["ok"] is False  # the old token is gone
    finally:
        context.close()


def test_a_down_transition_shows_a_dismissable_toast_and_mute_silences_them(page, kuma_server):
    with http_target() as target:
        setup_admin(page, kuma_server.url)
        monitor_id = add_http_monitor(page, kuma_server.url, "Toast site", target.url + "/")
        page.wait_for_selector("#d-name .pill-up")
        page.goto(kuma_server.url + "/dashboard")
        target.routes["/"] = Reply(503, "broken")
        toast = page.wait_for_selector(f".toast-live[data-monitor='{monitor_id}']:has-text('Toast site is down')",
                                       timeout=30_000)
        assert "503" in toast.inner_text()
        screenshot(page, "live-toast")
        toast.query_selector(".toast-close").click()
        page.wait_for_selector(f".toast-live[data-monitor='{monitor_id}']", state="detached")
        target.routes["/"] = Reply(200, "ok")
        page.wait_for_selector(".toast-live:has-text('Toast site is up')", timeout=30_000)

        page.goto(kuma_server.url + "/settings/appearance")
        page.check("#mute-toasts")
        page.goto(kuma_server.url + "/dashboard")
        page.wait_for_selector(f".monitor-row[data-id='{monitor_id}'] .pill-up")
        page.evaluate("document.querySelectorAll('.toast').forEach((t) => t.remove())")
        target.routes["/"] = Reply(503, "broken again")
        page.wait_for_selector(f".monitor-row[data-id='{monitor_id}'] .pill-down", timeout=30_000)
        time.sleep(0.5)
        assert page.locator(".toast-live").count() == 0


def test_two_factor_set_up_shows_a_qr_code(page, kuma_server):
    setup_admin(page, kuma_server.url)
    page.goto(kuma_server.url + "/settings/security")
    page.fill("#twofa-form [name=currentPassword]", PASSWORD)
    page.click("#twofa-action")
    page.wait_for_selector("#twofa-qr svg.qr")
    box = page.locator("#twofa-qr svg").bounding_box()
    assert box is not None and box["width"] >= 150
    # the picture is the URI the page shows (drawn from that text by the server, black on white)
    assert page.locator("#twofa-qr svg path[stroke='#000']").count() == 1
    screenshot(page, "twofa-qr")


def test_bulk_pause_resume_groups_breadcrumb_clear_data_and_about(page, kuma_server):
    with http_target() as target:
        setup_admin(page, kuma_server.url)
        api = api_for(kuma_server)
        try:
            group = api.add_monitor(type=MonitorType.GROUP, name="Home lab")["monitorID"]
            ids = [api.add_monitor(type=MonitorType.HTTP, name=f"Svc {i}", url=f"{target.url}/{i}", interval=20,
                                   parent=group)["monitorID"] for i in range(3)]
            loner = api.add_monitor(type=MonitorType.PORT, name="Loner", hostname="127.0.0.1", port=9)["monitorID"]
            page.goto(kuma_server.url + "/dashboard")
            for monitor_id in ids:
                page.wait_for_selector(f".monitor-row[data-id='{monitor_id}']")
            # collapse the group: its children leave the list; expand again
            page.click(f"[data-collapse='{group}']")
            page.wait_for_selector(f".monitor-row[data-id='{ids[0]}']", state="detached")
            page.click(f"[data-collapse='{group}']")
            page.wait_for_selector(f".monitor-row[data-id='{ids[0]}']")

            page.click("#list-select")
            for monitor_id in ids:
                page.click(f".monitor-row[data-id='{monitor_id}']")
            assert page.inner_text("#bulk-count") == "3 selected"
            assert page.url.endswith("/dashboard")  # selecting does not navigate
            screenshot(page, "bulk-select")
            page.click("[data-bulk=pauseMonitor]")
            page.wait_for_selector(".toast:has-text('Paused 3 monitors.')")
            assert [api.get_monitor(i)["active"] for i in ids] == [False, False, False]
            assert api.get_monitor(loner)["active"] is True
            page.click("#list-select")  # done selecting

            page.goto(f"{kuma_server.url}/dashboard/{ids[0]}")
            page.wait_for_selector(f"#d-crumbs a[href='/dashboard/{group}']:has-text('Home lab')")
            page.goto(f"{kuma_server.url}/dashboard/{loner}")
            page.wait_for_selector("#d-name")
            assert page.inner_text("#d-target") == "127.0.0.1:9" and page.locator("#d-target a").count() == 0
            page.wait_for_function("document.querySelector('#d-stats').children.length > 0")
            assert "Cert expiry" not in page.inner_text("#d-stats")  # a TCP monitor has no certificate
            page.wait_for_function("!document.querySelector('#d-last').textContent.includes('No heartbeat')")
            assert len(api.get_monitor_beats(loner, 24)) >= 1
            page.click("#d-clear-beats")
            page.click("dialog.confirm button:has-text('Clear data')")
            page.wait_for_selector("#d-events p:has-text('No important events.')")
            assert api.get_monitor_beats(loner, 24) == []  # its next check is a minute away

            page.goto(kuma_server.url + "/settings/about")
            page.wait_for_selector("#kuma-version:has-text('0.')")
            assert "Uptime Kuma API 2.5.3" in page.inner_text("#about-version")
        finally:
            api.disconnect()


def test_chart_has_time_ticks_a_unit_reference_lines_and_hover_values(page, kuma_server):
    with http_target() as target:
        setup_admin(page, kuma_server.url)
        add_http_monitor(page, kuma_server.url, "Chart site", target.url + "/")
        page.wait_for_selector("#d-name .pill-up")
        page.click("[data-period='3']")
        page.wait_for_selector("#d-chart svg.ping-chart", timeout=30_000)
        assert page.locator("#d-chart .chart-time").count() == 5
        assert page.text_content("#d-chart .chart-unit") == "ms"
        box = page.locator("#d-chart svg.ping-chart").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] - 20, box["y"] + box["height"] / 2)
        page.wait_for_selector("#d-chart .chart-tip:not([hidden])")
        assert " ms" in page.inner_text("#d-chart .chart-tip") or "no response" in page.inner_text("#d-chart .chart-tip")
        assert page.get_attribute("#d-chart .chart-cursor", "visibility") == "visible"
        # the beat bar tells a beat's details on hover, not only in a title tooltip
        page.hover("#d-beats rect.beat-up >> nth=-1")
        page.wait_for_selector(".beat-tip:not([hidden])")
        assert page.inner_text(".beat-tip").startswith("up · ")
        screenshot(page, "chart-hover")


def test_maintenance_form_has_defaults_a_time_zone_picker_duration_shortcuts_and_clone(page, kuma_server):
    setup_admin(page, kuma_server.url)
    page.goto(kuma_server.url + "/maintenance")
    page.click("#maint-new")
    page.wait_for_selector("#maint-form")
    start, end = page.input_value("[name=start]"), page.input_value("[name=end]")
    assert start and end and start < end  # never empty: the next quarter hour, for an hour
    assert page.eval_on_selector("#m-timezone", "s => s.options[0].value") == "SAME_AS_SERVER"
    assert page.eval_on_selector("#m-timezone", "s => s.options.length") > 100
    page.click("[data-minutes='120']")
    end_after = page.input_value("[name=end]")
    hours = page.evaluate("([a, b]) => (new Date(b) - new Date(a)) / 3600000", [start, end_after])
    assert hours == 2
    page.fill("[name=title]", "Router firmware")
    page.select_option("#m-timezone", "Europe/Berlin")
    page.click("#maint-form button.btn-primary")
    page.wait_for_selector("#maint-list li:has-text('Router firmware')")
    page.click("#maint-list [data-clone]")
    page.wait_for_selector("#maint-form h2:has-text('Clone maintenance')")
    assert page.input_value("[name=title]") == "Router firmware (clone)"
    assert page.input_value("#m-timezone") == "Europe/Berlin"
    page.click("#maint-form button.btn-primary")
    page.wait_for_selector("#maint-list li:has-text('Router firmware (clone)')")
    assert page.locator("#maint-list li").count() == 2
    screenshot(page, "maintenance")


def test_incident_editor_posts_edits_resolves_and_keeps_history(page, kuma_server):
    setup_admin(page, kuma_server.url)
    api = api_for(kuma_server)
    try:
        api.add_status_page("home", "Home")
    finally:
        api.disconnect()
    page.goto(kuma_server.url + "/manage-status-page/home")
    page.wait_for_selector("#sp-incident #inc-list")
    page.click("#sp-post")
    page.wait_for_selector("#inc-error:has-text('needs a title')")  # nothing posted without a title
    page.fill("#inc-title", "Internet down")
    page.fill("#inc-content", "The ISP is working on it.")
    page.select_option("#inc-style", "danger")
    page.click("#sp-post")
    page.wait_for_selector("#inc-list li:has-text('Internet down') .pill:has-text('pinned')")
    public = requests.get(kuma_server.url + "/api/status-page/home", timeout=10).json()
    assert public["incident"]["title"] == "Internet down" and public["incident"]["style"] == "danger"

    page.click("#inc-list [data-inc-edit]")
    assert page.input_value("#inc-title") == "Internet down"
    page.fill("#inc-content", "Back within the hour.")
    page.click("#sp-post")
    page.wait_for_selector("#inc-list li:has-text('Back within the hour.')")
    assert requests.get(kuma_server.url + "/api/status-page/home", timeout=10).json()["incident"]["content"] == \
        "Back within the hour."
    page.click("#inc-list [data-inc-resolve]")
    page.wait_for_selector("#inc-list li:has-text('Internet down') .pill:has-text('resolved')")
    assert requests.get(kuma_server.url + "/api/status-page/home", timeout=10).json()["incident"] is None
    screenshot(page, "incidents")


def test_api_key_copy_button_and_time_zone_picker(browser, kuma_server):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=kuma_server.url)
    page = context.new_page()
    try:
        setup_admin(page, kuma_server.url)
        page.goto(kuma_server.url + "/settings/api-keys")
        page.fill("#key-form [name=name]", "Home Assistant")
        page.click("#key-form button.btn-primary")
        page.wait_for_selector("#copy-key")
        key = page.inner_text("#new-key-value")
        assert key.startswith("uk1_")
        page.click("#copy-key")
        page.wait_for_selector(".toast:has-text('API key copied.')")
        assert page.evaluate("navigator.clipboard.readText()") == key
        assert requests.get(kuma_server.url + "/metrics", auth=("", key), timeout=10).status_code == 200

        page.goto(kuma_server.url + "/settings/general")
        page.wait_for_selector("#server-timezone")
        page.select_option("#server-timezone", "America/New_York")
        page.click("#general-form button.btn-primary")
        page.wait_for_selector(".toast-success")
        api = api_for(kuma_server)
        try:
            assert api.get_settings()["serverTimezone"] == "America/New_York"
        finally:
            api.disconnect()
    finally:
        context.close()
