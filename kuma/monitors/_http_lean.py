"""Plain-HTTP checks without httpx's layers: h11 on kept-alive Trio streams, per host.

Why: a plain `http://` check through httpx's client, transport and pool costs ~1.4 ms of CPU here, ten
times the request itself; with 10,000 monitors that is most of the engine's CPU (issue #14). This path
sends the request httpx would send (the same header list, built by httpx once per monitor row in the
row's plan, `_http_request.LeanPlan`, with the h11 request event) and reads the answer with h11, so the outcome is the same. It takes only body-less GET/HEAD on
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
        self.h11 = h11.Connection(our_role=h11.CLIENT, max_incomplete_event_size=MAX_INCOMPLETE)
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
            await _send(conn, request, _END)
            response = await _next_response(conn)
            body, complete = await _read_body(conn, max_body)
            reusable = complete and conn.h11.our_state is h11.DONE and conn.h11.their_state is h11.DONE
            if reusable:
                conn.h11.start_next_cycle()
            return response.status_code, response.reason, list(response.headers.raw_items()), body
        finally:
            if reusable:
                self._give_back(key, conn, trio.current_time())
            else:
                _close(conn)


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
    import httpx

    data = conn.h11.send(request) or b""
    tail = conn.h11.send(end)
    if tail:
        data += tail
    try:
        await conn.stream.send_all(data)
    except (OSError, trio.BrokenResourceError, trio.ClosedResourceError) as exc:
        raise _NothingReceived(httpx.WriteError(str(exc))) from exc


async def _receive_into(conn: _Conn) -> None:
    import httpx

    try:
        data = await conn.stream.receive_some(_READ)
    except (OSError, trio.BrokenResourceError, trio.ClosedResourceError) as exc:
        error = httpx.ReadError(str(exc))
        raise (error if conn.answered else _NothingReceived(error)) from exc
    if not data and not conn.answered:
        raise _NothingReceived(httpx.RemoteProtocolError("Server disconnected without sending a response."))
    conn.answered = True
    conn.h11.receive_data(data)


async def _next_event(conn: _Conn) -> Any:
    """h11's next event other than NEED_DATA (reading from the stream as long as it needs data)."""
    import httpx

    while True:
        try:
            event = conn.h11.next_event()
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
