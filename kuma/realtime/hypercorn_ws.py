"""Two small additions to Hypercorn's websocket stream, used only by `/socket.io/`.

1. `{"type": "kuma.websocket.send_batch", "frames": [...]}`: several websocket messages written with one
   socket send. One `websocket.send` costs one syscall plus several protocol layers per frame; a broadcast
   burst to hundreds of clients is dominated by that, so the writer hands over everything queued at once.
   `{"type": "kuma.websocket.send_raw", "data": bytes}`: websocket messages serialized by kuma already
   (`kuma.realtime.wire`: a broadcast's bytes are made once and written to every recipient as they are).
2. `{"type": "websocket.accept", "kuma_no_extensions": True}`: accept without permessage-deflate, as
   Uptime Kuma's server does (Socket.IO's default); a deflate context costs ~300 KiB per connection.
   With `"kuma_direct": DirectWriter()`, that writer is bound to the connection: it writes serialized
   messages into the socket at once, from the caller's task, when nothing else is being written (an ack,
   a ping or a beat's events to an idle dashboard never wait for a task switch per socket).

`install()` returns False (and changes nothing) when Hypercorn's internals are not the ones expected;
the endpoint then falls back to plain ASGI messages. The check reads the names the class's compiled
methods use (`co_names`), never its source text, so a frozen build (no `.py` files) decides exactly as
a source run does; `kuma self-check` reports the outcome.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

SEND_BATCH = "kuma.websocket.send_batch"
SEND_RAW = "kuma.websocket.send_raw"
_installed: list[bool] = []  # memo of the one-time patch (a process has one Hypercorn)
#: Attributes of Hypercorn's WSStream that the patched `app_send` uses.
_NEEDED = frozenset({"closed", "state", "connection", "stream_id", "send", "handshake"})


def _names_used(cls: type) -> set[str]:
    """Every attribute/global name the class's own functions refer to, from their bytecode."""
    names: set[str] = set()
    for value in vars(cls).values():
        code = getattr(value, "__code__", None)
        if code is not None:
            names.update(code.co_names)
    return names


class DirectWriter:
    """Writes serialized websocket messages straight into one connection's socket when it can take them now.

    Only while Hypercorn is not writing to that socket itself (its send lock is free) and nothing of an
    earlier write is still owed: then the bytes go to the kernel in the caller's task with one `write`.
    What the kernel does not take at once is `pending` and goes out before anything else Hypercorn sends
    on that connection (its stream's `send` is wrapped to flush it first); the owner's writer flushes it
    too. Bound to Hypercorn's stream (`bind`) or to kuma's websocket front (`bind_socket`, kuma.realtime.ws_front).
    Unbound (plain TCP not found, TLS, HTTP/2), `try_write` always says no.
    """

    __slots__ = ("pending", "_lock", "_socket", "_ready", "_send")

    def __init__(self) -> None:
        self.pending: bytes | None = None
        self._ready: Callable[[], bool] | None = None

    def bind(self, stream: Any, open_state: Any, connected: Any, data_event: Any) -> bool:
        """Find the TCP server under Hypercorn's websocket stream; False (and unbound) when it is not the
        plain-socket layout this expects."""
        import trio

        try:
            tcp = stream.send.__self__.send.__self__  # WSStream → H11Protocol.stream_send → TCPServer
            lock, sock_stream = tcp.send_lock, tcp.stream
            if not isinstance(lock, trio.Lock) or not isinstance(sock_stream, trio.SocketStream):
                return False
            socket = sock_stream.socket
        except AttributeError:
            return False
        original = stream.send

        async def send_data(data: bytes) -> None:
            await original(data_event(stream_id=stream.stream_id, data=data))

        async def send_after_pending(event: Any) -> None:
            await self.flush()
            await original(event)

        def ready() -> bool:
            return not stream.closed and stream.state == connected and stream.connection.state == open_state

        stream.send = send_after_pending  # everything Hypercorn sends on it waits for what is owed
        self.bind_socket(lock, socket, ready, send_data)
        return True

    def bind_socket(
        self, lock: Any, socket: Any, ready: Callable[[], bool], send: Callable[[bytes], Awaitable[None]]
    ) -> None:
        """Bind to a socket written under `lock`: `ready` says the websocket is open, `send` writes what is
        owed (waiting for the socket); the owner sends what is `pending` before anything else it sends."""
        self._lock, self._socket, self._send = lock, socket, send
        self._ready = ready

    def try_write(self, data: bytes) -> bool:
        """Write `data` now; False (nothing written) when that cannot be done without waiting."""
        ready = self._ready
        if ready is None or self.pending is not None or self._lock.locked() or not ready():
            return False
        fd = self._socket.fileno()  # asked each time: -1 once closed, never a number reused by another socket
        if fd < 0:
            return False
        try:
            written = os.write(fd, data)
        except OSError:  # full (EAGAIN) or broken: the ordinary path waits for it or finds the error
            return False
        if written < len(data):
            self.pending = data[written:]
        return True

    async def flush(self) -> None:
        """Send what an earlier `try_write` left owed (waits for the socket like any send)."""
        while self.pending is not None:
            data, self.pending = self.pending, None
            await self._send(data)


def install() -> bool:
    if _installed:
        return _installed[0]
    try:
        from hypercorn.protocol import ws_stream
        from hypercorn.protocol.events import Data
        from wsproto.connection import ConnectionState
        from wsproto.events import BytesMessage, TextMessage
        from wsproto.utilities import LocalProtocolError

        stream_class = ws_stream.WSStream
        connected = ws_stream.ASGIWebsocketState.CONNECTED
        open_state = ConnectionState.OPEN
        original = stream_class.app_send
        missing = _NEEDED - _names_used(stream_class)
        if missing:
            raise AttributeError(", ".join(sorted(missing)))
    except (ImportError, AttributeError) as exc:
        log.warning("Hypercorn websocket batching unavailable (%s): one send per frame", exc)
        _installed.append(False)
        return False

    async def app_send(self, message):
        if message is not None:
            kind = message.get("type")
            if kind == SEND_BATCH:
                if self.closed or self.state != connected:
                    return
                chunks = []
                for frame in message["frames"]:
                    event = TextMessage(data=frame) if isinstance(frame, str) else BytesMessage(data=frame)
                    try:
                        chunks.append(self.connection.send(event))
                    except LocalProtocolError:
                        break
                if chunks:
                    await self.send(Data(stream_id=self.stream_id, data=b"".join(chunks)))
                return
            if kind == SEND_RAW:
                if not self.closed and self.state == connected and self.connection.state == open_state:
                    await self.send(Data(stream_id=self.stream_id, data=message["data"]))
                return
            if kind == "websocket.accept" and message.get("kuma_no_extensions") and not self.closed:
                self.handshake.extensions = None
                direct = message.get("kuma_direct")
                message = {k: v for k, v in message.items() if not k.startswith("kuma_")}
                await original(self, message)
                if direct is not None and self.state == connected:
                    direct.bind(self, open_state, connected, Data)
                return
        await original(self, message)

    stream_class.app_send = app_send  # type: ignore[method-assign]  # the one, deliberate patch of the class
    _installed.append(True)
    return True


def status() -> dict[str, bool]:
    """What this build's websocket path does (for `kuma self-check`): both on, or both off."""
    active = install()
    return {"send_batch": active, "no_deflate_accept": active, "direct_write": active}
