"""`/socket.io/` websockets served before h11: the upgrade and the frames read off the socket.

Why: through Hypercorn a websocket message passes h11, wsproto, Hypercorn's WSStream, an ASGI queue and a
task switch before the endpoint sees it (~0.3 ms per `add`), and a leaving peer costs Hypercorn's read
loop and the app task two steps each (issues #14, #15). Here the connection's own task reads the socket
and its frames (`kuma.realtime.ws_reader`), and hands the endpoint (`kuma.realtime.endpoint.Endpoint`) the
same ASGI messages it gets from Hypercorn:
`websocket.connect/receive/disconnect` in, `websocket.accept/send/close` and kuma's `send_raw`/`send_batch`
out, with a `DirectWriter` bound to the socket.

`parse_upgrade` accepts only a plain HTTP/1.1 `GET <path>?…transport=websocket` upgrade that Hypercorn
would accept as it is (one Host, `Upgrade: websocket`, a `Connection` with `upgrade`, one key, version
13, no body, no subprotocol); anything else is HAND_OFF and h11 gets the bytes untouched. When the
endpoint refuses the upgrade (an HTTP answer instead of `websocket.accept`), nothing has been written:
`serve` says REFUSED and the caller replays the request through h11, so a refusal is Hypercorn's bytes
by construction. Kept as Hypercorn does it: the 101 headers and their order, the server headers, no
permessage-deflate, `websocket_max_message_size` (close 1009), ping → pong, the close handshake, close
1011 when the endpoint ends without closing, disconnect code 1000 after our close and 1006 otherwise. One
difference: the message limit counts a text's bytes (Hypercorn counts its characters), and a message is
refused as soon as its frame header says it will not fit.
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
from wsproto.utilities import generate_accept_token

from kuma.realtime.hypercorn_ws import SEND_BATCH, SEND_RAW, DirectWriter
from kuma.realtime.wire import ws_message, ws_messages
from kuma.realtime.ws_reader import (
    BINARY,
    CLOSE,
    PING,
    PONG,
    TEXT,
    TOO_BIG,
    FrameReader,
    Violation,
    close_frame,
    control_frame,
)

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
class Link:
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


async def serve(front: WsFront, scope: dict, upgrade: Upgrade, link: Link, rest: bytes) -> _Outcome | None:
    """Run the endpoint on this connection; REFUSED (nothing written) when it did not accept."""
    socket = FrontSocket(front, link, upgrade, rest)
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

    def __init__(self, front: WsFront, link: Link, upgrade: Upgrade, rest: bytes) -> None:
        self.front = front
        self.link = link
        self.upgrade = upgrade
        self.reader = FrameReader(link.max_message)
        self.accepted = False
        self.close_sent = False  # our close frame went out (as wsproto's LOCAL_CLOSING)
        self.closed_by_app = False  # the endpoint sent `websocket.close` (disconnect code 1000)
        self.gone = False  # the peer's close, end of stream or a broken socket (Hypercorn's StreamClosed)
        self.too_big = False  # a message over the limit: closed with 1009, later messages dropped
        self.connected_sent = False
        self.rest = rest  # bytes that came after the head
        self.inbox: deque[dict] = deque()
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
            try:
                messages = self.reader.feed(data)
            except Violation as exc:  # as Hypercorn on wsproto's protocol error: the connection goes
                log.debug("websocket protocol error: %s", exc)
                await self._lose()
                continue
            await self._handle(messages)
        return self.inbox.popleft()

    async def _read(self) -> bytes:
        """The next bytes; b"" at end of stream, on a broken or closed socket and after the read timeout."""
        timeout = self.link.read_timeout
        try:
            if timeout is None:
                return bytes(await self.link.stream.receive_some(MAX_RECV))
            with trio.move_on_after(timeout or math.inf):
                return bytes(await self.link.stream.receive_some(MAX_RECV))
            return b""
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            return b""

    async def _handle(self, messages: list[tuple[int, Any]]) -> None:
        for kind, payload in messages:
            if kind == TEXT:
                if not self.too_big:
                    self.inbox.append({"type": "websocket.receive", "bytes": None, "text": payload})
            elif kind == BINARY:
                if not self.too_big:
                    self.inbox.append({"type": "websocket.receive", "bytes": payload, "text": None})
            elif kind == PING:
                if not self.close_sent:
                    await self._send_bytes(control_frame(PONG, payload))
            elif kind == CLOSE:
                if not self.close_sent:  # the peer began: answer with its code (wsproto's response)
                    await self._send_close(*payload)
                await self._lose()
                return
            elif (kind, payload) == TOO_BIG:
                self.too_big = True
                await self._send_close(1009, None)

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
            if self._open():
                await self._send_bytes(message["data"])
        elif kind == "websocket.send":
            data = message.get("bytes")
            if not self.close_sent:
                await self._send_bytes(ws_message(message["text"] if data is None else bytes(data)))
        elif kind == SEND_BATCH:
            if not self.close_sent and message["frames"]:
                await self._send_bytes(ws_messages(message["frames"]))
        elif kind == "websocket.close":
            self.closed_by_app = True
            await self._send_close(int(message.get("code", 1000)), message.get("reason"))

    async def _accept(self, direct: DirectWriter | None) -> None:
        self.accepted = True
        self.front.served += 1
        await self._send_bytes(handshake_response(self.upgrade.key, self.link.server_headers()))
        if direct is not None and not self.gone:
            self.direct = direct
            direct.bind_socket(self.link.lock, self.link.stream.socket, self._open, self._write)

    def _open(self) -> bool:
        return not self.gone and not self.close_sent

    async def _send_close(self, code: int | None, reason: str | None) -> None:
        if not self.close_sent:
            self.close_sent = True
            await self._send_bytes(close_frame(code, reason))

    async def _send_bytes(self, data: bytes) -> None:
        """Write `data` after whatever a direct write left owed."""
        direct = self.direct
        if direct is not None and direct.pending is not None:
            await direct.flush()
        await self._write(data)

    async def _write(self, data: bytes) -> None:
        if self.gone:
            return
        async with self.link.lock:
            try:
                with trio.CancelScope(shield=True):
                    await self.link.stream.send_all(data)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                await self._lose()

    # ---- end -----------------------------------------------------------------------------------
    async def _lose(self) -> None:
        """The transport is done (Hypercorn's StreamClosed): no more writes, the socket closes now."""
        if self.gone:
            return
        self.gone = True
        await close_stream(self.link.stream)

    async def finish(self) -> None:
        """The endpoint returned: close 1011 if it never closed (as Hypercorn), then the socket."""
        if not self.gone and not self.closed_by_app:
            await self._send_close(1011, None)
        await self._lose()


async def close_stream(stream: trio.SocketStream) -> None:
    """What Hypercorn's TCPServer does to close: EOF, then close (either may find the peer gone)."""
    try:
        await stream.send_eof()
    except (trio.BrokenResourceError, trio.BusyResourceError, trio.ClosedResourceError):
        pass
    await stream.aclose()
