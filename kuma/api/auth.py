"""Connection behaviour and account events (socketio-events.md §1, §3.1, §4) over `kuma.domain.accounts`.

On connect: reduced `info`, `setup` when no user exists, then `autoLogin` (auth disabled: the first user
is logged in) or `loginRequired`. The checks and their messages live in the domain; this module keeps the
session side: the socket's room, the afterLogin burst (kuma/api/burst.py, sent before the login ack) and
disconnecting a user's other sockets.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import trio

from kuma.accounts import jwt as tokens
from kuma.accounts.info import info_from, info_payload, read_info_settings
from kuma.api import legacy_lists, named_args
from kuma.api.burst import after_login
from kuma.api.common import Events, current_user_id, ok, ok_i18n, require_login
from kuma.domain import accounts as domain
from kuma.domain.accounts import ALREADY_INITIALISED  # noqa: F401 - kept importable from here
from kuma.store import users as users_store
from kuma.store.settings import get_setting

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)
events = Events()


def _remote(sock: Any) -> str:
    return getattr(sock, "remote_addr", "?")


async def disconnect_other_sockets(app: App, sock: Any, user_id: int) -> None:
    """Every other socket of this user gets `refresh` and is disconnected (password change, auth re-enabled)."""
    for other in list(app.hub.sockets_in_room(str(user_id))):
        if other is sock or getattr(other, "sid", None) == getattr(sock, "sid", None):
            continue
        try:
            await other.emit("refresh")
            await other.disconnect()
        except Exception:  # a socket that is already gone
            log.debug("could not disconnect socket %s", getattr(other, "sid", "?"), exc_info=True)


def logout_socket(sock: Any) -> None:
    """Leave the user's room and forget the login of this socket."""
    user_id = current_user_id(sock)
    if user_id is not None:
        sock.leave(str(user_id))
    sock.session.pop("user_id", None)


def _connect_reader(db: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """What a connect needs, in one reader job (a thousand connects at once are a thousand thread hops):
    the settings of the reduced `info`, and the user to log in when auth is disabled (else None)."""
    user = users_store.first_user(db) if get_setting(db, "disableAuth", False) else None
    return read_info_settings(db), user


async def _connect_state(app: App) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """`_connect_reader`'s result, read once for all the connects that come while no setting or user
    changes (`app.bursts`, keyed by the database's non-beat writes): a thousand connects, one reader job."""

    async def read() -> tuple[dict[str, Any], dict[str, Any] | None]:
        with app.db.bulk_reads():  # a read still leaves a reader for acks and pushes
            return await app.db.read(_connect_reader)

    settings, user = await app.bursts.get(("connect",), app.db.changes, trio.current_time(), read, lambda _: 0)
    return settings, (dict(user) if user is not None else None)


async def on_connect(app: App, sock: Any) -> None:
    """Reduced `info`, `setup` if needed, then autoLogin (auth disabled) or loginRequired."""
    settings, user = await _connect_state(app)
    await sock.emit("info", info_from(app, settings, full=False))
    if app.accounts.need_setup:
        await sock.emit("setup")
    if user is None:
        if not tokens.loaded():  # the first socket that must log in: sign its token without an import
            app.start_soon(trio.to_thread.run_sync, tokens.preload)
        await sock.emit("loginRequired")
        return
    with legacy_lists.busy(app, user["id"]):  # the burst runs until autoLogin
        await after_login(app, sock, user)
        await sock.emit("autoLogin")


# -- setup and login -----------------------------------------------------------------------------------


@events.public("needSetup")
async def need_setup(app: App, sock: Any, *rest: Any) -> bool:
    return app.accounts.need_setup


@events.public("setup")
async def setup(app: App, sock: Any, username: Any = None, password: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.setup(app, username, password)
    return ok_i18n("successAdded")


@events.public("login")
async def login(app: App, sock: Any, data: Any = None, *rest: Any) -> dict[str, Any]:
    with app.db.bulk_reads():  # as the burst that follows: logins never take the last reader
        user = await domain.login(app, data, _remote(sock))
    await after_login(app, sock, user)
    log.info("user %r logged in from %s", user["username"], _remote(sock))
    return ok(token=domain.token_for(app, user))


@events.public("loginByToken")
async def login_by_token(app: App, sock: Any, token: Any = None, *rest: Any) -> dict[str, Any]:
    with app.db.bulk_reads():  # as the burst that follows: logins never take the last reader
        user = await domain.login_by_token(app, token)
    await after_login(app, sock, user)
    return ok()


@events.public("logout")
async def logout(app: App, sock: Any, *rest: Any) -> None:
    domain.check_logout_limit(app)
    logout_socket(sock)
    return None  # Uptime Kuma acks logout with no argument


# -- password and 2FA ----------------------------------------------------------------------------------


@events.login("changePassword")
async def change_password(app: App, sock: Any, password: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)
    token = await domain.change_password(app, user_id, named_args.passwords(password))
    await disconnect_other_sockets(app, sock, user_id)
    return {"ok": True, "token": token, "msg": "successAuthChangePassword", "msgi18n": True}


@events.login("prepare2FA")
async def prepare_2fa(app: App, sock: Any, current_password: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(uri=await domain.prepare_2fa(app, require_login(sock), current_password))


@events.login("save2FA")
async def save_2fa(app: App, sock: Any, current_password: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.set_2fa(app, require_login(sock), current_password, True)
    return ok_i18n("2faEnabled")


@events.login("disable2FA")
async def disable_2fa(app: App, sock: Any, current_password: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.set_2fa(app, require_login(sock), current_password, False)
    return ok_i18n("2faDisabled")


@events.login("verifyToken")
async def verify_token(
    app: App, sock: Any, code: Any = None, current_password: Any = None, *rest: Any
) -> dict[str, Any]:
    await domain.verify_2fa_code(app, require_login(sock), code, current_password)
    return ok(valid=True)


@events.login("twoFAStatus")
async def twofa_status(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    return ok(status=await domain.twofa_enabled(app, require_login(sock)))


# -- other sockets, timezone ---------------------------------------------------------------------------


@events.login("disconnectOtherSocketClients")
async def disconnect_others(app: App, sock: Any, *rest: Any) -> None:
    await disconnect_other_sockets(app, sock, require_login(sock))
    return None


@events.login("initServerTimezone")
async def init_server_timezone(app: App, sock: Any, timezone: Any = None, *rest: Any) -> None:
    await domain.init_server_timezone(app, timezone)
    await sock.emit("info", await info_payload(app, full=True))
    return None


def register(hub: Any, app: App) -> None:
    """The connect behaviour and every account event on the hub."""

    async def connected(sock: Any) -> None:
        await on_connect(app, sock)

    hub.on_connect(connected)
    events.register(hub, app)
