"""Public status pages in a real headless Chromium: built in the dashboard's editor, read logged out."""
from __future__ import annotations

from tests.browser.conftest import screenshot
from tests.browser.test_dashboard import add_http_monitor, setup_admin
from tests.helpers.targets import http_target


def test_status_page_published_and_seen_logged_out(page, browser, kuma_server):
    with http_target() as target:
        setup_admin(page, kuma_server.url)
        add_http_monitor(page, kuma_server.url, "Public API", target.url + "/", interval=2)
        page.wait_for_selector("#d-name .pill-up")
        page.goto(kuma_server.url + "/manage-status-page")
        page.fill("#sp-new [name=title]", "Our services")
        page.fill("#sp-new [name=slug]", "ours")
        page.click("#sp-new button")
        page.wait_for_selector("#sp-form")
        page.fill("#sp-group-name", "APIs")
        page.click("#sp-add-group")
        page.select_option("[data-add-to='0']", label="Public API")
        page.fill("#sp-form [name=description]", "Everything we run.")
        page.click("#sp-form button:has-text('Save')")
        page.wait_for_selector(".toast-success")
        screenshot(page, "status-page-editor")

        anonymous = browser.new_context().new_page()
        anonymous.goto(kuma_server.url + "/status/ours")
        assert anonymous.title() == "Our services"
        anonymous.wait_for_selector(".sp-monitor:has-text('Public API')")
        anonymous.wait_for_selector(".sp-monitor .sp-up")
        assert "All Systems Operational" in anonymous.inner_text("#sp-summary")
        screenshot(anonymous, "status-page")
        screenshot(anonymous, "status-page", dark=True)
        anonymous.context.close()


def test_status_page_works_without_javascript(browser, kuma_server, page):
    setup_admin(page, kuma_server.url)
    page.goto(kuma_server.url + "/manage-status-page")
    page.fill("#sp-new [name=title]", "Plain")
    page.fill("#sp-new [name=slug]", "plain")
    page.click("#sp-new button")
    page.wait_for_selector("#sp-form")
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(kuma_server.url + "/status/plain")
    assert plain.inner_text("h1") == "Plain"
    assert "No Services" in plain.inner_text("#sp-summary")
    response = plain.goto(kuma_server.url + "/status/missing")
    assert response.status == 404
    context.close()
