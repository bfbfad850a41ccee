"""Connection behaviour and account events (socketio-events.md §1, §3.1, §4).

On connect: reduced `info`, `setup` when no user exists, then `autoLogin` (auth disabled: the first user
is logged in) or `loginRequired`. Login replies follow the spec's order of checks exactly; the afterLogin
burst (kuma/api/burst.py) is sent before the login ack.
"""
from __future__ import annotations

import logging
from typing import Any


from kuma.accounts import totp
from kuma.accounts.info import info_payload
from kuma.accounts.jwt import InvalidToken, decode_token, make_token, token_matches_password
from kuma.accounts.passwords import hash_password_async, is_too_weak, needs_rehash, verify_password_async
from kuma.accounts.ratelimit import LOGIN_MESSAGE, TWOFA_MESSAGE
from kuma.api.burst import after_login
from kuma.api.common import ApiError, current_user_id, fail, ok, ok_i18n, on, on_login, require_login, verify_current_password
from kuma.store import users as users_store
from kuma.store.settings import get_setting, set_setting
from kuma.timezones import valid_timezone

log = logging.getLogger(__name__)

ALREADY_INITIALISED = "Uptime Kuma has been initialized. If you want to run setup again, please delete the database."


def _remote(sock: Any) -> str:
    return getattr(sock, "remote_addr", "?")


async def _user(app, user_id: int) -> dict[str, Any] | None:
    return await app.db.read(lambda db: users_store.get_user(db, user_id))


async def disconnect_other_sockets(app: Any, sock: Any, user_id: int) -> None:
    """Every other socket of this user gets `refresh` and is disconnected (password change, auth re-enabled)."""
    hub = app.hub
    for other in list(hub.sockets_in_room(str(user_id))):
        if other is sock or getattr(other, "sid", None) == getattr(sock, "sid", None):
            continue
        try:
            await other.emit("refresh")
            await other.disconnect()
        except Exception:  # a socket that is already gone
            log.debug("could not disconnect socket %s", getattr(other, "sid", "?"), exc_info=True)


def logout_socket(sock: Any) -> None:
    user_id = current_user_id(sock)
    if user_id is not None:
        sock.leave(str(user_id))
    sock.session.pop("user_id", None)


