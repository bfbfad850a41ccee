"""The dashboard in a real headless Chromium against a running kuma, through the same Socket.IO events as
every other client: setup, login, monitors live, notifications, status pages, 2FA, screenshots."""
from __future__ import annotations

import json
import time

import pyotp

from tests.browser.conftest import screenshot
from tests.helpers.targets import Reply, http_target

PASSWORD = "browser-pass-1"


def setup_admin(page, url: str) -> None:
    page.goto(url + "/dashboard")
    page.wait_for_url("**/setup")  # a fresh server sends `setup` right after connecting; the page follows
    page.wait_for_selector("#auth-form")
    page.fill("[name=username]", "admin")
    page.fill("[name=password]", PASSWORD)
    page.fill("[name=repeat]", PASSWORD)
    page.click("#auth-form button[type=submit]")
    page.wait_for_selector(".topbar")


def add_http_monitor(page, url: str, name: str, target: str, interval: int = 1) -> int:
    page.goto(url + "/add")
    page.fill("#f-name", name)
    page.fill("#f-url", target)
    page.fill("#f-interval", str(interval))
    page.fill("#f-retryInterval", str(interval))
    page.click("#monitor-form button[type=submit]")
    page.wait_for_url("**/dashboard/*")
    return int(page.url.rsplit("/", 1)[1])


def test_monitor_lifecycle_live(page, kuma_server):
    with http_target() as target:
        setup_admin(page, kuma_server.url)
        screenshot(page, "home-empty")
        monitor_id = add_http_monitor(page, kuma_server.url, "Web site", target.url + "/")
        # UP arrives live: the detail header's pill turns green without a reload
        page.wait_for_selector("#d-name .pill-up")
        page.wait_for_selector(f".monitor-row[data-id='{monitor_id}'] .pill-up")
        # the target breaks: the DOWN transition shows up live too
        target.routes["/"] = Reply(503, "broken")
        page.wait_for_selector("#d-name .pill-down", timeout=30_000)
        assert "503" in page.inner_text("#d-last")
        page.wait_for_selector("#d-events td:has-text('503')")
        target.routes["/"] = Reply(200, "fine again")
        page.wait_for_selector("#d-name .pill-up", timeout=30_000)
        screenshot(page, "monitor-detail")
        screenshot(page, "monitor-detail", dark=True)

        # edit: the new name is saved and shown
        page.click("a:has-text('Edit')")
        page.wait_for_selector("#monitor-form")
        screenshot(page, "monitor-edit")
        page.fill("#f-name", "Web site (renamed)")
        page.click("#monitor-form button[type=submit]")
        page.wait_for_selector("#d-name:has-text('Web site (renamed)')")

        # pause and resume
        page.click("#d-toggle:has-text('Pause')")
        page.wait_for_selector("#d-name .pill-paused")
        page.click("#d-toggle:has-text('Resume')")
        page.wait_for_selector("#d-toggle:has-text('Pause')")

        # delete with confirmation
        page.click("#d-delete")
        page.click("dialog.confirm button[value=yes]")
        page.wait_for_url("**/dashboard")
        page.wait_for_selector("#list-count:has-text('0 monitors')")


def test_login_remember_me_and_logout(page, kuma_server):
    setup_admin(page, kuma_server.url)
    page.reload()  # remembered: the stored token logs in again (loginByToken)
    page.wait_for_selector(".topbar")
    page.click("#logout")
    page.wait_for_selector("#auth-form")
    page.fill("[name=username]", "admin")
    page.fill("[name=password]", "wrong-password")
    page.click("#auth-form button[type=submit]")
    page.wait_for_selector(".form-error:has-text('Incorrect username or password')")
    screenshot(page, "login")
    screenshot(page, "login", dark=True)
    page.fill("[name=password]", PASSWORD)
    page.click("#auth-form button[type=submit]")
    page.wait_for_selector(".topbar")


def test_notification_test_button_reaches_webhook(page, kuma_server):
    with http_target({"/hook": Reply(200, "ok")}) as receiver:
        setup_admin(page, kuma_server.url)
        page.goto(kuma_server.url + "/settings/notifications")
        page.click("#notif-new")
        page.select_option("#notif-type", "webhook")
        page.fill("#notif-form [name=name]", "Team hook")
        page.fill("#notif-form [name=webhookURL]", receiver.url + "/hook")
        page.select_option("#notif-form [name=webhookContentType]", "json")  # a select since issue #19
        page.click("#notif-test")
        page.wait_for_selector(".toast-success")
        assert any(r.path == "/hook" and r.method == "POST" for r in receiver.requests)
        body = json.loads(next(r for r in receiver.requests if r.path == "/hook").body)
        assert body["msg"] == "Team hook Testing"
        page.click("#notif-form button:has-text('Save')")
        page.wait_for_selector("#notif-list li:has-text('Team hook')")
        screenshot(page, "settings-notifications")
        screenshot(page, "settings-notifications", dark=True)


def test_two_factor_login(page, kuma_server):
    setup_admin(page, kuma_server.url)
    page.goto(kuma_server.url + "/settings/security")
    page.fill("#twofa-form [name=currentPassword]", PASSWORD)
    page.click("#twofa-action")
    page.wait_for_selector("#twofa-setup:not([hidden])")
    secret = page.inner_text("#twofa-secret").strip()
    page.fill("#twofa-form [name=token]", pyotp.TOTP(secret).now())
    page.click("#twofa-action")
    page.wait_for_selector("#twofa-status:has-text('enabled')")
    screenshot(page, "settings-security")
    page.click("#logout")
    page.wait_for_selector("#auth-form")
    page.fill("[name=username]", "admin")
    page.fill("[name=password]", PASSWORD)
    page.click("#auth-form button[type=submit]")
    page.wait_for_selector(".twofa:not([hidden])")
    code = pyotp.TOTP(secret)
    page.fill("[name=token]", code.now())
    page.click("#auth-form button[type=submit]")
    page.wait_for_selector(".topbar, .form-error:has-text('Invalid token')")
    if page.query_selector(".form-error:has-text('Invalid token')"):
        # the code that enabled 2FA cannot be replayed: take the next one
        page.wait_for_timeout((30 - int(time.time()) % 30 + 1) * 1000)
        page.fill("[name=token]", code.now())
        page.click("#auth-form button[type=submit]")
    page.wait_for_selector(".topbar")


def test_settings_and_maintenance_pages(page, kuma_server):
    setup_admin(page, kuma_server.url)
    page.goto(kuma_server.url + "/settings/general")
    page.fill("#general-form [name=primaryBaseURL]", "https://status.example.test")
    page.click("#general-form button")
    page.wait_for_selector(".toast-success")
    page.reload()
    page.wait_for_selector("#general-form")
    assert page.input_value("#general-form [name=primaryBaseURL]") == "https://status.example.test"
    screenshot(page, "settings-general")
    page.goto(kuma_server.url + "/settings/appearance")
    page.check("#theme-form input[value=dark]")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.check("#theme-form input[value=auto]")
    page.goto(kuma_server.url + "/maintenance")
    page.click("#maint-new")
    page.fill("#maint-form [name=title]", "Patch night")
    page.select_option("#m-strategy", "manual")
    page.click("#maint-form button:has-text('Save')")
    page.wait_for_selector("#maint-list li:has-text('Patch night') .pill-maintenance")
    screenshot(page, "maintenance")
    screenshot(page, "maintenance", dark=True)
