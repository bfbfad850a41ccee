"""Pushes answered before h11: Hypercorn's per-connection handler with a front for `/api/push/`.

A connection whose requests are plain pushes (`push_wire.parse`) is served here: parse, answer once the
beat is committed (`kuma.rest.push.answer`), write the bytes h11 would have written. The first request
that is anything else hands the connection, with every byte not yet answered, to Hypercorn's h11
protocol for good, so browsers, websockets and odd pushes take the ordinary road. What h11 did for a
keep-alive connection is kept: the keep-alive timeout between requests, `connection: close` on the
`keep_alive_max_requests`-th request, closing idle connections when the server stops.

`install()` puts the class where Hypercorn's Trio worker builds connection handlers (one module
attribute); the front is found on the served Quart app (`FRONT_ATTR`), so each server answers with its
own App.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Awaitable, Callable

import trio
from hypercorn.config import Config
from hypercorn.events import Closed, RawData
from hypercorn.trio import run as hypercorn_run
from hypercorn.trio.tcp_server import MAX_RECV, TCPServer

from kuma.realtime import ws_front
from kuma.rest import push_wire
from kuma.rest.push_wire import HAND_OFF, INCOMPLETE, PushRequest

FRONT_ATTR = "kuma_push_front"
Answer = Callable[[PushRequest], Awaitable[tuple[int, list[tuple[bytes, bytes]], bytes]]]


class PushFront:
    """How this server answers a parsed push: status, headers and body (`kuma.rest.push.mount`)."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer


