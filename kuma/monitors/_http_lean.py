"""Plain-HTTP checks without httpx's layers: h11 on kept-alive Trio streams, per host.

Why: a plain `http://` check through httpx's client, transport and pool costs ~1.4 ms of CPU here, ten
times the request itself; with 10,000 monitors that is most of the engine's CPU (issue #14). This path
sends the request httpx would send (the same header list, built by httpx once per monitor row in the
row's plan, `_http_request.LeanPlan`, with the h11 request event) and reads the answer with h11, so the
outcome is the same; the common answer (a whole HTTP/1.1 head in the first read, a Content-Length body)
is read by `_http_answer` instead, and every other one is handed to h11 with all bytes read so far. It takes only body-less GET/HEAD on
URLs that did not redirect before; a redirect answer is handed back (`Redirected`) and the check goes
through httpx. Failures are raised as the httpx errors `_http_errors` names (connect / read / hang up).
No cookie jar: like axios, nothing a response sets is sent again.

Connections: idle ones are kept per (host, port, local address), reused newest first, closed after
`KEEPALIVE_EXPIRY` idle seconds or when the server closed them; a reused connection that fails before
any answer byte is retried once on a new one (the request had not reached a live server).
"""

from __future__ import annotations

from typing import Any

import h11
import trio

from kuma.monitors._http_answer import parse_head
from kuma.monitors._http_pool import KEEPALIVE_EXPIRY, MAX_KEEPALIVE

Key = tuple[str, int, str | None]
_READ = 65536
_END = h11.EndOfMessage()


class Redirected(Exception):
    """The answer is a redirect to follow: the caller repeats the check through httpx."""


#: httpcore's limit for a response head, so the same heads are accepted.
MAX_INCOMPLETE = 100 * 1024


class _Conn:
    __slots__ = ("stream", "h11", "idle_since", "answered")

    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self.h11: h11.Connection | None = None  # made when h11 reads an answer; dropped when it is clean
        self.idle_since = 0.0
        self.answered = False  # a byte of the current answer arrived


class LeanPool:
    """Idle keep-alive connections per host, and the URLs that redirected (httpx follows those)."""

    def __init__(self) -> None:
        self._idle: dict[Key, list[_Conn]] = {}
        self._count = 0
        self._swept = 0.0
        self.redirecting: set[str] = set()

    def _take(self, key: Key, now: float) -> _Conn | None:
        idle = self._idle.get(key)
        while idle:
            conn = idle.pop()
            self._count -= 1
            if now - conn.idle_since < KEEPALIVE_EXPIRY and not conn.stream.socket.is_readable():
                return conn
            _close(conn)
        return None

    def _give_back(self, key: Key, conn: _Conn, now: float) -> None:
        if self._count >= MAX_KEEPALIVE:
            _close(conn)
            return
        conn.idle_since = now
        self._idle.setdefault(key, []).append(conn)
        self._count += 1
        if now - self._swept > KEEPALIVE_EXPIRY:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        """Close connections idle for longer than the expiry on every host (oldest are first)."""
        self._swept = now
        for key, idle in list(self._idle.items()):
            while idle and now - idle[0].idle_since >= KEEPALIVE_EXPIRY:
                _close(idle.pop(0))
                self._count -= 1
            if not idle:
                del self._idle[key]

    async def fetch(
        self, key: Key, request: h11.Request, max_body: int
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]], bytes]:
        """(status, reason, headers, body): the answer of one request on a kept-alive connection."""
        conn = self._take(key, trio.current_time())
        if conn is not None:
            try:
                return await self._exchange(key, conn, request, max_body)
            except _NothingReceived:
                pass  # the server had closed it: once more on a new connection
        conn = _Conn(await _connect(key))
        try:
            return await self._exchange(key, conn, request, max_body)
        except _NothingReceived as exc:
            raise exc.error from exc.__cause__

    async def _exchange(
        self, key: Key, conn: _Conn, request: h11.Request, max_body: int
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]], bytes]:
        reusable = False
        conn.answered = False
        try:
            wire = _fast_wire(request) if conn.h11 is None else None
            if wire is None:
                await _send(conn, request, _END)
                answer, reusable = await _h11_answer(conn, max_body)
            else:
                answer, reusable = await _fast_answer(conn, request, wire, max_body)
            return answer
        finally:
            if reusable:
                self._give_back(key, conn, trio.current_time())
            else:
                _close(conn)


