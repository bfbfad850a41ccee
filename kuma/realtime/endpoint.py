"""`/socket.io/` on the Quart-Trio app: Engine.IO long-polling (GET/POST) and WebSocket, as raw ASGI.

Served in front of Quart (an ASGI middleware on `web.asgi_app`) so the bytes and headers are exactly
Engine.IO's and a broadcast costs one ASGI `send` per recipient, without a request context per frame.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import trio

from kuma.realtime import hypercorn_ws, ws_front
from kuma.realtime.connection import Connection
from kuma.realtime.engineio import POLLING, WEBSOCKET, ProtocolError
from kuma.realtime.hub import Hub
from kuma.realtime.hypercorn_ws import SEND_RAW, DirectWriter
from kuma.realtime.origin import needs_trust_proxy, origin_allowed
from kuma.realtime.wire import flatten, ws_messages

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]

UNKNOWN_TRANSPORT, UNKNOWN_SID, BAD_HANDSHAKE_METHOD, BAD_REQUEST, FORBIDDEN, UNSUPPORTED_PROTOCOL_VERSION = range(6)
ERROR_MESSAGES = {
    UNKNOWN_TRANSPORT: "Transport unknown",
    UNKNOWN_SID: "Session ID unknown",
    BAD_HANDSHAKE_METHOD: "Bad handshake method",
    BAD_REQUEST: "Bad request",
    FORBIDDEN: "Forbidden",
    UNSUPPORTED_PROTOCOL_VERSION: "Unsupported protocol version",
}
TEXT_PLAIN = b"text/plain; charset=UTF-8"


def mount(web, hub: Hub, read_trust_proxy: Callable[[], Awaitable[bool]]) -> None:
    """Serve the Engine.IO endpoint in front of the Quart app: `/socket.io/` never reaches Quart's routes.
    The one setting it needs (`trustProxy`, for the origin check behind a proxy) comes from the caller."""
    endpoint = Endpoint(hub, read_trust_proxy)
    inner = web.asgi_app

    async def asgi_app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope["path"].startswith(hub.path):
            await endpoint(scope, receive, send)
        else:
            await inner(scope, receive, send)

    web.asgi_app = asgi_app
    setattr(web, ws_front.FRONT_ATTR, ws_front.WsFront(endpoint, hub.path))  # plain websockets off the socket


def request_headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def remote_address(scope: Scope) -> str:
    client = scope.get("client")
    addr = client[0] if client else ""
    return addr[7:] if addr.startswith("::ffff:") else addr


class Endpoint:
    def __init__(self, hub: Hub, read_trust_proxy: Callable[[], Awaitable[bool]]) -> None:
        self.hub = hub
        self.read_trust_proxy = read_trust_proxy
        self.batch = hypercorn_ws.install()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        if scope["type"] == "websocket":
            await self.websocket(scope, query, receive, send)
        else:
            await self.http(scope, query, receive, send)

    # ---- HTTP long-polling -----------------------------------------------------------------------
    async def http(self, scope: Scope, query: dict[str, str], receive: Receive, send: Send) -> None:
        method = scope["method"]
        transport = query.get("transport")
        sid = query.get("sid")
        if transport not in (POLLING, WEBSOCKET):
            return await http_error(send, UNKNOWN_TRANSPORT)
        if sid:
            conn = self.hub.get_connection(sid)
            if conn is None:
                return await http_error(send, UNKNOWN_SID)
            if transport != POLLING or conn.session.transport != POLLING:
                return await http_error(send, BAD_REQUEST)
            if method == "GET":
                return await self.poll(conn, receive, send)
            if method == "POST":
                return await self.post(conn, receive, send)
            return await http_error(send, BAD_REQUEST)
        if method != "GET":
            return await http_error(send, BAD_HANDSHAKE_METHOD)
        if transport != POLLING:
            return await http_error(send, BAD_REQUEST)
        if query.get("EIO") != "4":
            return await http_error(send, UNSUPPORTED_PROTOCOL_VERSION)
        try:
            conn = self.hub.open_connection(POLLING, request_headers(scope), remote_address(scope))
        except RuntimeError:
            return await respond(send, 503, b"Service Unavailable", b"text/plain; charset=utf-8")
        await respond(send, 200, conn.session.handshake().encode(), TEXT_PLAIN)

    async def poll(self, conn: Connection, receive: Receive, send: Send) -> None:
        try:
            conn.session.begin_poll()
        except ProtocolError:
            conn._after_change()
            return await http_error(send, BAD_REQUEST)
        self.hub.transport_opened()
        try:
            body = await wait_for_payload(conn, receive)
        finally:
            conn.session.end_poll()  # may complete a websocket upgrade
            conn._after_change()
            self.hub.transport_closed()
        if body is None:  # the waiting poll's connection dropped: the client is gone, as Engine.IO decides
            conn.lost("transport error")
        elif body is LOST:  # the session lost its transport while this poll waited: fail it, the client reconnects
            await http_error(send, BAD_REQUEST)
        else:
            await respond(send, 200, body.encode("utf-8"), TEXT_PLAIN)

    async def post(self, conn: Connection, receive: Receive, send: Send) -> None:
        limit = conn.session.config.max_payload
        body = await read_body(receive, limit)
        if body is None:
            conn.lost("transport error")
            return await respond(send, 413, b"", b"text/html")
        try:
            conn.receive_polling(body, trio.current_time())
        except ProtocolError:
            return await http_error(send, BAD_REQUEST)
        await respond(send, 200, b"ok", b"text/html")

    # ---- WebSocket -------------------------------------------------------------------------------
    async def websocket(self, scope: Scope, query: dict[str, str], receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        headers = request_headers(scope)
        transport = query.get("transport")
        sid = query.get("sid")
        if transport not in (POLLING, WEBSOCKET):
            return await upgrade_error(send, UNKNOWN_TRANSPORT)
        if not await self.origin_ok(headers):
            return await upgrade_error(send, FORBIDDEN)
        conn: Connection | None
        if sid:
            conn = self.hub.get_connection(sid)
            if conn is None:
                return await upgrade_error(send, UNKNOWN_SID)
            if transport != WEBSOCKET or conn.session.transport != POLLING or conn.session.upgrading:
                return await upgrade_error(send, BAD_REQUEST)
            direct = DirectWriter()
            await send(self.accept_message(direct))
            self.hub.transport_opened()
            try:
                if await self.probe(conn, receive, send):
                    await self.run_websocket(conn, receive, send, direct)
            finally:
                self.hub.transport_closed()
            return
        if transport != WEBSOCKET:
            return await upgrade_error(send, BAD_REQUEST)
        if query.get("EIO") != "4":
            return await upgrade_error(send, UNSUPPORTED_PROTOCOL_VERSION)
        try:
            conn = self.hub.open_connection(WEBSOCKET, headers, remote_address(scope))
        except RuntimeError:
            return await upgrade_error(send, BAD_REQUEST)
        direct = DirectWriter()
        await send(self.accept_message(direct))
        self.hub.transport_opened()
        try:
            await send({"type": "websocket.send", "text": conn.session.handshake()})
            await self.run_websocket(conn, receive, send, direct)
        finally:
            self.hub.transport_closed()

    def accept_message(self, direct: DirectWriter) -> dict:
        if self.batch:
            return {"type": "websocket.accept", "kuma_no_extensions": True, "kuma_direct": direct}
        return {"type": "websocket.accept"}

    async def origin_ok(self, headers: dict[str, str]) -> bool:
        mode = self.hub.origin_check
        origin, host = headers.get("origin"), headers.get("host")
        trust_proxy = False
        if needs_trust_proxy(mode, origin, host):
            trust_proxy = await self.trust_proxy()
        return origin_allowed(mode, origin, host, headers.get("x-forwarded-for"), trust_proxy)

    async def trust_proxy(self) -> bool:
        try:
            return await self.read_trust_proxy()
        except Exception:
            log.exception("could not read the trustProxy setting")
            return False

    async def probe(self, conn: Connection, receive: Receive, send: Send) -> bool:
        """Upgrade a polling session: answer `2probe`, release the waiting poll, wait for `5` and for that
        poll to finish. True when the session now runs on this websocket."""
        session = conn.session
        while not session.upgrade_requested:
            message = await receive()
            if message["type"] != "websocket.receive":
                session.upgrading = False
                return False
            frame = message.get("text")
            if frame is None:
                frame = message.get("bytes") or b""
            try:
                replies = session.receive_probe(frame)
            except ProtocolError:
                session.upgrading = False
                await send({"type": "websocket.close", "code": 1000})
                return False
            conn._after_change()
            for reply in replies:
                await send({"type": "websocket.send", "text": reply})
        while session.transport == POLLING and not session.closed:
            await conn.changed.wait()
        return not session.closed

    async def run_websocket(self, conn: Connection, receive: Receive, send: Send, direct: DirectWriter) -> None:
        """Read until the session ends, the writer beside. A peer that left holds a `hub.leaving` slot
        until its writer has ended: a thousand clients leaving at once tear down a few per loop turn, so
        another client's ack never waits behind a thousand teardowns in one turn."""
        leaving: list[trio.Semaphore] = []  # the slot this connection holds, once its peer left
        try:
            async with trio.open_nursery() as nursery:

                async def write_then_stop() -> None:
                    await websocket_writer(conn, send, self.batch, direct)
                    nursery.cancel_scope.cancel()  # a dead peer never answers our close frame

                nursery.start_soon(write_then_stop)
                if self.batch:
                    conn.direct = direct  # unbound (TLS, HTTP/2): it refuses every write, the writer sends
                try:
                    await self._read_websocket(conn, receive, leaving)
                finally:
                    conn.direct = None
                    if not conn.closed:
                        conn.lost("transport close")
        finally:
            for slot in leaving:
                slot.release()

    async def _read_websocket(self, conn: Connection, receive: Receive, leaving: list[trio.Semaphore]) -> None:
        while not conn.closed:
            message = await receive()
            kind = message["type"]
            if kind == "websocket.receive":
                frame = message.get("text")
                if frame is None:
                    frame = message.get("bytes") or b""
                try:
                    conn.receive_websocket(frame, trio.current_time())
                except ProtocolError as exc:
                    log.debug("engine.io protocol error from %s: %s", conn.remote_addr, exc)
            elif kind == "websocket.disconnect":
                conn.owner.connection_closed(conn)  # its sockets leave at once: nothing more is sent to them
                await self.hub.leaving.acquire()  # Cancelled here means not acquired
                leaving.append(self.hub.leaving)
                conn.lost("transport close")


