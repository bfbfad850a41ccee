"""`/socket.io/` websockets served before h11: the upgrade read off the socket, frames by wsproto on the stream.

Why: through Hypercorn a websocket message passes h11, wsproto, Hypercorn's WSStream, an ASGI queue and a
task switch before the endpoint sees it (~0.3 ms per `add`), and a leaving peer costs Hypercorn's read
loop and the app task two steps each (issues #14, #15). Here the connection's own task reads the socket
and hands the endpoint (`kuma.realtime.endpoint.Endpoint`) the same ASGI messages it gets from Hypercorn:
`websocket.connect/receive/disconnect` in, `websocket.accept/send/close` and kuma's `send_raw`/`send_batch`
out, with a `DirectWriter` bound to the socket.

`parse_upgrade` accepts only a plain HTTP/1.1 `GET <path>?…transport=websocket` upgrade that Hypercorn
would accept as it is (one Host, `Upgrade: websocket`, a `Connection` with `upgrade`, one key, version
13, no body, no subprotocol); anything else is HAND_OFF and h11 gets the bytes untouched. When the
endpoint refuses the upgrade (an HTTP answer instead of `websocket.accept`), nothing has been written:
`serve` says REFUSED and the caller replays the request through h11, so a refusal is Hypercorn's bytes
by construction. Kept as Hypercorn does it: the 101 headers and their order, the server headers, no
permessage-deflate, `websocket_max_message_size` (close 1009), ping → pong, the close handshake, close
1011 when the endpoint ends without closing, disconnect code 1000 after our close and 1006 otherwise.
"""

from __future__ import annotations

import logging
import math
import re
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import trio
from wsproto.connection import Connection as WSConnection
from wsproto.connection import ConnectionState, ConnectionType
from wsproto.events import BytesMessage, CloseConnection, Event, Message, Ping, TextMessage
from wsproto.frame_protocol import CloseReason
from wsproto.utilities import LocalProtocolError, generate_accept_token

from kuma.realtime.hypercorn_ws import SEND_BATCH, SEND_RAW, DirectWriter

log = logging.getLogger(__name__)

FRONT_ATTR = "kuma_ws_front"
Asgi = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]
MAX_RECV = 2**16
#: Hypercorn's `h11_max_incomplete_size`: a longer head is h11's to refuse.
MAX_HEAD = 16 * 1024
_REQUEST_LINE = re.compile(rb"GET (/[\x21-\x7e]*) HTTP/1\.1")
_TOKEN = rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+"
_VCHAR = rb"[\x21-\x7e\x80-\xff]"
_HEADER = re.compile(rb"(" + _TOKEN + rb"):[ \t]*(" + _VCHAR + rb"+(?:[ \t]+" + _VCHAR + rb"+)*)?[ \t]*")
#: Headers the handshake reads: each at most once (Hypercorn would take the last of several).
_ONCE = frozenset({b"host", b"upgrade", b"connection", b"sec-websocket-key", b"sec-websocket-version"})
#: Headers that make the request something this front leaves to h11.
_REFUSED = frozenset({b"content-length", b"transfer-encoding", b"expect", b"sec-websocket-protocol"})


class _Outcome:
    """A marker: more bytes are needed, the bytes are h11's, or the endpoint refused the upgrade."""


INCOMPLETE = _Outcome()
HAND_OFF = _Outcome()
REFUSED = _Outcome()


class WsFront:
    """The endpoint a server's front serves websockets with (set on the Quart app as `FRONT_ATTR`)."""

    def __init__(self, app: Asgi, path: str) -> None:
        self.app = app
        self.path = path.encode("ascii")
        self.served = 0  # websockets accepted through the front (tests and self-check read it)


@dataclass(slots=True)
class Upgrade:
    """One recognised upgrade request."""

    raw_path: bytes
    query: bytes
    headers: list[tuple[bytes, bytes]]
    key: bytes
    extensions: bool  # the client offered extensions (permessage-deflate)
    size: int  # bytes of the buffer the head took


def parse_upgrade(buffer: bytes, path: bytes) -> Upgrade | _Outcome:
    """The websocket upgrade at the start of `buffer`, INCOMPLETE or HAND_OFF."""
    end = buffer.find(b"\r\n\r\n", 0, MAX_HEAD + 4)
    if end < 0:
        could_be = b"GET " + path
        prefix = buffer[: len(could_be)]
        return INCOMPLETE if len(buffer) < MAX_HEAD and could_be.startswith(prefix) else HAND_OFF
    lines = buffer[:end].split(b"\r\n")
    first = _REQUEST_LINE.fullmatch(lines[0])
    if first is None:
        return HAND_OFF
    raw_path, _, query = first.group(1).partition(b"?")
    if raw_path != path or b"transport=websocket" not in query.split(b"&"):
        return HAND_OFF
    headers = _headers(lines[1:])
    if headers is None:
        return HAND_OFF
    seen = dict(headers)
    if not _is_websocket_handshake(seen):
        return HAND_OFF
    return Upgrade(raw_path, query, headers, seen[b"sec-websocket-key"], b"sec-websocket-extensions" in seen, end + 4)