Answer = tuple[int, bytes, list[tuple[bytes, bytes]], bytes]


def _h11_of(conn: _Conn) -> h11.Connection:
    if conn.h11 is None:
        conn.h11 = h11.Connection(our_role=h11.CLIENT, max_incomplete_event_size=MAX_INCOMPLETE)
    return conn.h11


async def _h11_answer(conn: _Conn, max_body: int) -> tuple[Answer, bool]:
    """The answer read by h11, and whether the connection can serve another request."""
    state = _h11_of(conn)
    response = await _next_response(conn)
    body, complete = await _read_body(conn, max_body)
    reusable = complete and state.our_state is h11.DONE and state.their_state is h11.DONE
    if reusable:
        state.start_next_cycle()
        if not state.trailing_data[0]:
            conn.h11 = None  # a fresh h11 is the same as this one now: the next answer may go the fast way
    return (response.status_code, response.reason, list(response.headers.raw_items()), body), reusable


async def _fast_answer(conn: _Conn, request: h11.Request, wire: bytes, max_body: int) -> tuple[Answer, bool]:
    """The answer read by `_http_answer` when it is the common kind; h11 gets every other one."""
    await _send_wire(conn, wire)
    data = await _receive(conn)
    head = parse_head(data, max_body)
    if head is None or len(data) - head.end > head.length:
        return await _hand_to_h11(conn, request, data, max_body)
    pieces = [data[head.end :]]
    got = len(pieces[0])
    while got < head.length:
        piece = await _receive(conn)
        if not piece or got + len(piece) > head.length:  # cut short, or more than the body: h11 judges
            return await _hand_to_h11(conn, request, data[: head.end] + b"".join(pieces) + piece, max_body, not piece)
        pieces.append(piece)
        got += len(piece)
    body = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    return (head.status, head.reason, head.headers, body), True


async def _hand_to_h11(
    conn: _Conn, request: h11.Request, received: bytes, max_body: int, eof: bool = False
) -> tuple[Answer, bool]:
    """h11 reads the answer from its first byte, as if it had sent the request. Same outcome as h11 all
    along: the first read is the same, and a later hand-over holds at most a body within the cap, so how
    h11 would have cut it into reads does not matter."""
    state = _h11_of(conn)
    state.send(request)
    state.send(_END)
    state.receive_data(received)
    if eof:
        state.receive_data(b"")
    return await _h11_answer(conn, max_body)


_WIRES: dict[int, tuple[h11.Request, bytes | None]] = {}
_MAX_WIRES = 32768
#: Request headers that change how h11 frames or ends the exchange: such requests always use h11.
_H11_ONLY = frozenset({b"upgrade", b"expect", b"transfer-encoding", b"content-length"})


def _h11_only(name: bytes, value: bytes) -> bool:
    """A header (lower-case name) that makes h11 frame or end the exchange otherwise (httpx sends
    `Connection: keep-alive`; a `close` there makes h11 end the connection after the answer)."""
    return name in _H11_ONLY or (name == b"connection" and b"close" in value.lower())


def _fast_wire(request: h11.Request) -> bytes | None:
    """The request's bytes as h11 writes them, when its answer may be read the fast way (a plain GET)."""
    cached = _WIRES.get(id(request))
    if cached is not None and cached[0] is request:
        return cached[1]
    wire: bytes | None = None
    if request.method == b"GET" and not any(_h11_only(name, value) for name, value in request.headers):
        writer = h11.Connection(our_role=h11.CLIENT)
        wire = (writer.send(request) or b"") + (writer.send(_END) or b"")
    if len(_WIRES) >= _MAX_WIRES:
        _WIRES.clear()
    _WIRES[id(request)] = (request, wire)
    return wire