MAX_BATCH_FRAMES = 512
#: ... and about this many bytes (at least one frame): one write stays short, so other clients' acks and
#: pings never wait long behind a bulk burst.
MAX_BATCH_BYTES = 256 * 2**10


async def websocket_writer(conn: Connection, send: Send, batch: bool, direct: DirectWriter | None = None) -> None:
    """Send what is queued, all of it in one socket write (serialized by kuma) when Hypercorn takes that.
    What a direct write left owed goes first."""
    session = conn.session
    while True:
        conn.writing = True
        try:
            if direct is not None and direct.pending is not None:
                await direct.flush()
                continue
            frames = conn.take_frames(MAX_BATCH_FRAMES, MAX_BATCH_BYTES)  # bounded: the rest stays counted
            if frames:
                await _write(conn, send, batch, frames)
                continue
        finally:
            conn.writing = False
        if session.closed:
            await send({"type": "websocket.close", "code": 1000})
            return
        await conn.changed.wait()
        if batch and not session.closed:
            # let the waking task finish what it sends in a row (a beat's five events, a list of emits)
            # before this write; a timed pause here cost every one of a thousand writers a timer
            await trio.lowlevel.checkpoint()


async def _write(conn: Connection, send: Send, batch: bool, frames: list) -> None:
    if batch:
        # a megabyte burst: in slices that take turns, yielding between them
        await conn.write_in_slices(ws_messages(frames), lambda data: send({"type": SEND_RAW, "data": data}))
        return
    for frame in flatten(frames):
        if isinstance(frame, str):
            await send({"type": "websocket.send", "text": frame})
        else:
            await send({"type": "websocket.send", "bytes": frame})


