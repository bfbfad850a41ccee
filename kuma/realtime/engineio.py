"""Sans-io Engine.IO v4 server session: bytes/strings in, packets out, no I/O and no clock of its own.

The Trio adapter (`kuma.realtime.connection`) feeds what arrives on the wire together with the current
time, sends what `take_poll_payload()` / `take_frames()` hand out, and calls `handle_timers(now)` when
`next_deadline()` is reached. Every malformed input raises `ProtocolError`; the adapter then closes that
one session.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kuma.realtime.budget import DEFAULT_SOCKET_BYTES, OutboundBudget
from kuma.realtime.wire import Wire

OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP = "0", "1", "2", "3", "4", "5", "6"
PACKET_TYPES = frozenset("0123456")
RECORD_SEPARATOR = "\x1e"

POLLING = "polling"
WEBSOCKET = "websocket"

Frame = str | bytes  # one encoded Engine.IO packet: text ("4…") or a raw binary message
Item = Frame | Wire  # what an outbox holds: a frame, or a batch of frames shared with other outboxes


class ProtocolError(Exception):
    """The peer broke the protocol: the session that received it is closed."""


#: `FLUSH` in the outbox ends a polling payload there (Socket.IO's CONNECT ack travels alone).
FLUSH = object()


@dataclass(frozen=True)
class EngineConfig:
    ping_interval: float = 25.0  # seconds
    ping_timeout: float = 20.0
    max_payload: int = 1_000_000  # bytes per polling body / websocket message
    # piled up for a client that does not read before it is dropped (text counted in chars); the socket's
    # own paced sends (login burst) wait for the drain instead and do not count against it
    max_outbox_bytes: int = DEFAULT_SOCKET_BYTES
    max_packets_per_payload: int = 10_000  # python-engineio's decoder stops at 16 by default


def new_sid() -> str:
    """20 URL-safe characters, like the Node server's ids."""
    return base64.urlsafe_b64encode(os.urandom(15)).decode("ascii")


