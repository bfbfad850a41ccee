"""kuma.api.common: the login check and reply shapes every handler module relies on."""
from __future__ import annotations

from kuma.api.common import ApiError, NotLoggedIn, fail, guarded, ok, ok_i18n, on, on_login, require_login, to_int


class FakeSock:
    def __init__(self, user_id=None):
        self.session = {} if user_id is None else {"user_id": user_id}


class FakeHub:
    def __init__(self):
        self.handlers = {}

    def on(self, event):
        def decorator(fn):
            self.handlers[event] = fn
            return fn
        return decorator


def test_require_login_refuses_anonymous_socket():
    try:
        require_login(FakeSock())
    except NotLoggedIn as exc:
        assert exc.reply() == {"ok": False, "msg": "You are not logged in."}
        assert str(exc) == "You are not logged in."
    else:
        raise AssertionError("no error raised")
    assert require_login(FakeSock(3)) == 3


def test_reply_builders_keep_uptime_kuma_key_order():
    assert list(ok_i18n("successAdded", monitorID=4).items()) == [
        ("ok", True), ("msg", "successAdded"), ("msgi18n", True), ("monitorID", 4)]
    assert ok() == {"ok": True}
    assert fail("x", msgi18n=False) == {"ok": False, "msg": "x", "msgi18n": False}
    assert ApiError("authInvalidToken", msgi18n=True, valid=False).reply() == {
        "ok": False, "msg": "authInvalidToken", "msgi18n": True, "valid": False}


def test_to_int_is_liberal_but_not_silly():
    assert [to_int(v) for v in (3, "3", " 7 ", 2.0, True, None, "x", 2.5)] == [3, 3, 7, 2, None, None, None, None]


async def test_on_login_turns_errors_into_acks():
    hub = FakeHub()

    @on_login(hub, "secret")
    async def secret(sock, value):
        if value == "bad":
            raise ApiError("Bad value")
        return ok(value=value)

    @on(hub, "open")
    async def open_(sock):
        return ok()

    assert await hub.handlers["secret"](FakeSock(), 1) == {"ok": False, "msg": "You are not logged in."}
    assert await hub.handlers["secret"](FakeSock(1), 1) == {"ok": True, "value": 1}
    assert await hub.handlers["secret"](FakeSock(1), "bad") == {"ok": False, "msg": "Bad value"}
    assert await hub.handlers["open"](FakeSock()) == {"ok": True}
    assert await guarded(secret)(FakeSock(), 1) == {"ok": False, "msg": "You are not logged in."}