#: What `wait_for_payload` returns when the session lost its transport (nothing will ever be sent).
LOST = "\x00lost"


async def wait_for_payload(conn: Connection, receive: Receive) -> str | None:
    """Hold a polling GET until there is something to send; None when the client went away, `LOST` when
    the session lost its transport meanwhile."""
    result: list[str] = []

    async with trio.open_nursery() as nursery:

        async def watch_disconnect() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    nursery.cancel_scope.cancel()
                    return

        nursery.start_soon(watch_disconnect)
        while True:
            payload = conn.take_poll_payload()
            if payload is None and conn.session.transport_gone:
                payload = LOST
            if payload is not None:
                result.append(payload)
                nursery.cancel_scope.cancel()
                break
            await conn.changed.wait()
    return result[0] if result else None


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None when it is larger than `limit`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def respond(send: Send, status: int, body: bytes, content_type: bytes, cache: bool = False) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if status == 200:
        headers.append((b"cache-control", b"no-store"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def http_error(send: Send, code: int) -> None:
    body = json.dumps({"code": code, "message": ERROR_MESSAGES[code]}, separators=(",", ":")).encode()
    await respond(send, 403 if code == FORBIDDEN else 400, body, b"application/json")


async def upgrade_error(send: Send, code: int) -> None:
    """A refused websocket handshake: HTTP 400 with the message as text, as Engine.IO answers upgrades."""
    body = ERROR_MESSAGES[code].encode()
    await send(
        {
            "type": "websocket.http.response.start",
            "status": 400,
            "headers": [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "websocket.http.response.body", "body": body})