def _headers(lines: list[bytes]) -> list[tuple[bytes, bytes]] | None:
    """(lower-case name, value) per header line as h11 gives them; None when one is not for this front."""
    headers: list[tuple[bytes, bytes]] = []
    names: set[bytes] = set()
    for line in lines:
        header = _HEADER.fullmatch(line)
        if header is None:
            return None
        name = header.group(1).lower()
        if name in _REFUSED or (name in _ONCE and name in names):
            return None
        names.add(name)
        headers.append((name, header.group(2) or b""))
    return headers


def _is_websocket_handshake(seen: dict[bytes, bytes]) -> bool:
    tokens = [token.strip().lower() for token in seen.get(b"connection", b"").split(b",")]
    return (
        b"host" in seen
        and seen.get(b"upgrade", b"").lower() == b"websocket"
        and b"upgrade" in tokens
        and bool(seen.get(b"sec-websocket-key"))
        and seen.get(b"sec-websocket-version") == b"13"
    )


def handshake_response(key: bytes, server_headers: list[tuple[bytes, bytes]]) -> bytes:
    """The bytes Hypercorn (through h11) writes to accept: same headers, same order."""
    headers = [(b"sec-websocket-accept", generate_accept_token(key)), (b"upgrade", b"WebSocket")]
    headers += [(b"connection", b"Upgrade"), *server_headers]
    return b"HTTP/1.1 101 \r\n" + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n"


class _Refused(Exception):
    """The endpoint answered the upgrade with something else than `websocket.accept`."""


@dataclass(slots=True)
class Wire:
    """What a fronted websocket needs of its TCP connection (Hypercorn's TCPServer provides it)."""

    stream: trio.SocketStream
    lock: trio.Lock  # the connection's send lock, shared with whatever else writes on it
    server_headers: Callable[[], list[tuple[bytes, bytes]]]
    max_message: int
    read_timeout: float | None


def scope_of(upgrade: Upgrade, client: Any, server: Any, root_path: str, state: dict) -> dict:
    """The websocket scope Hypercorn would build for this request."""
    return {
        "type": "websocket",
        "asgi": {"spec_version": "2.3", "version": "3.0"},
        "scheme": "ws",
        "http_version": "1.1",
        "path": unquote(upgrade.raw_path.decode("ascii")),
        "raw_path": upgrade.raw_path,
        "query_string": upgrade.query,
        "root_path": root_path,
        "headers": upgrade.headers,
        "client": client,
        "server": server,
        "state": state,
        "subprotocols": [],
        "extensions": {"websocket.http.response": {}},
    }


async def serve(front: WsFront, scope: dict, upgrade: Upgrade, wire: Wire, rest: bytes) -> _Outcome | None:
    """Run the endpoint on this connection; REFUSED (nothing written) when it did not accept."""
    socket = FrontSocket(front, wire, upgrade, rest)
    try:
        await front.app(scope, socket.receive, socket.send)
    except _Refused:
        return REFUSED
    except Exception:
        if not socket.accepted:
            return REFUSED  # h11 runs it again and answers 500 as Hypercorn does
        log.exception("Error in ASGI Framework")
    if socket.accepted:
        await socket.finish()
    return None