def decode_packet(raw: Frame) -> tuple[str, Frame]:
    """One encoded packet → (type, data). Binary data arrives raw (websocket) or as `b<base64>` (polling)."""
    if isinstance(raw, (bytes, bytearray, memoryview)):
        return MESSAGE, bytes(raw)
    if not isinstance(raw, str) or not raw:
        raise ProtocolError("empty packet")
    kind = raw[0]
    if kind == "b":
        try:
            return MESSAGE, base64.b64decode(raw[1:], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProtocolError("invalid base64 packet") from exc
    if kind not in PACKET_TYPES:
        raise ProtocolError("unknown packet type")
    return kind, raw[1:]


def decode_payload(body: bytes | str, max_packets: int) -> list[tuple[str, Frame]]:
    """A polling POST body → packets (separated by U+001E)."""
    if isinstance(body, (bytes, bytearray)):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("payload is not UTF-8") from exc
    if not body:
        raise ProtocolError("empty payload")
    parts = body.split(RECORD_SEPARATOR)
    if len(parts) > max_packets:
        raise ProtocolError("too many packets in payload")
    return [decode_packet(part) for part in parts]


def _size(item: object) -> int:
    return 0 if item is FLUSH else len(item)  # type: ignore[arg-type]  # a frame: str or bytes


def _cost(item: Item, size: int, share: int) -> int:
    """What one outbox item charges the budget: its share of what its recipients hold together."""
    if isinstance(item, Wire) and item.held:
        return 1
    return size // share + 1 if share > 1 else size


def encode_for_polling(frame: Frame) -> str:
    if isinstance(frame, str):
        return frame
    return "b" + base64.b64encode(frame).decode("ascii")


def encode_payload(frames: list[Frame]) -> str:
    return RECORD_SEPARATOR.join(encode_for_polling(f) for f in frames)


def open_packet(sid: str, upgrades: list[str], config: EngineConfig) -> str:
    body = {
        "sid": sid,
        "upgrades": upgrades,
        "pingInterval": int(config.ping_interval * 1000),
        "pingTimeout": int(config.ping_timeout * 1000),
        "maxPayload": config.max_payload,
    }
    return OPEN + json.dumps(body, separators=(",", ":"))


class EngineSession:
    """One Engine.IO session: heartbeat deadlines, the outgoing queue, polling and the websocket upgrade.

    `receive_*` methods return the MESSAGE payloads (str or bytes) for the Socket.IO layer.
    """

    def __init__(
        self,
        config: EngineConfig,
        now: float,
        transport: str = POLLING,
        sid: str | None = None,
        budget: OutboundBudget | None = None,
    ) -> None:
        self.sid = sid or new_sid()
        self.budget = budget or OutboundBudget(2**62)  # server-wide (shared); a private one by default
        self.config = config
        self.transport = transport
        self.closed = False
        self.close_reason: str | None = None
        self.transport_gone = False  # lost under us: nothing more can be delivered, not even a close packet
        self.outbox: deque = deque()
        self.queued_bytes = 0  # size of the frames in outbox (FLUSH markers not counted)
        self._costs: deque[int] = deque()  # what each outbox item charged the budget (its share)
        self.queued_cost = 0  # sum of _costs
        self.poll_pending = False  # a polling GET is waiting for packets
        self.upgrading = False  # got `2probe` on a websocket
        self.upgrade_requested = False  # got `5`: switch as soon as no GET is pending
        self._next_ping = now + config.ping_interval
        self._pong_deadline: float | None = None

    # ---- handshake -------------------------------------------------------------------------------
    def handshake(self) -> str:
        upgrades = [WEBSOCKET] if self.transport == POLLING else []
        return open_packet(self.sid, upgrades, self.config)

    # ---- sending ---------------------------------------------------------------------------------
    def send_message(self, data: Frame) -> None:
        """Queue one MESSAGE packet (text gets the `4` prefix; binary is sent raw)."""
        self.send_frames([MESSAGE + data if isinstance(data, str) else data])

    def send_frames(self, frames: Sequence[Item], share: int = 1, paced: bool = False) -> None:
        """Queue already-encoded packets. A broadcast's frames are shared by `share` recipients: each is
        charged its part. `paced`: the sender waits for the drain (back-pressure), so this hand-over is not
        held against `max_outbox_bytes`; everything else that piles up past it behind a backlog drops the
        client."""
        if self.closed:
            return
        sizes = list(map(len, frames))
        costs = [_cost(frame, size, share) for frame, size in zip(frames, sizes)]
        self.send_shared(frames, costs, sum(sizes), sum(costs), paced)

    def send_shared(self, frames: Sequence[Item], costs: list[int], size: int, cost: int, paced: bool = False) -> None:
        """`send_frames` with the sizes worked out once by the broadcaster for every recipient."""
        if self.closed:
            return
        behind = self.queued_bytes > 0
        self.outbox.extend(frames)
        self._costs.extend(costs)
        self.queued_bytes += size
        self.queued_cost += cost
        self.budget.charge(cost)
        if behind and not paced and self.queued_bytes > self.config.max_outbox_bytes:
            self._close("transport error")  # the client cannot keep up (one large list alone is let through)

    def _popleft(self) -> Any:
        """The next outbox item, its charge released."""
        cost = self._costs.popleft()
        self.queued_cost -= cost
        self.budget.release(cost)
        return self.outbox.popleft()

    def flush_marker(self) -> None:
        """End the current polling payload here."""
        if not self.closed:
            self.outbox.append(FLUSH)
            self._costs.append(0)

    def has_output(self) -> bool:
        return bool(self.outbox)

    # ---- polling transport -----------------------------------------------------------------------
    def begin_poll(self) -> None:
        """A polling GET arrived. Raises ProtocolError for a GET on an upgraded or already-polled session."""
        if self.transport != POLLING or self.upgrade_requested:
            raise ProtocolError("polling on a websocket session")
        if self.poll_pending:
            self._close("transport error")
            raise ProtocolError("overlapping polling requests")
        self.poll_pending = True

    def take_poll_payload(self) -> str | None:
        """The body for the waiting GET, or None while there is nothing to send yet."""
        frames: list[Frame] = []
        while self.outbox:
            if self.outbox[0] is FLUSH:
                self._popleft()
                if frames:
                    break
                continue
            item = self._popleft()  # not FLUSH: checked above
            if isinstance(item, Wire):
                frames.extend(item.frames)
            else:
                frames.append(item)
        self.queued_bytes -= sum(map(len, frames))
        if self.closed and not self.outbox and not self.transport_gone:
            frames.append(CLOSE)
        return encode_payload(frames) if frames else None

    def end_poll(self) -> None:
        self.poll_pending = False
        if self.upgrade_requested and self.transport == POLLING and not self.closed:
            self.transport = WEBSOCKET

    def receive_polling(self, body: bytes | str, now: float) -> list[Frame]:
        """A polling POST body (one payload of packets) → the MESSAGE data it carried."""
        return self._receive(
            body, now, "payload too large", lambda data: decode_payload(data, self.config.max_packets_per_payload)
        )

    def _receive(
        self, data: Frame, now: float, too_large: str, decode: Callable[[Frame], list[tuple[str, Frame]]]
    ) -> list[Frame]:
        """Both transports' input rules: nothing after close, size bound, a parse error closes the session."""
        if self.closed:
            return []
        if len(data) > self.config.max_payload:
            self._close("transport error")
            raise ProtocolError(too_large)
        try:
            packets = decode(data)
        except ProtocolError:
            self._close("parse error")
            raise
        return self._receive_packets(packets, now)

    # ---- websocket transport ---------------------------------------------------------------------
    def take_frames(self, max_frames: int | None = None, max_bytes: int | None = None) -> list[Item]:
        """What is queued (at most `max_frames` items, and no more than `max_bytes` beyond the first), for
        the websocket writer (FLUSH markers dropped; a shared `Wire` batch is one item).

        The writer takes a bounded batch at a time, so `queued_bytes` keeps measuring what the peer has
        not accepted yet and senders can wait for it to shrink (back-pressure)."""
        outbox = self.outbox
        if (max_frames is None or len(outbox) <= max_frames) and (max_bytes is None or self.queued_bytes <= max_bytes):
            everything: list[Item] = [f for f in outbox if f is not FLUSH]
            outbox.clear()
            self._costs.clear()
            self.budget.release(self.queued_cost)
            self.queued_bytes = self.queued_cost = 0
            return everything
        frames: list[Item] = []
        taken = 0
        limit_frames = max_frames if max_frames is not None else len(outbox)
        limit_bytes = max_bytes if max_bytes is not None else self.queued_bytes
        while outbox and len(frames) < limit_frames and (not frames or taken + _size(outbox[0]) <= limit_bytes):
            item = self._popleft()
            if item is not FLUSH:
                frames.append(item)
                taken += _size(item)
        self.queued_bytes -= taken
        return frames

    def receive_websocket(self, frame: Frame, now: float) -> list[Frame]:
        """One websocket message (one packet) → the MESSAGE data it carried."""
        return self._receive(frame, now, "message too large", lambda data: [decode_packet(data)])

    def receive_probe(self, frame: Frame) -> list[Frame]:
        """A frame on the websocket that wants to take over a polling session → frames to answer on it.

        Raises ProtocolError when the probe is malformed (only the probe websocket is dropped then).
        """
        if self.closed or self.transport != POLLING:
            raise ProtocolError("nothing to upgrade")
        if frame == PING + "probe":
            self.upgrading = True
            if self.poll_pending and not self.outbox:
                self.send_frames([NOOP])  # release the waiting GET so the client can pause polling
            return [PONG + "probe"]
        if frame == UPGRADE and self.upgrading:
            self.upgrade_requested = True
            if not self.poll_pending:
                self.transport = WEBSOCKET
            return []
        raise ProtocolError("unexpected packet during upgrade")

    # ---- heartbeat -------------------------------------------------------------------------------
    def next_deadline(self) -> float:
        if self.closed:
            return float("-inf")
        return self._pong_deadline if self._pong_deadline is not None else self._next_ping

    def handle_timers(self, now: float) -> None:
        if self.closed:
            return
        if self._pong_deadline is not None:
            if now >= self._pong_deadline:
                self._close("ping timeout")
            return
        if now >= self._next_ping:
            self.send_frames([PING])
            self._pong_deadline = now + self.config.ping_timeout

    # ---- closing ---------------------------------------------------------------------------------
    def close(self, reason: str = "forced close") -> None:
        """Server-side close: what is queued is still delivered, then the close packet / websocket close."""
        if not self.closed:
            self.closed = True
            self.close_reason = reason

    def lose_transport(self, reason: str) -> None:
        """The transport went away: close without a close packet (a client that still polls is told its
        request failed, so it reconnects, as after any network error)."""
        self._close(reason)
        self.transport_gone = True

    def _close(self, reason: str) -> None:
        """Close after an error or a lost peer: whatever is queued is dropped."""
        if not self.closed:
            self.closed = True
            self.close_reason = reason
        self.outbox.clear()
        self._costs.clear()
        self.budget.release(self.queued_cost)
        self.queued_bytes = self.queued_cost = 0

    # ---- incoming packets ------------------------------------------------------------------------
    def _receive_packets(self, packets: list[tuple[str, Frame]], now: float) -> list[Frame]:
        messages: list[Frame] = []
        for kind, data in packets:
            if self.closed:
                break
            if kind == MESSAGE:
                messages.append(data)
            elif kind == PONG:
                self._pong_deadline = None
                self._next_ping = now + self.config.ping_interval
            elif kind == CLOSE:
                self._close("transport close")
            elif kind == NOOP:
                pass
            elif kind == PING:  # clients do not ping in v4; answer anyway, like a v3 peer expects
                self.send_frames([PONG + data] if isinstance(data, str) else [PONG])
            else:  # OPEN or UPGRADE from a client on an established transport
                self._close("parse error")
                raise ProtocolError(f"unexpected packet type {kind}")
        return messages
