"""Socket.IO notification handlers on a real kuma process: transcript 08 replayed, uptime_kuma_api calls."""
from __future__ import annotations

import json
import sqlite3

import pytest
from uptime_kuma_api import UptimeKumaApi, UptimeKumaException

from tests.helpers.server import REPLAY_ENV
from tests.helpers.sessions import connected
from tests.helpers.transcripts import replay

#: compared event by event with Uptime Kuma 2.5.3's captures: no late full lists for 1.x clients
KUMA_ENV = REPLAY_ENV


@pytest.fixture
def admin(kuma_server):
    api = UptimeKumaApi(kuma_server.url, timeout=15)
    api.setup("admin", "secret123")
    api.login("admin", "secret123")
    api.sio.emit("initServerTimezone", "UTC")  # what the web UI answers once; handled before the next call
    api.get_settings()
    yield api
    api.disconnect()


def test_transcript_08_notification_crud(kuma_server, admin, recorder):
    def substitute(event, args, ctx):
        if event in ("addNotification", "testNotification"):
            args = [dict(args[0], webhookURL=recorder.url + "/webhook"), *args[1:]]
        return args

    result = replay(kuma_server.url, "08-notification-crud", substitute=substitute)
    assert not result.diffs, result.report()
    (req,) = recorder.requests  # the test button, exactly as Uptime Kuma sent it
    assert req.body == b'{"heartbeat":null,"monitor":null,"msg":"CRUD Webhook Testing"}'
    lists = [m.args[0] for m in result.actual if m.event == "notificationList"]
    edited = lists[2][0]
    assert list(edited) == ["id", "name", "active", "userId", "isDefault", "config"]
    assert json.loads(edited["config"]) == {"name": "CRUD Webhook (edited)", "type": "webhook", "isDefault": True,
                                            "applyExisting": False, "webhookURL": recorder.url + "/webhook",
                                            "webhookContentType": "form-data", "active": True, "id": 1}


def test_uptime_kuma_api_client(kuma_server, admin, recorder):
    monitor_id = admin.add_monitor(type="http", name="Site", url="http://127.0.0.1:9/", interval=3600)["monitorID"]
    added = admin.add_notification(name="Hook", type="webhook", isDefault=True, applyExisting=True,
                                   webhookURL=recorder.url + "/hook", webhookContentType="json")
    notification_id = added["id"]
    (item,) = admin.get_notifications()
    assert item["id"] == notification_id and item["name"] == "Hook" and item["isDefault"] is True
    assert item["webhookURL"] == recorder.url + "/hook"  # the client unpacks config
    assert admin.test_notification(name="Hook", type="webhook", webhookURL=recorder.url + "/hook",
                                  webhookContentType="json") == \
        {"msg": "Sent Successfully."}
    assert recorder.requests[-1].json() == {"heartbeat": None, "monitor": None, "msg": "Hook Testing"}
    assert admin.check_apprise() is True
    admin.edit_notification(notification_id, name="Hook 2")
    assert admin.get_notification(notification_id)["name"] == "Hook 2"
    db = sqlite3.connect(kuma_server.data_dir / "kuma.db")
    try:
        links = db.execute("SELECT monitor_id, notification_id FROM monitor_notification").fetchall()
        config = json.loads(db.execute("SELECT config FROM notification").fetchone()[0])
    finally:
        db.close()
    assert links == [(monitor_id, notification_id)]  # applyExisting linked the existing monitor once
    assert config["applyExisting"] is False
    admin.delete_notification(notification_id)
    assert admin.get_notifications() == []
    with pytest.raises(UptimeKumaException, match="notification not found"):
        admin._call("deleteNotification", notification_id)  # the client's own check would answer first


def test_test_notification_errors_are_acks(kuma_server, admin, recorder):
    recorder.reply = (500, '{"error":"down"}', "application/json")
    with connected(kuma_server.url) as client:
        token = client.call("login", {"username": "admin", "password": "secret123", "token": ""})[0]
        assert token["ok"] is True
        (ack,) = client.call("testNotification", {"name": "X", "type": "webhook", "webhookURL": recorder.url})
        assert ack == {"ok": False, "msg": 'Request failed with status code 500 (code=ERR_BAD_RESPONSE) '
                                           '(HTTP 500 Internal Server Error) {"error":"down"}'}
        assert client.call("testNotification", {"name": "X", "type": "nope"}) == \
            [{"ok": False, "msg": "Notification type is not supported"}]
        assert client.call("testNotification", {"name": "X", "type": "Webpush"}) == \
            [{"ok": False, "msg": "Notification type Webpush is not supported yet"}]
        assert client.call("addNotification", "garbage", None)[0]["ok"] is False
        # a key kuma cannot send yet is still stored unchanged
        form = {"name": "Push", "type": "Webpush", "subscription": {"endpoint": "https://x"}, "isDefault": False}
        saved = client.call("addNotification", form, None)[0]
        assert saved["ok"] is True
        stored = [json.loads(n["config"]) for n in client.events("notificationList")[-1][0]]
        assert stored == [dict(form, applyExisting=False)]


def test_handlers_require_login(kuma_server):
    with connected(kuma_server.url) as client:
        for event, args in (("addNotification", ({"name": "a", "type": "webhook"}, None)),
                            ("deleteNotification", (1,)), ("testNotification", ({"type": "webhook"},)),
                            ("checkApprise", ())):
            assert client.call(event, *args) == [{"ok": False, "msg": "You are not logged in."}], event
