"""Account operations (socketio-events.md §1, §3.1, §4): setup, login, password change, 2FA, timezone.

The checks keep the spec's order exactly (rate limit, input, lookup, password, 2FA code), since which
message a client gets for a given mistake is part of the wire. Sessions (rooms, the afterLogin burst,
disconnecting other sockets) are the caller's business.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kuma.accounts import totp
from kuma.accounts.jwt import InvalidToken, decode_token, make_token, token_matches_password
from kuma.accounts.passwords import (
    hash_password_async,
    is_too_weak,
    needs_rehash,
    verify_password_async,
    verify_user_password,
)
from kuma.accounts.ratelimit import LOGIN_MESSAGE, TWOFA_MESSAGE
from kuma.domain.errors import DomainError
from kuma.store import users as users_store
from kuma.store.settings import set_setting
from kuma.timezones import valid_timezone

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)

ALREADY_INITIALISED = "Uptime Kuma has been initialized. If you want to run setup again, please delete the database."


class TokenRequired(DomainError):
    """The password was right and the user has 2FA on: the client must send the code (`{tokenRequired: true}`)."""

    def __init__(self) -> None:
        super().__init__("tokenRequired")

    def reply(self) -> dict[str, Any]:
        return {"tokenRequired": True}


def _incorrect() -> DomainError:
    return DomainError("authIncorrectCreds", msgi18n=True)


def _invalid_token() -> DomainError:
    return DomainError("authInvalidToken", msgi18n=True)


async def verify_current_password(app: App, user_id: int, password: Any) -> None:
    """DomainError("Incorrect current password") unless `password` is the user's password (every
    "currentPassword" check: 2FA, setSettings …). Non-string input is "Wrong data type?" as in Uptime Kuma."""
    if not isinstance(password, str):
        raise DomainError("Wrong data type?")
    if not await verify_user_password(app, user_id, password):
        raise DomainError("Incorrect current password")


async def setup(app: App, username: Any, password: Any) -> int:
    """Create the first user; refused once one exists. Returns the new user's id."""
    if is_too_weak(password):
        raise DomainError("passwordTooWeak", msgi18n=True)
    if not isinstance(username, str) or not username.strip():
        raise DomainError("Invalid username", msgi18n=False)
    password_hash = await hash_password_async(password)

    def create(db: Any) -> int | None:
        if users_store.count_users(db) > 0:
            return None
        return users_store.create_user(db, username, password_hash)

    user_id = await app.db.write(create)
    if user_id is None:
        raise DomainError(ALREADY_INITIALISED, msgi18n=False)
    app.accounts.need_setup = False
    log.info("set up: created user %r", username)
    return user_id


async def _second_factor(app: App, user: dict[str, Any], code: Any) -> None:
    if not code:
        raise TokenRequired()
    if not totp.verify_code(user["twofa_secret"], str(code), user["twofa_last_token"], at=app.clock.time()):
        raise _invalid_token()
    await app.db.write(lambda db: users_store.set_twofa_last_token(db, user["id"], str(code).strip()))


async def login(app: App, data: Any, remote: str = "?") -> dict[str, Any]:
    """Check `{username, password[, token]}`; returns the user row (re-hashed when its hash was legacy).
    Raises TokenRequired when the 2FA code is missing."""
    if not isinstance(data, dict):
        raise _incorrect()
    if not app.accounts.limits.login.try_take():
        raise DomainError(LOGIN_MESSAGE)
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not password:
        raise _incorrect()
    user = await app.db.read(lambda db: users_store.find_active_user(db, username))
    if user is None or not await verify_password_async(password, user["password"]):
        log.info("failed login for %r from %s", username, remote)
        raise _incorrect()
    if needs_rehash(user["password"]):
        new_hash, user_id = await hash_password_async(password), user["id"]
        await app.db.write(lambda db: users_store.set_password_hash(db, user_id, new_hash))
        user = {**user, "password": new_hash}
    if user["twofa_status"]:
        await _second_factor(app, user, data.get("token"))
    return user


def token_for(app: App, user: dict[str, Any]) -> str:
    """A fresh JWT for the user (invalidated by the next password change)."""
    return make_token(user["username"], user["password"], app.accounts.jwt_secret, now=app.clock.time())


