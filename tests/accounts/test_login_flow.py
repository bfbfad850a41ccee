"""Accounts end to end: a running kuma driven by the `uptime_kuma_api` package and a raw Socket.IO client."""
from __future__ import annotations

import pyotp
import pytest
from uptime_kuma_api import UptimeKumaApi, UptimeKumaException

from tests.helpers.sessions import connected, credentials, set_up_admin
from tests.helpers.transcripts import WireClient
from tests.helpers.waiting import wait_for_value

PASSWORD = "secret123"
LOGIN_BURST = ["monitorList", "monitorTypeList", "maintenanceList", "info", "notificationList", "proxyList",
               "dockerHostList", "apiKeyList", "remoteBrowserList", "statusPageList"]


@pytest.fixture
def api(kuma_server):
    client = UptimeKumaApi(kuma_server.url, timeout=15, wait_events=0.05)
    yield client
    client.disconnect()


def _login(client: WireClient, password: str = PASSWORD, username: str = "admin", token: str = "") -> dict:
    return client.call("login", credentials(password, username, token))[0]


def test_fresh_instance_setup_and_login_with_the_python_client(api):
    assert api.need_setup() is True
    with pytest.raises(UptimeKumaException, match="passwordTooWeak"):
        api.setup("admin", "short")
    assert api.setup("admin", PASSWORD) == {"msg": "successAdded", "msgi18n": True}
    assert api.need_setup() is False
    with pytest.raises(UptimeKumaException, match="has been initialized"):
        api.setup("other", PASSWORD)
    token = api.login("admin", PASSWORD)["token"]
    assert token.count(".") == 2
    info = api.info()
    assert info["version"] == "2.5.3" and info["dbType"] == "sqlite"
    assert api.get_monitors() == []
    assert api.get_api_keys() == []
    assert api.get_settings() == {"serverTimezone": "UTC"}  # nothing stored yet, the effective zone filled in
    api.logout()


def test_wrong_password_unknown_user_and_events_before_login(kuma_server):
    set_up_admin(kuma_server.url)
    with connected(kuma_server.url) as client:
        bad = {"ok": False, "msg": "authIncorrectCreds", "msgi18n": True}
        assert _login(client, "wrong-password") == bad
        assert _login(client, PASSWORD, username="nobody") == bad
        assert _login(client, "") == bad
        assert _login(client, PASSWORD, username="  admin ") ["ok"] is True  # names are trimmed
        client.call("logout")
        for event, args in (("getSettings", ()), ("getAPIKeyList", ()), ("twoFAStatus", ()),
                            ("setSettings", ({"disableAuth": True}, PASSWORD)), ("addAPIKey", ({"name": "x"},)),
                            ("prepare2FA", (PASSWORD,)), ("changePassword", ({"currentPassword": PASSWORD,
                                                                              "newPassword": "an0ther-pass"},))):
            assert client.call(event, *args) == [{"ok": False, "msg": "You are not logged in."}], event


def test_token_login_logout_and_password_change_invalidates_old_tokens(kuma_server):
    set_up_admin(kuma_server.url)
    first, second = WireClient(kuma_server.url), WireClient(kuma_server.url)
    first.connect()
    second.connect()
    try:
        token = _login(first)["token"]
        assert second.call("loginByToken", token) == [{"ok": True}]
        names = [f"{m.kind}:{m.event}" for m in second.messages]
        burst = names[names.index("event:loginRequired") + 1:names.index("ack:loginByToken")]
        assert [n for n in burst if n.split(":")[1] in LOGIN_BURST] == [f"event:{e}" for e in LOGIN_BURST]
        assert second.call("logout") == []  # acked with no argument
        assert second.call("getSettings")[0]["msg"] == "You are not logged in."
        assert second.call("loginByToken", token) == [{"ok": True}]

        weak = first.call("changePassword", {"currentPassword": PASSWORD, "newPassword": "abc"})[0]
        assert weak == {"ok": False, "msg": "passwordTooWeak", "msgi18n": True}
        wrong = first.call("changePassword", {"currentPassword": "nope", "newPassword": "n3w-Passw0rd"})[0]
        assert wrong["ok"] is False and wrong["msg"] == "Incorrect current password"
        changed = first.call("changePassword", {"currentPassword": PASSWORD, "newPassword": "n3w-Passw0rd"})[0]
        assert list(changed) == ["ok", "token", "msg", "msgi18n"] and changed["msg"] == "successAuthChangePassword"
        # the other socket of the same user is told to refresh and is disconnected
        assert second.wait_for(lambda: any(m.event == "refresh" for m in second.messages))
    finally:
        first.disconnect()
        second.disconnect()

    with connected(kuma_server.url) as third:
        assert third.call("loginByToken", token) == [{"ok": False, "msg": "authInvalidToken", "msgi18n": True}]
        assert third.call("loginByToken", changed["token"]) == [{"ok": True}]
        assert _login(third, PASSWORD)["ok"] is False
        assert _login(third, "n3w-Passw0rd")["ok"] is True


