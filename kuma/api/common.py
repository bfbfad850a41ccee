"""Helpers every Socket.IO handler module shares: the login check, error replies, reply builders.

Uptime Kuma's handlers throw on a failed check and a generic catch acks `{ok: false, msg}`. kuma does
the same: raise `ApiError` (or call `require_login`) anywhere in a handler. Handlers registered with
`on(hub, name)` get the error's `reply()` as their ack without a logged traceback; with plain `hub.on`
the hub's generic catch still acks `{ok: false, msg: str(exc)}`, which is the same shape for the plain
errors (`NotLoggedIn`, `ApiError(msg)`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from kuma.domain.accounts import verify_current_password  # noqa: F401 - re-exported for the handler modules
from kuma.domain.errors import DomainError
from kuma.domain.values import to_int  # noqa: F401 - re-exported for the handler modules

log = logging.getLogger(__name__)

NOT_LOGGED_IN = "You are not logged in."


class ApiError(DomainError):
    """A handler failure whose ack is `{ok: false, msg[, msgi18n][, **extra]}` (see `DomainError`).

    Handlers may raise either; domain functions raise `DomainError` (they know no sockets).
    """


class NotLoggedIn(ApiError):
    def __init__(self) -> None:
        super().__init__(NOT_LOGGED_IN)


def current_user_id(sock: Any) -> int | None:
    """The logged-in user's id of a socket, or None (works with the hub's Socket and test doubles)."""
    user_id = getattr(sock, "user_id", None)
    if user_id is None:
        session = getattr(sock, "session", None)
        if isinstance(session, dict):
            user_id = session.get("user_id")
    return user_id


def require_login(sock: Any) -> int:
    """Uptime Kuma's checkLogin: the socket's user id, or raise NotLoggedIn ("You are not logged in.")."""
    user_id = current_user_id(sock)
    if user_id is None:
        raise NotLoggedIn()
    return int(user_id)


def ok(msg: Any = None, *, msgi18n: bool | None = None, **extra: Any) -> dict[str, Any]:
    """`{ok: true[, msg][, msgi18n][, **extra]}` in that key order (the usual success ack)."""
    reply: dict[str, Any] = {"ok": True}
    if msg is not None:
        reply["msg"] = msg
        if msgi18n is not None:
            reply["msgi18n"] = msgi18n
    reply.update(extra)
    return reply


def ok_i18n(msg: str, **extra: Any) -> dict[str, Any]:
    """`{ok: true, msg: <i18n key>, msgi18n: true, **extra}` — e.g. ok_i18n("successAdded", monitorID=3)."""
    return ok(msg, msgi18n=True, **extra)


def fail(msg: Any, *, msgi18n: bool | None = None, **extra: Any) -> dict[str, Any]:
    """`{ok: false, msg[, msgi18n][, **extra]}`."""
    reply: dict[str, Any] = {"ok": False, "msg": msg}
    if msgi18n is not None:
        reply["msgi18n"] = msgi18n
    reply.update(extra)
    return reply


Handler = Callable[..., Awaitable[Any]]


def guarded(fn: Handler) -> Handler:
    """Wrap a handler so a DomainError (ApiError) becomes its ack instead of a logged exception."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await fn(*args, **kwargs)
        except DomainError as exc:
            return exc.reply()

    return wrapper


def on(hub: Any, event: str) -> Callable[[Handler], Handler]:
    """`@on(hub, "event")`: `hub.on(event)` with ApiError turned into the ack (see module docstring)."""

    def decorator(fn: Handler) -> Handler:
        wrapped = guarded(fn)
        hub.on(event)(wrapped)
        return wrapped

    return decorator


def on_login(hub: Any, event: str) -> Callable[[Handler], Handler]:
    """`@on_login(hub, "event")`: like `on`, and refuses with "You are not logged in." before the handler runs.

    The handler still receives the socket first; read the user id with `require_login(sock)`.
    """

    def decorator(fn: Handler) -> Handler:
        @functools.wraps(fn)
        async def checked(sock: Any, *args: Any) -> Any:
            require_login(sock)
            return await fn(sock, *args)

        return on(hub, event)(checked)

    return decorator