async def login_by_token(app: App, token: Any) -> dict[str, Any]:
    """The active user a JWT names, if it still matches their password; else a DomainError."""
    try:
        payload = decode_token(token, app.accounts.jwt_secret)
    except InvalidToken:
        raise _invalid_token() from None
    user = await app.db.read(lambda db: users_store.find_active_user_exact(db, payload["username"]))
    if user is None:
        raise DomainError("authUserInactiveOrDeleted", msgi18n=True)
    if not token_matches_password(payload, user["password"]):
        raise _invalid_token()
    return user


def check_logout_limit(app: App) -> None:
    """Logout shares the login bucket, as in Uptime Kuma."""
    if not app.accounts.limits.login.try_take():
        raise DomainError(LOGIN_MESSAGE)


async def change_password(app: App, user_id: int, password: Any) -> str:
    """`{currentPassword, newPassword}` → store the new hash; returns a token for the new password."""
    new_password = password.get("newPassword") if isinstance(password, dict) else None
    if not new_password or not isinstance(new_password, str):
        raise DomainError("Invalid new password", msgi18n=False)
    if is_too_weak(new_password):
        raise DomainError("passwordTooWeak", msgi18n=True)
    current = password.get("currentPassword")
    user = await app.db.read(lambda db: users_store.get_user(db, user_id))
    if user is None or not isinstance(current, str) or not await verify_password_async(current, user["password"]):
        raise DomainError("Incorrect current password", msgi18n=False)
    new_hash = await hash_password_async(new_password)
    await app.db.write(lambda db: users_store.set_password_hash(db, user_id, new_hash))
    return token_for(app, {**user, "password": new_hash})


# -- 2FA -----------------------------------------------------------------------------------------------


async def _twofa_user(app: App, user_id: int, current_password: Any) -> dict[str, Any]:
    """Rate limit, current password, then the user row: what every 2FA change checks first."""
    if not app.accounts.limits.twofa.try_take():
        raise DomainError(TWOFA_MESSAGE)
    await verify_current_password(app, user_id, current_password)
    user = await app.db.read(lambda db: users_store.get_user(db, user_id))
    if user is None:
        raise DomainError("User not found")
    return user


async def prepare_2fa(app: App, user_id: int, current_password: Any) -> str:
    """Store a new TOTP secret (2FA not on yet); returns its otpauth:// URI."""
    user = await _twofa_user(app, user_id, current_password)
    if user["twofa_status"]:
        raise DomainError("2faAlreadyEnabled", msgi18n=True)
    secret = totp.generate_secret()
    await app.db.write(lambda db: users_store.set_twofa_secret(db, user["id"], secret))
    return totp.otpauth_uri(user["username"], secret)


async def set_2fa(app: App, user_id: int, current_password: Any, enabled: bool) -> None:
    """Turn 2FA on (with the prepared secret) or off."""
    user = await _twofa_user(app, user_id, current_password)
    await app.db.write(lambda db: users_store.set_twofa_status(db, user["id"], enabled))


async def verify_2fa_code(app: App, user_id: int, code: Any, current_password: Any) -> None:
    """DomainError("authInvalidToken", valid=false) unless `code` is a current TOTP code of the user."""
    await verify_current_password(app, user_id, current_password)
    user = await app.db.read(lambda db: users_store.get_user(db, user_id))
    text = code if isinstance(code, str) else str(code)
    if user is None or not totp.verify_code(user["twofa_secret"], text, user["twofa_last_token"], at=app.clock.time()):
        raise DomainError("authInvalidToken", msgi18n=True, valid=False)


async def twofa_enabled(app: App, user_id: int) -> bool:
    """Whether the user has 2FA on."""
    user = await app.db.read(lambda db: users_store.get_user(db, user_id))
    return bool(user and user["twofa_status"] == 1)


async def init_server_timezone(app: App, timezone: Any) -> None:
    """The first dashboard's browser timezone becomes the server's (if valid); asked only once."""

    def store(db: Any) -> None:
        set_setting(db, "initServerTimezone", True)
        if valid_timezone(timezone):
            set_setting(db, "serverTimezone", timezone, "general")

    await app.db.write(store)