def test_two_factor_enable_login_and_disable(kuma_server):
    set_up_admin(kuma_server.url)
    with connected(kuma_server.url) as client:
        _login(client)
        assert client.call("twoFAStatus") == [{"ok": True, "status": False}]
        assert client.call("prepare2FA", "wrong") == [{"ok": False, "msg": "Incorrect current password"}]
        uri = client.call("prepare2FA", PASSWORD)[0]["uri"]
        assert uri.startswith("otpauth://totp/Uptime%20Kuma:admin?secret=")
        totp = pyotp.TOTP(uri.split("secret=")[1])
        bad = client.call("verifyToken", "000000" if totp.now() != "000000" else "111111", PASSWORD)
        assert bad == [{"ok": False, "msg": "authInvalidToken", "msgi18n": True, "valid": False}]
        assert client.call("verifyToken", totp.now(), PASSWORD) == [{"ok": True, "valid": True}]
        assert client.call("save2FA", PASSWORD) == [{"ok": True, "msg": "2faEnabled", "msgi18n": True}]
        assert client.call("twoFAStatus") == [{"ok": True, "status": True}]
        assert client.call("prepare2FA", PASSWORD) == [{"ok": False, "msg": "2faAlreadyEnabled", "msgi18n": True}]

    with connected(kuma_server.url) as other:
        assert _login(other) == {"tokenRequired": True}
        assert _login(other, token="123456" if totp.now() != "123456" else "654321") == {
            "ok": False, "msg": "authInvalidToken", "msgi18n": True}
        code = totp.now()
        assert _login(other, token=code)["ok"] is True
        # the same code cannot be used twice
        again = WireClient(kuma_server.url)
        again.connect()
        try:
            assert _login(again, token=code) == {"ok": False, "msg": "authInvalidToken", "msgi18n": True}
        finally:
            again.disconnect()
        assert other.call("disable2FA", PASSWORD) == [{"ok": True, "msg": "2faDisabled", "msgi18n": True}]
        assert other.call("twoFAStatus") == [{"ok": True, "status": False}]


def _api_keys(api: UptimeKumaApi, holds, what: str) -> dict[str, dict]:
    """The client's `apiKeyList` by name once `holds(it)`: the list may land after the ack (kuma sends it
    after the ack of disable/enable/delete, as Uptime Kuma does, and the client handles each event in a
    thread of its own)."""
    return wait_for_value(lambda: {k["name"]: k for k in api.get_api_keys()}, holds, what=what)


def test_api_key_lifecycle_with_the_python_client(api, kuma_server):
    api.setup("admin", PASSWORD)
    api.login("admin", PASSWORD)
    added = api.add_api_key("ci-key", None, True)
    assert list(added) == ["msg", "msgi18n", "key", "keyID"] and added["key"].startswith(f"uk{added['keyID']}_")
    expiring = api.add_api_key("old-key", "2020-01-01 00:00:00", True)
    keys = _api_keys(api, lambda keys: set(keys) == {"ci-key", "old-key"}, "both keys listed")
    assert keys["ci-key"]["status"] == "active" and keys["old-key"]["status"] == "expired"
    assert "key" not in keys["ci-key"]  # the stored hash never leaves the server
    api.disable_api_key(added["keyID"])
    _api_keys(api, lambda keys: keys["ci-key"]["status"] == "inactive", "ci-key inactive")
    assert api.get_api_key(added["keyID"])["status"] == "inactive"
    api.enable_api_key(added["keyID"])
    _api_keys(api, lambda keys: keys["ci-key"]["active"] == 1, "ci-key active again")
    assert api.get_api_key(added["keyID"])["active"] == 1
    api.delete_api_key(expiring["keyID"])
    assert list(_api_keys(api, lambda keys: "old-key" not in keys, "old-key gone")) == ["ci-key"]


