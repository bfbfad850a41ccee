"""Two small additions to Hypercorn's websocket stream, used only by `/socket.io/`.

1. `{"type": "kuma.websocket.send_batch", "frames": [...]}`: several websocket messages written with one
   socket send. One `websocket.send` costs one syscall plus several protocol layers per frame; a broadcast
   burst to hundreds of clients is dominated by that, so the writer hands over everything queued at once.
2. `{"type": "websocket.accept", "kuma_no_extensions": True}`: accept without permessage-deflate, as
   Uptime Kuma's server does (Socket.IO's default); a deflate context costs ~300 KiB per connection.

`install()` returns False (and changes nothing) when Hypercorn's internals are not the ones expected;
the endpoint then falls back to plain ASGI messages. The check reads the names the class's compiled
methods use (`co_names`), never its source text, so a frozen build (no `.py` files) decides exactly as
a source run does; `kuma self-check` reports the outcome.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

SEND_BATCH = "kuma.websocket.send_batch"
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


def install() -> bool:
    if _installed:
        return _installed[0]
    try:
        from hypercorn.protocol import ws_stream
        from hypercorn.protocol.events import Data
        from wsproto.events import BytesMessage, TextMessage
        from wsproto.utilities import LocalProtocolError

        stream_class = ws_stream.WSStream
        connected = ws_stream.ASGIWebsocketState.CONNECTED
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
            if kind == "websocket.accept" and message.get("kuma_no_extensions") and not self.closed:
                self.handshake.extensions = None
                message = {k: v for k, v in message.items() if k != "kuma_no_extensions"}
        await original(self, message)

    stream_class.app_send = app_send  # type: ignore[method-assign]  # the one, deliberate patch of the class
    _installed.append(True)
    return True


def status() -> dict[str, bool]:
    """What this build's websocket path does (for `kuma self-check`): both on, or both off."""
    active = install()
    return {"send_batch": active, "no_deflate_accept": active}
