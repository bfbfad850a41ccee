"""Dashboard round 2 (issue #19), the forms, in a real headless Chromium: notification provider forms drawn
from the server's description (labels, help, required markers, the server's refusal at the field) and the
monitor form in sections with browser validation, the name from the URL, auth fields per method and a
readable interval. Screenshots go to screenshots/."""
from __future__ import annotations

from uptime_kuma_api import UptimeKumaApi

from tests.browser.conftest import screenshot
from tests.browser.test_dashboard import PASSWORD, setup_admin
from tests.helpers.targets import http_target
from tests.helpers.waiting import wait_for_value


def api_for(kuma_server) -> UptimeKumaApi:
    api = UptimeKumaApi(kuma_server.url, timeout=20)
    api.login("admin", PASSWORD)
    return api


def open_new_notification(page, url: str) -> None:
    page.goto(url + "/settings/notifications")
    page.click("#notif-new")
    page.wait_for_selector("#notif-form #n-webhookURL")


def test_webhook_form_is_labelled_and_refuses_to_save_without_a_url(page, kuma_server):
    setup_admin(page, kuma_server.url)
    open_new_notification(page, kuma_server.url)
    groups = page.eval_on_selector_all("#notif-type optgroup", "els => els.map((e) => e.label)")
    assert groups == ["Chat", "Push", "SMS", "Email", "Incident management", "Home automation", "Webhooks"]
    assert page.eval_on_selector("#notif-type", "el => el.selectedOptions[0].textContent") == "Webhook"
    assert page.locator("#notif-type optgroup[label=Chat] option", has_text="Discord").count() == 1
    label = page.locator("label[for=n-webhookURL]")
    assert label.inner_text().startswith("Post URL") and label.locator(".req").count() == 1
    assert page.locator("#n-httpMethod option").all_inner_texts()[0] == "POST"
    assert page.is_visible("#n-webhookContentType-help")
    assert "httpMethod" not in page.inner_text("#notif-fields")  # labels, not config keys
    screenshot(page, "notification-webhook")
    # the browser refuses first: the URL is required …
    page.click("#notif-form button.btn-primary")
    assert page.eval_on_selector("#n-webhookURL", "el => el.validity.valueMissing") is True
    # … and the server too (the same description), its message at the field
    page.eval_on_selector("#n-webhookURL", "el => el.removeAttribute('required')")
    page.click("#notif-form button.btn-primary")
    error = page.wait_for_selector("[data-error-for=webhookURL]:has-text('is required')")
    assert error.inner_text() == "Webhook: Post URL (webhookURL) is required"
    api = api_for(kuma_server)
    try:
        assert api.get_notifications() == []  # nothing was stored
        page.fill("#n-webhookURL", "http://127.0.0.1:9/hook")
        page.click("#notif-form button.btn-primary")
        page.wait_for_selector("#notif-list li:has-text('My notification')")
        # another socket's notificationList: it may land after the page shows the save
        (saved,) = wait_for_value(api.get_notifications, lambda got: len(got) == 1, what="the saved notification")
        assert saved["webhookURL"] == "http://127.0.0.1:9/hook" and saved["httpMethod"] == "post"
        assert saved["webhookContentType"] == "json"  # the defaults were saved with it
    finally:
        api.disconnect()
    # another provider: its own labelled fields, a secret field for the token
    open_new_notification(page, kuma_server.url)
    page.select_option("#notif-type", "telegram")
    page.wait_for_selector("label[for=n-telegramBotToken]:has-text('Bot token')")
    assert page.get_attribute("#n-telegramBotToken", "type") == "password"
    assert page.is_checked("#n-telegramSendSilently") is False
    screenshot(page, "notification-telegram", dark=True)