def test_settings_round_trip_keeps_secrets_untouched(api, kuma_server):
    api.setup("admin", PASSWORD)
    api.login("admin", PASSWORD)
    api.set_settings(PASSWORD, checkUpdate=False, keepDataPeriodDays=90, primaryBaseURL="http://kuma.example",
                     entryPage="dashboard", searchEngineIndex=True, serverTimezone="Europe/Berlin")
    settings = api.get_settings()
    assert settings["keepDataPeriodDays"] == 90 and settings["primaryBaseURL"] == "http://kuma.example"
    assert settings["serverTimezone"] == "Europe/Berlin"
    assert "jwtSecret" not in settings
    # the fresh `info` follows the ack of setSettings (as in Uptime Kuma)
    info = wait_for_value(api.info, lambda info: info["serverTimezone"] == "Europe/Berlin", what="the new info")
    assert info["primaryBaseURL"] == "http://kuma.example"

    with connected(kuma_server.url) as client:
        token = _login(client)["token"]
        # a client cannot overwrite an internal (non-general) setting such as the JWT secret
        assert client.call("setSettings", {"jwtSecret": "mine"}, PASSWORD)[0]["ok"] is True
        assert client.call("loginByToken", token) == [{"ok": True}]
        wrong = client.call("setSettings", {"disableAuth": True}, "wrong-password")
        assert wrong == [{"ok": False, "msg": "Incorrect current password"}]
        assert client.call("getSettings")[0]["data"].get("disableAuth") is False


def test_disable_auth_logs_every_socket_in(kuma_server):
    set_up_admin(kuma_server.url)
    with connected(kuma_server.url) as client:
        _login(client)
        assert client.call("setSettings", {"disableAuth": True}, PASSWORD) == [
            {"ok": True, "msg": "Saved.", "msgi18n": True}]
    with connected(kuma_server.url) as anonymous:
        assert anonymous.wait_for(lambda: any(m.event == "autoLogin" for m in anonymous.messages))
        names = [m.event for m in anonymous.messages]
        assert names[:2] == ["info", "monitorList"] and "loginRequired" not in names
        assert anonymous.call("getSettings")[0]["data"]["disableAuth"] is True
        # re-enabling auth needs no password
        assert anonymous.call("setSettings", {"disableAuth": False}, "")[0]["ok"] is True


def test_login_rate_limit_after_20_attempts(kuma_server):
    set_up_admin(kuma_server.url)
    with connected(kuma_server.url) as client:
        # empty passwords are refused without hashing, so the 21 attempts take milliseconds and the
        # bucket (refilled at one token per 3 s) cannot refill in between
        replies = [_login(client, "") for _ in range(20)]
        assert all(r["msg"] == "authIncorrectCreds" for r in replies)
        assert _login(client) == {"ok": False, "msg": "Too frequently, try again later."}
        assert client.call("logout") == [{"ok": False, "msg": "Too frequently, try again later."}]