def register(hub: Any, app: Any) -> None:
    state = app.accounts

    async def on_connect(sock: Any) -> None:
        await sock.emit("info", await info_payload(app, full=False))
        if state.need_setup:
            await sock.emit("setup")
        disable_auth = await app.db.read(lambda db: get_setting(db, "disableAuth", False))
        if disable_auth:
            user = await app.db.read(users_store.first_user)
            if user is not None:
                await after_login(app, sock, user)
                await sock.emit("autoLogin")
                return
        await sock.emit("loginRequired")

    hub.on_connect(on_connect)

    # -- setup -------------------------------------------------------------------------------
    @on(hub, "needSetup")
    async def need_setup(sock, *rest):
        return state.need_setup

    @on(hub, "setup")
    async def setup(sock, username=None, password=None, *rest):
        if is_too_weak(password):
            return fail("passwordTooWeak", msgi18n=True)
        if not isinstance(username, str) or not username.strip():
            return fail("Invalid username", msgi18n=False)
        password_hash = await hash_password_async(password)

        def create(db):
            if users_store.count_users(db) > 0:
                return None
            return users_store.create_user(db, username, password_hash)

        user_id = await app.db.write(create)
        if user_id is None:
            return fail(ALREADY_INITIALISED, msgi18n=False)
        state.need_setup = False
        log.info("set up: created user %r", username)
        return ok_i18n("successAdded")

    # -- login -------------------------------------------------------------------------------
    @on(hub, "login")
    async def login(sock, data=None, *rest):
        if not isinstance(data, dict):
            return fail("authIncorrectCreds", msgi18n=True)
        if not state.limits.login.try_take():
            return fail(LOGIN_MESSAGE)
        username, password = data.get("username"), data.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not password:
            return fail("authIncorrectCreds", msgi18n=True)
        user = await app.db.read(lambda db: users_store.find_active_user(db, username))
        if user is None or not await verify_password_async(password, user["password"]):
            log.info("failed login for %r from %s", username, _remote(sock))
            return fail("authIncorrectCreds", msgi18n=True)
        if needs_rehash(user["password"]):
            new_hash = await hash_password_async(password)
            await app.db.write(lambda db: users_store.set_password_hash(db, user["id"], new_hash))
            user = {**user, "password": new_hash}

        code = data.get("token")
        if user["twofa_status"]:
            if not code:
                return {"tokenRequired": True}
            if not totp.verify_code(user["twofa_secret"], str(code), user["twofa_last_token"], at=app.clock.time()):
                return fail("authInvalidToken", msgi18n=True)
            await app.db.write(lambda db: users_store.set_twofa_last_token(db, user["id"], str(code).strip()))
        await after_login(app, sock, user)
        log.info("user %r logged in from %s", user["username"], _remote(sock))
        return ok(token=make_token(user["username"], user["password"], state.jwt_secret, now=app.clock.time()))

    @on(hub, "loginByToken")
    async def login_by_token(sock, token=None, *rest):
        try:
            payload = decode_token(token, state.jwt_secret)
        except InvalidToken:
            return fail("authInvalidToken", msgi18n=True)
        user = await app.db.read(
            lambda db: db.conn.execute(
                "SELECT * FROM user WHERE username = ? AND active = 1", (payload["username"],)
            ).fetchone()
        )
        if user is None:
            return fail("authUserInactiveOrDeleted", msgi18n=True)
        user = dict(user)
        if not token_matches_password(payload, user["password"]):
            return fail("authInvalidToken", msgi18n=True)
        await after_login(app, sock, user)
        return ok()

    @on(hub, "logout")
    async def logout(sock, *rest):
        if not state.limits.login.try_take():
            return fail(LOGIN_MESSAGE)
        logout_socket(sock)
        return None  # Uptime Kuma acks logout with no argument

    # -- password ----------------------------------------------------------------------------
    @on_login(hub, "changePassword")
    async def change_password(sock, password=None, *rest):
        user_id = require_login(sock)
        new_password = password.get("newPassword") if isinstance(password, dict) else None
        if not new_password or not isinstance(new_password, str):
            return fail("Invalid new password", msgi18n=False)
        if is_too_weak(new_password):
            return fail("passwordTooWeak", msgi18n=True)
        current = password.get("currentPassword")
        user = await _user(app, user_id)
        if user is None or not isinstance(current, str) or not await verify_password_async(current, user["password"]):
            return fail("Incorrect current password", msgi18n=False)
        new_hash = await hash_password_async(new_password)
        await app.db.write(lambda db: users_store.set_password_hash(db, user_id, new_hash))
        await disconnect_other_sockets(app, sock, user_id)
        return {"ok": True, "token": make_token(user["username"], new_hash, state.jwt_secret, now=app.clock.time()),
                "msg": "successAuthChangePassword", "msgi18n": True}

    # -- 2FA ---------------------------------------------------------------------------------
    async def _twofa_guard(sock, current_password) -> dict[str, Any]:
        user_id = require_login(sock)
        if not state.limits.twofa.try_take():
            raise ApiError(TWOFA_MESSAGE)
        await verify_current_password(app, user_id, current_password)
        user = await _user(app, user_id)
        if user is None:
            raise ApiError("User not found")
        return user

    @on_login(hub, "prepare2FA")
    async def prepare_2fa(sock, current_password=None, *rest):
        user = await _twofa_guard(sock, current_password)
        if user["twofa_status"]:
            return fail("2faAlreadyEnabled", msgi18n=True)
        secret = totp.generate_secret()
        await app.db.write(lambda db: users_store.set_twofa_secret(db, user["id"], secret))
        return ok(uri=totp.otpauth_uri(user["username"], secret))

    @on_login(hub, "save2FA")
    async def save_2fa(sock, current_password=None, *rest):
        user = await _twofa_guard(sock, current_password)
        await app.db.write(lambda db: users_store.set_twofa_status(db, user["id"], True))
        return ok_i18n("2faEnabled")

    @on_login(hub, "disable2FA")
    async def disable_2fa(sock, current_password=None, *rest):
        user = await _twofa_guard(sock, current_password)
        await app.db.write(lambda db: users_store.set_twofa_status(db, user["id"], False))
        return ok_i18n("2faDisabled")

    @on_login(hub, "verifyToken")
    async def verify_token(sock, code=None, current_password=None, *rest):
        user_id = require_login(sock)
        await verify_current_password(app, user_id, current_password)
        user = await _user(app, user_id)
        if user is not None and totp.verify_code(user["twofa_secret"], code if isinstance(code, str) else str(code),
                                                 user["twofa_last_token"], at=app.clock.time()):
            return ok(valid=True)
        return fail("authInvalidToken", msgi18n=True, valid=False)

    @on_login(hub, "twoFAStatus")
    async def twofa_status(sock, *rest):
        user = await _user(app, require_login(sock))
        return ok(status=bool(user and user["twofa_status"] == 1))

    # -- other sockets, timezone -------------------------------------------------------------
    @on_login(hub, "disconnectOtherSocketClients")
    async def disconnect_others(sock, *rest):
        await disconnect_other_sockets(app, sock, require_login(sock))
        return None

    @on_login(hub, "initServerTimezone")
    async def init_server_timezone(sock, timezone=None, *rest):
        require_login(sock)

        def store(db):
            set_setting(db, "initServerTimezone", True)
            if valid_timezone(timezone):
                set_setting(db, "serverTimezone", timezone, "general")

        await app.db.write(store)
        await sock.emit("info", await info_payload(app, full=True))
        return None