class PushFrontServer(TCPServer):
    """Hypercorn's TCPServer, reading pushes and `/socket.io/` websockets itself until a request is not one."""

    async def _read_data(self) -> None:
        app = getattr(self.app, "app", None)
        front = getattr(app, FRONT_ATTR, None)
        ws = getattr(app, ws_front.FRONT_ATTR, None)
        if not isinstance(front, PushFront):
            front = None
        if not isinstance(ws, ws_front.WsFront) or not self._ws_frontable():
            ws = None
        if front is None and ws is None:
            await super()._read_data()
            return
        self._served = 0
        leftover = await self._serve_pushes(front)
        if leftover is not None and ws is not None and self._served == 0:
            leftover = await self._serve_websocket(ws, leftover)
        if leftover is None:
            await self.protocol.handle(Closed())
            return
        if leftover:
            await self.protocol.handle(RawData(leftover))
        await super()._read_data()

    def _ws_frontable(self) -> bool:
        """Plain TCP and a config whose websocket handling the front mirrors (no server pings, no
        access log, no server-name check)."""
        config = self.config
        return (
            isinstance(self.stream, trio.SocketStream)
            and config.websocket_ping_interval is None
            and config.accesslog is None
            and not config.server_names
        )

    async def _serve_pushes(self, front: PushFront | None) -> bytes | None:
        """Serve pushes; the bytes to hand on (h11 or the websocket front), or None when the connection
        is done. One cancel scope times every read of the connection (its deadline moved per read), not a
        scope per request."""
        watch = trio.CancelScope()
        self._idle = self._timer_idle = False
        self._timer = trio.CancelScope()
        try:
            with self._timer:
                return await self._push_loop(front, watch)
            if self._timer_idle:  # as Hypercorn's idle task: close a connection left idle
                with trio.CancelScope(shield=True):
                    await self._initiate_server_close()
            return None
        finally:
            watch.cancel()

    async def _push_loop(self, front: PushFront | None, watch: trio.CancelScope) -> bytes | None:
        buffer = b""
        while True:
            data = await self._receive(idle=self._served > 0 and not buffer)
            if data is None:
                return None
            if not data:  # end of stream: h11 sees it (and any partial head) as before
                await self._end_of_stream(buffer)
                return None
            buffer += data
            while buffer:
                request = push_wire.parse(buffer) if front is not None else HAND_OFF
                if request is INCOMPLETE:
                    break
                if request is HAND_OFF or not isinstance(request, PushRequest) or front is None:
                    return buffer
                if self._served == 0:
                    await self.idle_task.stop()  # the keep-alive timeout is ours from now on
                    self._task_group.spawn(self._close_when_terminated, watch)
                self._served += 1
                buffer = buffer[request.size :]
                if not await self._answer(front, request, self._served):
                    return None

    async def _receive(self, *, idle: bool) -> bytes | None:
        """The next bytes; None when the connection was closed or broken, or the timeout fired as the
        bytes came (then nothing of them is served). A timeout during the read cancels `_timer`."""
        timer = self._timer
        timeout = self.config.keep_alive_timeout if idle else self.config.read_timeout
        timer.deadline = trio.current_time() + timeout if timeout else math.inf
        self._idle = self._timer_idle = idle
        try:
            data = bytes(await self.stream.receive_some(MAX_RECV))
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            return None
        finally:
            self._idle = False
        timer.deadline = math.inf  # an answer is never cut short
        return None if timer.cancel_called else data

    async def _receive_head(self) -> bytes | None:
        """More of a request head (the websocket front's rare partial head); None as `_receive`."""
        with trio.move_on_after(self.config.read_timeout or math.inf):
            try:
                return bytes(await self.stream.receive_some(MAX_RECV))
            except (trio.ClosedResourceError, trio.BrokenResourceError):
                return None
        return None

    async def _end_of_stream(self, buffer: bytes) -> None:
        await self.protocol.handle(RawData(buffer))
        await self.protocol.handle(RawData(b""))

    async def _serve_websocket(self, front: ws_front.WsFront, buffer: bytes) -> bytes | None:
        """Serve a `/socket.io/` websocket when `buffer` starts with its upgrade; the bytes for h11 (all
        of them when it is not one, or the endpoint refused it), None when the connection is done."""
        while True:
            upgrade = ws_front.parse_upgrade(buffer, front.path)
            if isinstance(upgrade, ws_front.Upgrade):
                break
            if upgrade is not ws_front.INCOMPLETE:
                return buffer
            data = await self._receive_head()  # Hypercorn's idle task still closes a slow head
            if data is None:
                return None
            if not data:
                await self._end_of_stream(buffer)
                return None
            buffer += data
        await self.idle_task.stop()  # as h11 does once a request is in
        await self.context.mark_request()
        link = ws_front.Link(
            self.stream,  # type: ignore[arg-type]  # plain TCP: checked by _ws_frontable
            self.send_lock,
            lambda: _server_headers(self.config),
            self.config.websocket_max_message_size,
            self.config.read_timeout,
        )
        scope = ws_front.scope_of(
            upgrade, self.protocol.client, self.protocol.server, self.config.root_path, self.state.copy()
        )
        outcome = await ws_front.serve(front, scope, upgrade, link, buffer[upgrade.size :])
        return buffer if outcome is ws_front.REFUSED else None

    async def _answer(self, front: PushFront, request: PushRequest, served: int) -> bool:
        """Answer one push; False once the connection is to be closed."""
        status, headers, body = await front.answer(request)
        headers = headers + _server_headers(self.config)
        last = served >= self.config.keep_alive_max_requests or self.context.terminated.is_set()
        if served >= self.config.keep_alive_max_requests:
            headers.append((b"connection", b"close"))
        data = push_wire.response(status, headers, body)
        try:
            rest = self._write_now(data)
            if rest:
                with trio.CancelScope(shield=True):
                    await self.stream.send_all(rest)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            return False
        await self.context.mark_request()
        if last:
            await self.protocol_send(Closed())
            return False
        return True

    def _write_now(self, data: bytes) -> bytes:
        """Write what the socket takes now, without a turn of the loop (an answer is ~200 bytes: the kernel
        nearly always takes it all); the rest, for `send_all`. Nothing if Hypercorn is sending meanwhile."""
        if self.send_lock.locked():
            return data
        fd = self.stream.socket.fileno()  # asked each time: -1 once closed
        if fd < 0:
            return data
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            return data
        except OSError:  # broken: the ordinary path finds the error and reports it
            return data
        return data[written:]

    async def _close_when_terminated(self, watch: trio.CancelScope) -> None:
        """Server stopping: an idle connection is closed now, a busy one after its answer."""
        with watch:
            await self.context.terminated.wait()
            if self._idle:
                self._timer.cancel()


#: Hypercorn's server headers of the current wall second, per config: `Config.response_headers` formats
#: the `date` (to the second) on every call.
_HEADERS: dict[int, tuple[Config, int, list[tuple[bytes, bytes]]]] = {}


def _server_headers(config: Config) -> list[tuple[bytes, bytes]]:
    """`config.response_headers("h11")`, made once per second (the bytes are the same within it)."""
    second = int(time.time())
    cached = _HEADERS.get(id(config))
    if cached is None or cached[0] is not config or cached[1] != second:
        cached = _HEADERS[id(config)] = (config, second, config.response_headers("h11"))
    return cached[2]


def install() -> None:
    """Make Hypercorn's Trio worker build `PushFrontServer`s (a connection without a front is unchanged)."""
    hypercorn_run.TCPServer = PushFrontServer  # type: ignore[misc]


def installed() -> bool:
    return hypercorn_run.TCPServer is PushFrontServer