def test_fixture_database_admin_logs_in(fixture_kuma_server):
    every_monitor = set(range(1, 13))
    with UptimeKumaApi(fixture_kuma_server.url, timeout=15, wait_events=0.05) as api:
        assert api.need_setup() is False
        assert api.login("admin", "secret123")["token"]
        assert [k["name"] for k in api.get_api_keys()] == ["metrics-scraper"]
        assert api.get_settings()["entryPage"] == "statusPage-main"
        # the burst's per-monitor data, as a client made for Uptime Kuma 1.x reads it: one event per monitor,
        # each handled in a thread of its own, so the client may still be storing some after the login's ack
        heartbeats = wait_for_value(api.get_heartbeats, lambda got: set(got) == every_monitor,
                                    what="heartbeatList of every monitor")
        assert heartbeats[11] == []
        assert heartbeats[1][0]["id"] == 1 and heartbeats[1][0]["important"] is True
        important = wait_for_value(api.get_important_heartbeats, lambda got: set(got) == every_monitor,
                                   what="importantHeartbeatList of every monitor")
        assert important[1] and all(b["important"] for b in important[1])
        assert important[1][0]["time"] >= important[1][-1]["time"]  # newest first
        assert wait_for_value(api.avg_ping, lambda got: 1 in got, what="avgPing of monitor 1")[1] > 0
        assert wait_for_value(api.uptime, lambda got: 24 in got.get(1, {}), what="24 h uptime of monitor 1")[1][24] > 0


def test_login_burst_never_carries_secrets(fixture_kuma_server):
    import sqlite3

    with connected(fixture_kuma_server.url) as client:
        uri_client = WireClient(fixture_kuma_server.url)
        uri_client.connect()
        _login(uri_client)
        uri_client.call("prepare2FA", PASSWORD)  # stores a 2FA secret
        key = uri_client.call("addAPIKey", {"name": "scan", "expires": None, "active": True})[0]["key"]
        uri_client.disconnect()
        assert _login(client)["ok"] is True
        client.wait_for(lambda: any(m.kind == "ack" and m.event == "login" for m in client.messages))
    conn = sqlite3.connect(fixture_kuma_server.data_dir / "kuma.db")
    try:
        secrets = [conn.execute("SELECT password FROM user").fetchone()[0],
                   conn.execute("SELECT twofa_secret FROM user").fetchone()[0],
                   conn.execute("SELECT value FROM setting WHERE key = 'jwtSecret'").fetchone()[0],
                   *[r[0] for r in conn.execute("SELECT key FROM api_key")],
                   key.split("_", 1)[1]]
    finally:
        conn.close()
    import base64
    import json

    wire = json.dumps([m.args for m in client.messages])
    assert len(client.messages) > len(LOGIN_BURST)
    for secret in secrets:
        assert secret and secret not in wire
        assert base64.b32encode(secret.encode()).decode().rstrip("=") not in wire


def test_legacy_sha1_password_is_upgraded_to_bcrypt_on_login(tmp_path):
    import hashlib
    import hmac
    import sqlite3

    from tests.helpers.paths import CAPTURE_CLOCK
    from tests.helpers.server import copy_fixture_db, start_kuma

    db_path = copy_fixture_db(tmp_path / "data")
    legacy = "sha1$salt1234$" + hmac.new(b"salt1234", b"old-secret1", hashlib.sha1).hexdigest()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE user SET password = ? WHERE username = 'admin'", (legacy,))
    conn.commit()
    conn.close()
    server = start_kuma(tmp_path / "data", clock_start=CAPTURE_CLOCK)
    try:
        with connected(server.url) as client:
            assert _login(client, "old-secret1")["ok"] is True
        conn = sqlite3.connect(db_path)
        stored = conn.execute("SELECT password FROM user WHERE username = 'admin'").fetchone()[0]
        conn.close()
        assert stored.startswith("$2b$10$")
        with connected(server.url) as again:
            assert _login(again, "old-secret1")["ok"] is True
    finally:
        server.stop()


def test_disconnect_other_socket_clients(kuma_server):
    set_up_admin(kuma_server.url)
    first, second = WireClient(kuma_server.url), WireClient(kuma_server.url)
    first.connect()
    second.connect()
    try:
        _login(first)
        _login(second)
        first.emit("disconnectOtherSocketClients", [], ack=False)
        assert second.wait_for(lambda: any(m.event == "refresh" for m in second.messages))
        assert second.wait_for(lambda: not second.sio.connected)
        assert first.call("twoFAStatus") == [{"ok": True, "status": False}]  # this socket stays logged in
    finally:
        first.disconnect()
        second.disconnect()
