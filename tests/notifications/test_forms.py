"""The provider form description (kuma/notifications/forms.json, issue #19): the one list the dashboard draws
and `addNotification` checks. On a real kuma process over python-socketio and uptime_kuma_api: a notification
missing a field its provider cannot send without is refused with a message naming the field, never stored."""
from __future__ import annotations

import json
import re

import pytest
from uptime_kuma_api import UptimeKumaApi, UptimeKumaException

from kuma.notifications.forms import missing_required, provider_forms
from kuma.notifications.keys import SPEC_KEYS
from tests.helpers.paths import SHARED
from tests.helpers.transcripts import WireClient
from tests.helpers.waiting import wait_for_value

SPEC = SHARED / "spec" / "notification-providers.md"
GROUPS = ["Chat", "Push", "SMS", "Email", "Incident management", "Home automation", "Webhooks"]
RICH = ["webhook", "discord", "telegram", "slack", "ntfy", "gotify", "pushover", "smtp", "teams", "matrix",
        "mattermost", "signal", "apprise", "HomeAssistant", "pushbullet", "Opsgenie", "PagerDuty", "rocket.chat",
        "GoogleChat", "line"]
TYPES = {"text", "url", "secret", "textarea", "select", "boolean", "number"}


def test_every_provider_key_has_a_readable_name_a_group_and_fields():
    forms = provider_forms()
    assert forms["groups"] == GROUPS
    assert set(forms["providers"]) == SPEC_KEYS  # all 105, nothing invented
    for key, form in forms["providers"].items():
        assert form["group"] in GROUPS and form["name"] and form["fields"], key
        for field in form["fields"]:
            assert field["type"] in TYPES and field["label"] and field["label"] != field["key"], (key, field)
            if field["type"] == "select":
                assert field["options"] and all(isinstance(v, str) for v, _ in field["options"]), (key, field)
    assert forms["providers"]["webhook"]["name"] == "Webhook" and forms["providers"]["alerta"]["name"] == "Alerta"


def test_the_most_used_providers_are_described_richly():
    providers = provider_forms()["providers"]
    for key in RICH:
        fields = providers[key]["fields"]
        assert any(f.get("required") for f in fields), key
        assert any(f.get("help") for f in fields), key
    webhook = {f["key"]: f for f in providers["webhook"]["fields"]}
    assert webhook["webhookURL"]["required"] and webhook["webhookURL"]["type"] == "url"
    assert webhook["httpMethod"]["default"] == "post" and webhook["webhookContentType"]["default"] == "json"
    assert {f["type"] for f in providers["telegram"]["fields"]} >= {"secret", "boolean", "select", "textarea"}


def test_detailed_spec_fields_are_in_the_forms():
    text = SPEC.read_text()
    webhook = {f["key"] for f in provider_forms()["providers"]["webhook"]["fields"]}
    block = text[text.index("**webhook**"):text.index("**telegram**")]
    assert set(re.findall(r"`(webhook[A-Za-z]+|httpMethod)`", block)) <= webhook


def test_missing_required_names_the_field():
    assert missing_required({"type": "webhook"}) == "Webhook: Post URL (webhookURL) is required"
    assert missing_required({"type": "webhook", "webhookURL": "  "}) == "Webhook: Post URL (webhookURL) is required"
    assert missing_required({"type": "webhook", "webhookURL": "http://x"}) is None
    assert missing_required({"type": "telegram", "telegramBotToken": "t"}) == \
        "Telegram: Chat ID (telegramChatID) is required"
    assert missing_required({"type": "Webpush"}) is None  # a plain-text form requires nothing


@pytest.fixture
def wire(kuma_server):
    api = UptimeKumaApi(kuma_server.url, timeout=15)
    api.setup("admin", "secret123")
    api.disconnect()
    client = WireClient(kuma_server.url)
    client.connect()
    assert client.call("login", {"username": "admin", "password": "secret123", "token": ""})[0]["ok"] is True
    yield client
    client.disconnect()


def test_server_refuses_a_notification_without_its_required_field(kuma_server, wire):
    (reply,) = wire.call("getNotificationForms")
    assert reply["ok"] is True and reply["groups"] == GROUPS and set(reply["providers"]) == SPEC_KEYS
    assert reply["providers"] == json.loads(json.dumps(provider_forms()["providers"]))  # what the dashboard draws
    assert wire.call("addNotification", {"type": "webhook", "name": "Hook", "httpMethod": "post"}, None) == \
        [{"ok": False, "msg": "Webhook: Post URL (webhookURL) is required"}]
    assert wire.call("addNotification", {"type": "gotify", "name": "G", "gotifyserverurl": "http://127.0.0.1:9"},
                     None)[0]["msg"] == "Gotify: Application token (gotifyapplicationToken) is required"
    saved = wire.call("addNotification", {"type": "webhook", "name": "Hook", "webhookURL": "http://127.0.0.1:9/"},
                      None)[0]
    assert saved["ok"] is True
    # editing it to drop the URL is refused too, and the stored row keeps its URL
    assert wire.call("addNotification", {"type": "webhook", "name": "Hook", "webhookURL": ""}, saved["id"])[0] == \
        {"ok": False, "msg": "Webhook: Post URL (webhookURL) is required"}
    stored = [json.loads(n["config"]) for n in wire.events("notificationList")[-1][0]]
    assert [n["webhookURL"] for n in stored] == ["http://127.0.0.1:9/"]


def test_uptime_kuma_api_client_sees_the_refusal(kuma_server):
    api = UptimeKumaApi(kuma_server.url, timeout=15)
    try:
        api.setup("admin", "secret123")
        api.login("admin", "secret123")
        with pytest.raises(UptimeKumaException, match=r"Telegram: Chat ID \(telegramChatID\) is required"):
            api.add_notification(name="TG", type="telegram", telegramBotToken="123:abc", telegramChatID="")
        assert api.get_notifications() == []
        added = api.add_notification(name="TG", type="telegram", telegramBotToken="123:abc", telegramChatID="42")
        # notificationList follows the ack and the client handles it in a thread of its own
        wait_for_value(api.get_notifications, lambda got: len(got) == 1, what="the added notification")
        assert api.get_notification(added["id"])["telegramChatID"] == "42"
    finally:
        api.disconnect()