def test_untouched_add_form_refuses_to_save_and_creates_nothing(page, kuma_server):
    setup_admin(page, kuma_server.url)
    page.goto(kuma_server.url + "/add")
    page.wait_for_selector("#monitor-form")
    titles = page.locator(".form-section h2").all_inner_texts()
    assert titles == ["General", "Check", "Notifications", "Advanced"]
    assert page.locator("#sec-general #f-url").count() == 1 and page.locator("#sec-check #f-interval").count() == 1
    assert page.locator("#sec-advanced #f-authMethod").count() == 1
    page.click("#monitor-form button[type=submit]")
    page.wait_for_selector(".field-error")
    errors = page.locator(".field-error").all_inner_texts()
    assert "Friendly name is required." in errors
    assert any(e.startswith("Enter a full address") for e in errors)
    assert page.get_attribute("#f-url", "aria-invalid") == "true"
    screenshot(page, "monitor-form-invalid")
    page.fill("#f-name", "Bad")
    page.fill("#f-url", "not a url")
    page.click("#monitor-form button[type=submit]")
    page.wait_for_selector(".field-error:has-text('Enter a full address')")
    page.fill("#f-url", "ftp://example.com/")
    page.click("#monitor-form button[type=submit]")
    page.wait_for_selector(".field-error:has-text('Enter a full address')")
    assert page.url.endswith("/add")
    api = api_for(kuma_server)
    try:
        assert api.get_monitors() == []
    finally:
        api.disconnect()


def test_name_from_url_readable_interval_and_the_servers_message_at_the_field(page, kuma_server):
    with http_target() as target:
        setup_admin(page, kuma_server.url)
        page.goto(kuma_server.url + "/add")
        page.wait_for_selector("#monitor-form")
        assert page.inner_text("[data-readable-for=interval]") == "60 s (1 minute)"
        page.fill("#f-interval", "90")
        assert page.inner_text("[data-readable-for=interval]") == "90 s (1 minute 30 seconds)"
        page.fill("#f-interval", "3600")
        assert page.inner_text("[data-readable-for=interval]") == "3600 s (1 hour)"
        page.fill("#f-url", target.url + "/health")
        assert page.input_value("#f-name") == "127.0.0.1"  # the host, while the name is empty
        page.fill("#f-name", "Mine")
        page.fill("#f-url", "http://localhost:1/")
        assert page.input_value("#f-name") == "Mine"  # a typed name stays
        page.fill("#f-url", target.url + "/health")
        page.fill("#f-headers", "{not json")
        page.click("#monitor-form button[type=submit]")
        error = page.wait_for_selector("#f-headers >> xpath=../following-sibling::small[@class='field-error']")
        assert error.inner_text().startswith("Headers must be valid JSON")
        api = api_for(kuma_server)
        try:
            assert api.get_monitors() == []
            page.fill("#f-headers", "")
            page.click("#monitor-form button[type=submit]")
            page.wait_for_url("**/dashboard/*")
            (monitor,) = wait_for_value(api.get_monitors, lambda got: len(got) == 1, what="the added monitor")
            assert monitor["name"] == "Mine" and monitor["interval"] == 3600
        finally:
            api.disconnect()


def test_auth_fields_appear_only_for_their_method(page, kuma_server):
    setup_admin(page, kuma_server.url)
    page.goto(kuma_server.url + "/add")
    page.wait_for_selector("#monitor-form")
    hidden = ("#f-basic_auth_user", "#f-basic_auth_pass", "#f-bearer_token")
    assert not any(page.is_visible(s) for s in hidden)  # authentication "None"
    page.select_option("#f-authMethod", "basic")
    assert page.is_visible("#f-basic_auth_user") and page.is_visible("#f-basic_auth_pass")
    assert not page.is_visible("#f-bearer_token")
    page.select_option("#f-authMethod", "bearer")
    assert page.is_visible("#f-bearer_token") and not page.is_visible("#f-basic_auth_user")
    screenshot(page, "monitor-form-bearer")
    page.fill("#f-url", "http://127.0.0.1:9/api")
    page.fill("#f-bearer_token", "tok-123")
    page.fill("#f-interval", "3600")
    page.click("#monitor-form button[type=submit]")
    page.wait_for_url("**/dashboard/*")
    api = api_for(kuma_server)
    try:
        (monitor,) = api.get_monitors()
        assert monitor["authMethod"] == "bearer" and monitor["bearer_token"] == "tok-123"
        assert monitor["name"] == "127.0.0.1"
    finally:
        api.disconnect()
