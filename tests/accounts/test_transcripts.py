"""Replays of the captured Uptime Kuma 2.5.3 transcripts 01–05 and 12–15 (the account-related parts)."""
from __future__ import annotations

from tests.helpers.server import REPLAY_ENV
from tests.helpers.sessions import logged_in, set_up_admin
from tests.helpers.transcripts import ReplayContext, compare_streams, is_live_event, load, replay

#: compared event by event with Uptime Kuma 2.5.3's captures: no late full lists for 1.x clients
KUMA_ENV = REPLAY_ENV

PASSWORD = "secret123"
BASE_URL = "http://127.0.0.1:3022"  # the capture instance's primaryBaseURL after transcript 12


def test_01_connect_fresh(kuma_server):
    result = replay(kuma_server.url, "01-connect-fresh")
    assert not result.diffs, result.report()


def test_02_setup_then_login(kuma_server):
    result = replay(kuma_server.url, "02-setup")
    assert not result.diffs, result.report()
    # the full info that answers initServerTimezone comes after the login ack
    kinds = [f"{m.kind}:{m.event}" for m in result.actual]
    assert kinds[-2:] == ["ack:login", "event:info"]


def _index(entries, kind: str, event: str, start: int = 0) -> int:
    return next(i for i, e in enumerate(entries) if i >= start and e["kind"] == kind and e["event"] == event)


def test_04_wrong_password(fixture_kuma_server):
    result = replay(fixture_kuma_server.url, "04-login-wrong-password")
    assert not result.diffs, result.report()


def _prepare_like_capture(url: str, **settings) -> None:
    """The fresh capture instance had been set up, its timezone initialised and update checks switched off
    (and, after transcript 12, its primary base URL set)."""
    set_up_admin(url)
    with logged_in(url, PASSWORD) as client:
        assert client.call("setSettings", {"checkUpdate": False, **settings}, PASSWORD)[0]["ok"]
        client.wait_for(lambda: sum(1 for m in client.messages if m.event == "info") >= 3)


def test_12_settings(kuma_server):
    _prepare_like_capture(kuma_server.url)
    result = replay(kuma_server.url, "12-settings")
    assert not result.diffs, result.report()
    settings = [m.args[0]["data"] for m in result.actual if m.kind == "ack" and m.event == "getSettings"]
    assert settings[0] == {"serverTimezone": "UTC", "checkUpdate": False}
    assert settings[1]["primaryBaseURL"] == "http://127.0.0.1:3022" and settings[1]["keepDataPeriodDays"] == 90


def test_13_api_keys(kuma_server):
    _prepare_like_capture(kuma_server.url, primaryBaseURL=BASE_URL)
    result = replay(kuma_server.url, "13-api-keys")
    assert not result.diffs, result.report()
    keys = [m.args[0]["key"] for m in result.actual if m.kind == "ack" and m.event == "addAPIKey"]
    assert keys[0].startswith("uk1_") and keys[1].startswith("uk2_") and len(keys[0]) == 44


def _totp_substitute(event: str, args: list, ctx: ReplayContext) -> list:
    """Fresh codes for the 2FA secret this replay created; the captured token of this session for loginByToken."""
    import pyotp

    uri = (ctx.acks.get("prepare2FA") or [{}])[0].get("uri")
    fresh = pyotp.TOTP(uri.split("secret=")[1]).now() if uri else None
    if event == "verifyToken" and args[0] != "000000":
        return [fresh, *args[1:]]
    if event == "login" and args[0].get("token") not in ("", "123456"):
        return [{**args[0], "token": fresh}]
    if event == "loginByToken":
        return [ctx.values["first_token"]]
    if event == "twoFAStatus" and "first_token" not in ctx.values and ctx.acks.get("login"):
        ctx.values["first_token"] = ctx.acks["login"][0]["token"]
    return args


def test_14_two_factor(kuma_server):
    _prepare_like_capture(kuma_server.url, primaryBaseURL=BASE_URL)
    result = replay(kuma_server.url, "14-2fa", substitute=_totp_substitute)
    assert not result.diffs, result.report()
    replies = [m.args[0] for m in result.actual if m.kind == "ack" and m.event == "login"]
    assert replies[1] == {"tokenRequired": True} and replies[2]["msg"] == "authInvalidToken" and replies[3]["ok"]


def test_15_errors_of_the_account_events(kuma_server):
    _prepare_like_capture(kuma_server.url, primaryBaseURL=BASE_URL)
    entries = load("15-errors")
    # the block between the login ack and deleteNotification exercises other areas' handlers
    start = _index(entries, "emit", "getMonitor", _index(entries, "ack", "login", _index(entries, "meta", "note", 4)))
    end = _index(entries, "ack", "deleteNotification")
    entries = entries[:start] + entries[end + 1:]
    not_mine = {"getStatusPage"}
    entries = [e for e in entries if e["event"] not in not_mine]
    result = replay(kuma_server.url, entries)
    assert not result.diffs, result.report()
    acks = {m.event: m.args for m in result.actual if m.kind == "ack"}
    assert acks["logout"] == [] and acks["getMonitorList"] == [{"ok": False, "msg": "You are not logged in."}]
    assert "noSuchEvent" not in acks


def _live_or_maintenance(message) -> bool:
    """On the running fixture instance an important beat brings a live `maintenanceList` just before its
    `heartbeat`; it may fall inside the burst, so maintenanceList is left out of these comparisons."""
    return is_live_event(message) or message.event == "maintenanceList"


def _until_ack(name: str, event: str) -> list:
    """The transcript up to the LAST ack of `event` (what follows is live traffic of running monitors)."""
    entries = load(name)
    last = max(i for i, e in enumerate(entries) if e["kind"] == "ack" and e["event"] == event)
    return entries[:last + 1]


def test_03_login_burst_on_the_fixture_database(fixture_kuma_server):
    result = replay(fixture_kuma_server.url, _until_ack("03-login-burst", "login"),
                    compare=lambda e, a, **kw: compare_streams(e, a, strict_lengths=False, **kw), drop=_live_or_maintenance)
    assert not result.diffs, result.report()


def test_05_login_by_token_with_the_captured_token(fixture_kuma_server):
    result = replay(fixture_kuma_server.url, _until_ack("05-login-by-token", "loginByToken"),
                    compare=lambda e, a, **kw: compare_streams(e, a, strict_lengths=False, **kw), drop=_live_or_maintenance)
    assert not result.diffs, result.report()
    assert [m.args for m in result.actual if m.kind == "ack"] == [
        [{"ok": False, "msg": "authInvalidToken", "msgi18n": True}], [{"ok": True}]]