class FrontSocket:
    """One websocket on a plain TCP stream: the ASGI `receive`/`send` pair the endpoint uses."""

    def __init__(self, front: WsFront, wire: Wire, upgrade: Upgrade, rest: bytes) -> None:
        self.front = front
        self.wire = wire
        self.upgrade = upgrade
        self.ws = WSConnection(ConnectionType.SERVER)
        self.accepted = False
        self.closed_by_app = False  # the endpoint sent `websocket.close` (disconnect code 1000)
        self.gone = False  # the peer's close, end of stream or a broken socket (Hypercorn's StreamClosed)
        self.connected_sent = False
        self.rest = rest  # bytes that came after the head
        self.inbox: deque[dict] = deque()
        self.parts: list[Any] = []  # a fragmented message's parts
        self.size = 0
        self.direct: DirectWriter | None = None

    # ---- receive -------------------------------------------------------------------------------
    async def receive(self) -> dict:
        if not self.connected_sent:
            self.connected_sent = True
            return {"type": "websocket.connect"}
        while not self.inbox:
            if self.gone:
                return {"type": "websocket.disconnect", "code": 1000 if self.closed_by_app else 1006}
            data, self.rest = self.rest or await self._read(), b""
            if not data:
                await self._lose()
                continue
            self.ws.receive_data(data)
            await self._handle_events()
        return self.inbox.popleft()

    async def _read(self) -> bytes:
        """The next bytes; b"" at end of stream, on a broken or closed socket and after the read timeout."""
        timeout = self.wire.read_timeout
        try:
            if timeout is None:
                return bytes(await self.wire.stream.receive_some(MAX_RECV))
            with trio.move_on_after(timeout or math.inf):
                return bytes(await self.wire.stream.receive_some(MAX_RECV))
            return b""
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            return b""

    async def _handle_events(self) -> None:
        for event in self.ws.events():
            if isinstance(event, Message):
                if not self._collect(event):
                    await self._send_event(CloseConnection(code=CloseReason.MESSAGE_TOO_BIG))
                    break
            elif isinstance(event, Ping):
                await self._send_event(event.response())
            elif isinstance(event, CloseConnection):
                if self.ws.state == ConnectionState.REMOTE_CLOSING:
                    await self._send_event(event.response())
                await self._lose()

    def _collect(self, event: Message) -> bool:
        """Add a frame to the message; False when the message is larger than allowed."""
        self.parts.append(event.data)
        self.size += len(event.data)
        if self.size > self.wire.max_message:
            return False
        if event.message_finished:
            parts, self.parts, self.size = self.parts, [], 0
            if isinstance(event, TextMessage):
                self.inbox.append({"type": "websocket.receive", "bytes": None, "text": "".join(parts)})
            else:
                self.inbox.append({"type": "websocket.receive", "bytes": b"".join(parts), "text": None})
        return True

    # ---- send ----------------------------------------------------------------------------------
    async def send(self, message: dict) -> None:
        kind = message["type"]
        if not self.accepted:
            if kind != "websocket.accept" or self.gone:
                raise _Refused(kind)
            if self.upgrade.extensions and not message.get("kuma_no_extensions"):
                raise _Refused("extensions")  # Hypercorn would negotiate permessage-deflate: its road
            await self._accept(message.get("kuma_direct"))
            return
        if self.gone:
            return
        if kind == SEND_RAW:
            if self.ws.state == ConnectionState.OPEN and not self.closed_by_app:
                await self._send_bytes(message["data"])
        elif kind == "websocket.send":
            data = message.get("bytes")
            await self._send_event(
                TextMessage(data=message["text"]) if data is None else BytesMessage(data=bytes(data))
            )
        elif kind == SEND_BATCH:
            await self._send_batch(message["frames"])
        elif kind == "websocket.close":
            self.closed_by_app = True
            await self._send_event(CloseConnection(code=int(message.get("code", 1000)), reason=message.get("reason")))

    async def _accept(self, direct: DirectWriter | None) -> None:
        self.accepted = True
        self.front.served += 1
        await self._send_bytes(handshake_response(self.upgrade.key, self.wire.server_headers()))
        if direct is not None and not self.gone:
            self.direct = direct
            direct.bind_socket(self.wire.lock, self.wire.stream.socket, self._open, self._write)

    def _open(self) -> bool:
        return not self.gone and not self.closed_by_app and self.ws.state == ConnectionState.OPEN

    async def _send_batch(self, frames: list) -> None:
        if self.closed_by_app:
            return
        chunks = []
        for frame in frames:
            event = TextMessage(data=frame) if isinstance(frame, str) else BytesMessage(data=frame)
            try:
                chunks.append(self.ws.send(event))
            except LocalProtocolError:
                break
        if chunks:
            await self._send_bytes(b"".join(chunks))

    async def _send_event(self, event: Event) -> None:
        try:
            data = self.ws.send(event)
        except LocalProtocolError:
            return
        await self._send_bytes(data)

    async def _send_bytes(self, data: bytes) -> None:
        """Write `data` after whatever a direct write left owed."""
        direct = self.direct
        if direct is not None and direct.pending is not None:
            await direct.flush()
        await self._write(data)

    async def _write(self, data: bytes) -> None:
        if self.gone:
            return
        async with self.wire.lock:
            try:
                with trio.CancelScope(shield=True):
                    await self.wire.stream.send_all(data)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                await self._lose()

    # ---- end -----------------------------------------------------------------------------------
    async def _lose(self) -> None:
        """The transport is done (Hypercorn's StreamClosed): no more writes, the socket closes now."""
        if self.gone:
            return
        self.gone = True
        await close_stream(self.wire.stream)

    async def finish(self) -> None:
        """The endpoint returned: close 1011 if it never closed (as Hypercorn), then the socket."""
        if not self.gone and not self.closed_by_app:
            await self._send_event(CloseConnection(code=CloseReason.INTERNAL_ERROR))
        await self._lose()


async def close_stream(stream: trio.SocketStream) -> None:
    """What Hypercorn's TCPServer does to close: EOF, then close (either may find the peer gone)."""
    try:
        await stream.send_eof()
    except (trio.BrokenResourceError, trio.BusyResourceError, trio.ClosedResourceError):
        pass
    await stream.aclose()