class _NothingReceived(Exception):
    """The connection failed before any byte of an answer: the request can be sent again."""

    def __init__(self, error: Exception) -> None:
        self.error = error


async def _connect(key: Key) -> trio.SocketStream:
    import httpx

    host, port, local_address = key
    try:
        return await trio.open_tcp_stream(host, port, local_address=local_address)
    except OSError as exc:
        raise httpx.ConnectError(str(exc)) from exc


async def _send(conn: _Conn, request: h11.Request, end: h11.EndOfMessage) -> None:
    """The request and its end in one write (a body-less request's end adds no bytes)."""
    state = _h11_of(conn)
    data = state.send(request) or b""
    tail = state.send(end)
    if tail:
        data += tail
    await _send_wire(conn, data)


async def _send_wire(conn: _Conn, data: bytes) -> None:
    import httpx

    try:
        await conn.stream.send_all(data)
    except (OSError, trio.BrokenResourceError, trio.ClosedResourceError) as exc:
        raise _NothingReceived(httpx.WriteError(str(exc))) from exc


async def _receive(conn: _Conn) -> bytes:
    """One read of the answer (b"": the server closed), failures as httpx's (retryable before a byte)."""
    import httpx

    try:
        data = await conn.stream.receive_some(_READ)
    except (OSError, trio.BrokenResourceError, trio.ClosedResourceError) as exc:
        error = httpx.ReadError(str(exc))
        raise (error if conn.answered else _NothingReceived(error)) from exc
    if not data and not conn.answered:
        raise _NothingReceived(httpx.RemoteProtocolError("Server disconnected without sending a response."))
    conn.answered = True
    return data


async def _receive_into(conn: _Conn) -> None:
    data = await _receive(conn)
    _h11_of(conn).receive_data(data)


async def _next_event(conn: _Conn) -> Any:
    """h11's next event other than NEED_DATA (reading from the stream as long as it needs data)."""
    import httpx

    state = _h11_of(conn)
    while True:
        try:
            event = state.next_event()
        except h11.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc)) from exc
        if event is not h11.NEED_DATA:
            return event
        await _receive_into(conn)


async def _next_response(conn: _Conn) -> h11.Response:
    import httpx

    while True:
        event = await _next_event(conn)
        if isinstance(event, h11.Response):
            return event
        if isinstance(event, h11.ConnectionClosed):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")


async def _read_body(conn: _Conn, max_body: int) -> tuple[bytes, bool]:
    """The body (reading stops past `max_body`), and whether the message was read to its end."""
    body = bytearray()
    while True:
        event = await _next_event(conn)
        if isinstance(event, h11.Data):
            body.extend(event.data)
            if len(body) > max_body:
                return bytes(body), False
        elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
            return bytes(body), isinstance(event, h11.EndOfMessage)


def _close(conn: _Conn) -> None:
    try:
        conn.stream.socket.close()
    except OSError:
        pass


_POOLS: trio.lowlevel.RunVar[LeanPool] = trio.lowlevel.RunVar("kuma_http_lean")


def pool() -> LeanPool:
    """The run's pool (one per Trio run: tests run many)."""
    try:
        return _POOLS.get()
    except LookupError:
        made = LeanPool()
        _POOLS.set(made)
        return made


def header_dict(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """`dict(httpx.Response.headers)`: lower-case names, repeated ones joined with ", ", first-seen order."""
    out: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out


def decoded_body(status: int, raw_headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    """The body as httpx hands it over: Content-Encoding (gzip, deflate, br …) undone by httpx itself."""
    if not any(name.lower() == b"content-encoding" for name, _ in raw_headers):
        return body
    import httpx

    return httpx.Response(status, headers=raw_headers, content=body).content