def after_ack(app: Any, sock: Any, fn: Callable[[], Awaitable[Any]]) -> None:
    """Run `fn` after this handler's ack has been sent (Uptime Kuma calls the callback, then emits lists).

    Uses the hub's `sock.after_ack(fn)` when it offers one; otherwise the work is spawned in the services
    nursery, which starts only after the handler returned (its first await is a database read).
    """
    hook = getattr(sock, "after_ack", None)
    if callable(hook):
        hook(fn)
        return

    async def run() -> None:
        try:
            await fn()
        except Exception:
            log.exception("work after ack failed")

    if app.nursery is not None:
        app.nursery.start_soon(run)


ListBuilder = Callable[[Any, Any], Awaitable[Any]]


class UserList:
    """One of a user's lists (`monitorList`, `proxyList` …): `build(app, user_id)` sent to their room, and
    the handler bodies that change an item and then send the list before the ack."""

    def __init__(self, event: str, build: ListBuilder) -> None:
        self.event = event
        self.build = build

    async def send(self, app: Any, user_id: Any) -> None:
        """The whole list to the user's room."""
        await app.hub.emit(self.event, await self.build(app, user_id), room=str(user_id))

    async def get(self, app: Any, sock: Any) -> dict[str, Any]:
        """A `get…List` event: the list to the room, then `{ok: true}`."""
        await self.send(app, require_login(sock))
        return ok()

    def save_handler(self, save: Callable[..., Awaitable[Any]]) -> Handler:
        """An `add…(item, id)` handler: `save(app, user_id, item, id)`, the list, `{ok, "Saved.", id}`."""

        async def handler(app: Any, sock: Any, item: Any = None, item_id: Any = None, *rest: Any) -> dict[str, Any]:
            user_id = require_login(sock)
            saved_id = await save(app, user_id, item, item_id)
            await self.send(app, user_id)
            return ok_i18n("Saved.", id=saved_id)

        return handler

    def delete_handler(self, delete: Callable[..., Awaitable[Any]]) -> Handler:
        """A `delete…(id)` handler: `delete(app, user_id, id)`, the list, `{ok, "successDeleted"}`."""

        async def handler(app: Any, sock: Any, item_id: Any = None, *rest: Any) -> dict[str, Any]:
            user_id = require_login(sock)
            await delete(app, user_id, item_id)
            await self.send(app, user_id)
            return ok_i18n("successDeleted")

        return handler


class Events:
    """A module's table of Socket.IO handlers: module-level `async def handler(app, sock, *args)` functions,
    bound to the app and put on the hub by `register(hub, app)`.

    `@events.login("add")` is `on_login` (login check, then DomainError → ack), `@events.public("needSetup")`
    is `on` (DomainError → ack, no login check). Handlers stay plain functions, so a test can call
    `add_monitor(app, sock, monitor)` directly; `events.handlers` maps event names to them.
    """

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self._login: dict[str, bool] = {}

    def _add(self, event: str, needs_login: bool) -> Callable[[Handler], Handler]:
        def decorator(fn: Handler) -> Handler:
            if event in self.handlers:
                raise ValueError(f"two handlers for {event!r}")
            self.handlers[event] = fn
            self._login[event] = needs_login
            return fn

        return decorator

    def login(self, event: str) -> Callable[[Handler], Handler]:
        """Register a handler that needs a logged-in socket."""
        return self._add(event, True)

    def public(self, event: str) -> Callable[[Handler], Handler]:
        """Register a handler any socket may call."""
        return self._add(event, False)

    def register(self, hub: Any, app: Any) -> None:
        """Put every handler on the hub, in declaration order, with `app` bound as its first argument."""
        for event, fn in self.handlers.items():
            (on_login if self._login[event] else on)(hub, event)(_bind(fn, app))


def _bind(fn: Handler, app: Any) -> Handler:
    @functools.wraps(fn)
    async def bound(sock: Any, *args: Any) -> Any:
        return await fn(app, sock, *args)

    return bound
