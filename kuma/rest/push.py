"""`/api/push/:pushToken` (every method): a push agent reports a beat for a push monitor.

The reply is sent only after the engine's `record_push` has committed the beat (urgent write), so an
acknowledged push is never lost. Query parameters only; the body is ignored.

The hot path: a connection that only pushes is served before h11 (`push_front`, `push_wire`); others
reach raw ASGI in front of Quart (`mount`, as `/socket.io/` is): no request context, the token looked
up in the engine's memory (the database only when the monitor is not running). Both answer with
`reply`. The Quart route stays for the route list and answers the same way.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import sqlite_utils
from quart import request
from quart_trio import QuartTrio

from kuma.app import App
from kuma.monitoring.storing import MonitorInactive
from kuma.rest import push_front
from kuma.rest.jsonwire import JSON_CONTENT_TYPE, dumps
from kuma.rest.public_http import json_body, weak_etag
from kuma.rest.push_wire import PushRequest
from kuma.status import DOWN as DOWN  # the one definition, re-exported here
from kuma.status import UP as UP
from kuma.store import monitors

log = logging.getLogger(__name__)

MAX_PING = 100_000_000_000
NOT_FOUND = "Monitor not found or not active."
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
PREFIX = "/api/push/"
OK_BODY = b'{"ok":true}'

Scope = dict[str, Any]
Send = Callable[[dict], Awaitable[None]]
_PING = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Infinity)")


class PushError(Exception):
    pass


def parse_push_query(args: Mapping[str, str]) -> tuple[int, str, float | None]:
    """(status, msg, ping) from the query: `status=up` exactly is UP, anything else DOWN."""
    status = UP if args.get("status", "up") == "up" else DOWN
    msg = args.get("msg", "OK")
    ping = parse_ping(args.get("ping"))
    return status, msg, ping


def parse_ping(raw: str | None) -> float | None:
    """JavaScript parseFloat semantics: leading number or nothing; 0 means no ping."""
    if raw is None:
        return None
    m = _PING.match(raw)
    if not m:
        return None
    value = float(m.group(1).replace("Infinity", "inf"))
    if value == 0 or math.isnan(value):
        return None
    if value < 0 or value > MAX_PING:
        raise PushError("Invalid ping value. Must be between 0 and 100000000000 ms.")
    return int(value) if value.is_integer() else value


def query_args(query_string: bytes) -> dict[str, str]:
    """The query as Quart's `request.args.get` sees it: first value of each name, blanks kept."""
    args: dict[str, str] = {}
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8"):
        args.setdefault(name, value)
    return args


def find_push_monitor(db: sqlite_utils.Database, token: str) -> dict | None:
    """The active monitor holding this push token (`kuma.store.monitors.by_push_token`)."""
    return monitors.by_push_token(db, token)


async def answer(app: App, token: str, args: Mapping[str, str]) -> dict[str, Any] | None:
    """None once the beat is committed (answer `{"ok":true}`), else the 404 body to send."""
    try:
        status, msg, ping = parse_push_query(args)
        monitor = app.monitoring.push_target(token)
        if monitor is None:  # not running (or booting): the database decides
            monitor = await app.db.read(lambda db: find_push_monitor(db, token))
        if monitor is None:
            raise PushError(NOT_FOUND)
        await app.monitoring.record_push(monitor, status, msg, ping)
    except PushError as exc:
        return {"ok": False, "msg": str(exc)}
    except MonitorInactive:  # paused or re-tokened since it was looked up: nothing was stored
        return {"ok": False, "msg": NOT_FOUND}
    except Exception as exc:  # Uptime Kuma answers every failure with 404 and the error text
        log.exception("push for token %s failed", token[:4])
        return {"ok": False, "msg": str(exc)}
    return None


def _headers(body: bytes, frame_header: bool) -> list[tuple[bytes, bytes]]:
    """What the Quart route sent: ETag, content type and length, X-Frame-Options."""
    etag = OK_ETAG if body is OK_BODY else weak_etag(body).encode()
    headers = [(b"etag", etag), (b"content-type", JSON_TYPE), (b"content-length", str(len(body)).encode())]
    if frame_header:
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    return headers


OK_ETAG = weak_etag(OK_BODY).encode()
JSON_TYPE = JSON_CONTENT_TYPE.encode()


def _not_modified(if_none_match: bytes | None, etag: bytes) -> bool:
    """The client's If-None-Match still matches (Express answers a 200 with 304 then)."""
    if if_none_match is None:
        return False
    bare = etag[2:]
    tags = [t.strip() for t in if_none_match.split(b",")]
    return any(t in (b"*", etag, bare) or (t.startswith(b"W/") and t[2:] == bare) for t in tags)


def if_none_match_of(scope: Scope) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"if-none-match":
            return value
    return None


def reply(
    failure: dict[str, Any] | None, method: str, if_none_match: bytes | None, frame_header: bool
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and body of the answer: the same for the ASGI path and `push_front`."""
    status, body = (200, OK_BODY) if failure is None else (404, dumps(failure).encode())
    headers = _headers(body, frame_header)
    if status == 200 and _not_modified(if_none_match, headers[0][1]):
        status, body = 304, b""
        headers[1:3] = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"0")]
    return status, headers, b"" if method == "HEAD" else body


async def serve_push(app: App, scope: Scope, send: Send, frame_header: bool) -> None:
    """One push as raw ASGI: the same status, headers and bytes as the Quart route."""
    token = scope["path"][len(PREFIX) :]
    failure = await answer(app, token, query_args(scope.get("query_string", b"")))
    status, headers, body = reply(failure, scope["method"], if_none_match_of(scope), frame_header)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def mount(web, app: App) -> None:
    """Serve `/api/push/<token>` in front of Quart; anything else (other paths, methods) goes on to Quart."""
    inner = web.asgi_app
    methods = frozenset(ALL_METHODS)
    frame_header = not app.config.disable_frame_sameorigin

    async def asgi_app(scope: Scope, receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] == "http"
            and path.startswith(PREFIX)
            and len(path) > len(PREFIX)
            and "/" not in path[len(PREFIX) :]
            and scope.get("method") in methods
        ):
            await serve_push(app, scope, send, frame_header)
        else:
            await inner(scope, receive, send)

    web.asgi_app = asgi_app  # an ASGI middleware, as kuma/realtime/endpoint.py

    async def answer_parsed(request: PushRequest) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        failure = await answer(app, request.token, query_args(request.query))
        return reply(failure, request.method.decode("ascii"), request.if_none_match, frame_header)

    setattr(web, push_front.FRONT_ATTR, push_front.PushFront(answer_parsed))  # plain pushes off the socket
    push_front.install()


def register(web: QuartTrio, app: App) -> None:
    @web.route("/api/push/<token>", methods=ALL_METHODS)
    async def push(token: str):
        failure = await answer(app, token, request.args)
        return json_body({"ok": True}) if failure is None else json_body(failure, status=404)
