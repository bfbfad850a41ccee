"""Dependencies in the dashboard (issue #22) in a real headless Chromium: chosen in the monitor form, saved
over setMonitorAlerting, shown on both monitors' detail pages, and refused with the server's message
when they would close a cycle."""
from __future__ import annotations

from tests.browser.test_dashboard import add_http_monitor, setup_admin
from tests.helpers.targets import http_target


def test_dependencies_in_the_form_and_on_the_detail_pages(page, kuma_server):
    with http_target() as target:
        setup_admin(page, kuma_server.url)
        router = add_http_monitor(page, kuma_server.url, "Router", target.url + "/")
        page.wait_for_selector("#d-depends:has-text('nothing')")

        page.goto(kuma_server.url + "/add")
        page.fill("#f-name", "NAS")
        page.fill("#f-url", target.url + "/nas")
        page.fill("#f-interval", "1")
        page.check(f"[name=dep-{router}]")
        page.check("[name=flapEnabled]")
        page.fill("#a-flapThreshold", "4")
        page.click("#monitor-form button[type=submit]")
        page.wait_for_url("**/dashboard/*")
        nas = int(page.url.rsplit("/", 1)[1])
        page.wait_for_selector("#d-depends a:has-text('Router')")
        assert page.inner_text("#d-dependants").endswith("none")

        page.goto(f"{kuma_server.url}/dashboard/{router}")
        page.wait_for_selector("#d-dependants a:has-text('NAS')")

        # the form shows what was saved, and a cycle is refused with the server's message
        page.goto(f"{kuma_server.url}/edit/{router}")
        page.wait_for_selector("#monitor-form")
        page.check(f"[name=dep-{nas}]")
        page.click("#monitor-form button[type=submit]")
        page.wait_for_selector(".toast:has-text('Dependency cycle: Router → NAS → Router')")
        page.goto(f"{kuma_server.url}/edit/{nas}")
        page.wait_for_selector("#monitor-form")
        assert page.is_checked(f"[name=dep-{router}]") and page.is_checked("[name=flapEnabled]")
        assert page.input_value("#a-flapThreshold") == "4"
