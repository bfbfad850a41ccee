"""Trio side of one Engine.IO session: wakes writers and pollers, answers the hub's heartbeat timer, feeds the hub.

The protocol decisions live in the sans-io `EngineSession` / `SocketIOParser`; this class only waits.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, cast

import trio

from kuma.realtime.engineio import POLLING, EngineSession, Frame, Item, ProtocolError
from kuma.realtime.socketio import SioPacket, SocketIOParser
from kuma.realtime.turns import BulkTurns
from kuma.realtime.wire import WRITE_SLICE, Wire, write_slices, ws_messages

log = logging.getLogger(__name__)


class ConnectionOwner(Protocol):
    """What a Connection tells the one who opened it (the hub); it knows nothing else about it."""

    def packet_received(self, conn: Connection, packet: SioPacket) -> None: ...

    def connection_closed(self, conn: Connection) -> None:
        """The session closed, or its peer left (the teardown may wait for its turn): disconnect its sockets."""

    def connection_finished(self, conn: Connection) -> None:
        """The last output was fetched: forget the session id."""

    def timer_at(self, conn: Connection, deadline: float) -> None:
        """The session's heartbeat deadline moved earlier than the one filed (`kuma.realtime.heartbeat`)."""

    def shed_outbound(self) -> None:
        """The server-wide outbound budget is exceeded: drop the slowest consumers."""

    @property
    def bulk(self) -> BulkTurns:
        """The gate the slices of large writes wait at (`kuma.realtime.turns`)."""


def _now() -> float:
    try:
        return trio.current_time()
    except RuntimeError:  # outside a Trio run (sans-io tests)
        return 0.0


class Signal:
    """A re-armable event: `notify()` wakes everyone waiting now."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = trio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = trio.Event()

    async def wait(self) -> None:
        await self._event.wait()


class DirectWrite(Protocol):
    """Writes serialized websocket messages into the socket now (`kuma.realtime.hypercorn_ws.DirectWriter`)."""

    pending: bytes | None

    def try_write(self, data: bytes) -> bool: ...

    async def flush(self) -> None: ...


class Connection:
    """One client's Engine.IO session and its Socket.IO sockets (by namespace).

    On a websocket whose transport can be written directly (`direct`), what is sent while nothing is
    queued and the writer is idle goes into the socket at once, in the sender's task: an ack, a ping
    answer or a beat's events never wait behind a thousand writer tasks' turns. Anything else (a backlog,
    a paced burst, a socket that does not take it now) is queued for the writer, in order.
    """

    def __init__(
        self, owner: ConnectionOwner, session: EngineSession, headers: dict[str, str], remote_addr: str
    ) -> None:
        self.owner = owner
        self.session = session
        self.parser = SocketIOParser()
        self.headers = headers
        self.remote_addr = remote_addr
        self.sockets: dict[str, Any] = {}  # namespace → the owner's socket object
        self.changed = Signal()  # output queued, transport switched or closed
        self.taken = Signal()  # the transport took queued output (or the session closed)
        self._finished = False
        #: a closed polling session keeps its sid until its last packets are fetched or this trio time
        self._linger_until: float | None = None
        self.direct: DirectWrite | None = None  # set by the websocket endpoint while it serves this session
        self.writing = False  # the writer holds frames it took and has not finished sending
        #: trio time of the transport's last progress: when it last took output, or when output was queued
        #: while none waited. The oldest among clients with a backlog is the slowest consumer.
        self.progress_at = _now()
        #: while a handler that acks in one write runs (`hold`): what would have been written at once
        self.held: list[Item] | None = None

    @property
    def sid(self) -> str:
        return self.session.sid

    @property
    def closed(self) -> bool:
        return self.session.closed

    # ---- output ----------------------------------------------------------------------------------
    def send_frames(self, frames: Sequence[Item], share: int = 1, paced: bool = False) -> None:
        """Queue frames (`share`: recipients of the same frames; `paced`: the sender waits for the drain),
        or, unpaced on an idle websocket, write them now."""
        if paced:
            self._unhold()
        elif self._write_now(frames):
            return
        if not self.session.outbox:
            self.progress_at = _now()
        self.session.send_frames(frames, share, paced)
        self._after_change()
        if self.session.budget.over:
            self.owner.shed_outbound()

    def send_shared(self, frames: Sequence[Item], costs: list[int], size: int, cost: int) -> None:
        """A broadcast's frames (a shared `Wire`), sizes and charges computed once for all recipients."""
        if self._write_now(frames):
            return
        if not self.session.outbox:
            self.progress_at = _now()
        self.session.send_shared(frames, costs, size, cost)
        self._after_change()
        if self.session.budget.over:
            self.owner.shed_outbound()

    def hold(self) -> None:
        """A short handler runs (an `add`): what would be written at once meanwhile (its list event) waits
        for its ack, so both go out in one write (one syscall, one wake-up of the client)."""
        if self.direct is not None:
            self.held = []

    def release(self, frames: Sequence[Item] = ()) -> None:
        """The end of `hold`: what was held, then `frames` (the ack), in order."""
        held, self.held = self.held, None
        if held:
            frames = [*held, *frames]
        if frames:
            self.send_frames(frames)

    def _unhold(self) -> None:
        """What cannot be written at once is queued: what was held goes first, the hold ends."""
        held, self.held = self.held, None
        if held:
            self.send_frames(held)

    def _write_now(self, frames: Sequence[Item]) -> bool:
        """Into the socket at once when nothing is queued before them, the writer is idle and they are small
        (one short write: a list of megabytes goes to the writer, which sends it in slices)."""
        direct = self.direct
        if direct is None or self.writing or self.session.outbox or self.session.closed:
            self._unhold()
            return False
        if self.held is not None:
            self.held.extend(frames)
            return True
        if sum(map(len, frames)) > WRITE_SLICE:  # a large list: the writer sends it in slices, yielding
            return False
        data = frames[0].websocket_bytes() if len(frames) == 1 and isinstance(frames[0], Wire) else ws_messages(frames)
        if not direct.try_write(data):
            return False
        self.progress_at = _now()
        if direct.pending is not None:
            self.changed.notify()  # the writer sends the rest before anything else
        return True

    def send_frame_alone(self, frame: Frame) -> None:
        """Deliver `frame` in a polling payload of its own (the CONNECT ack, as Uptime Kuma does)."""
        self._unhold()
        self.session.flush_marker()
        self.session.send_frames([frame])
        self.session.flush_marker()
        self._after_change()

    def take_frames(self, max_frames: int | None = None, max_bytes: int | None = None) -> list[Item]:
        """For the websocket writer: a batch of queued frames; wakes senders waiting in `drain`."""
        frames = self.session.take_frames(max_frames, max_bytes)
        if frames:
            self.progress_at = _now()
            self.taken.notify()
        return frames

    def take_poll_payload(self) -> str | None:
        payload = self.session.take_poll_payload()
        if payload is not None:
            self.progress_at = _now()
            self.taken.notify()
            if self._linger_until is not None and not self.session.has_output():
                self._linger_until = None
                self.owner.connection_finished(self)  # the last packets are fetched
        return payload

    async def write_in_slices(self, data: bytes, write: Callable[[bytes | memoryview], Awaitable[None]]) -> None:
        """`write` the serialized `data`; a large one in slices (`WRITE_SLICE`), each after its turn at the
        hub's bulk gate, so a burst of megabytes never makes a loop turn long for everyone else."""
        slices = write_slices(data)
        if len(slices) == 1:
            await write(data)
            return
        for piece in slices:
            await self.owner.bulk.turn()
            direct = self.direct
            # one `write` when the socket takes it now (os.write takes any buffer: the slice is a view)
            if direct is not None and direct.try_write(cast(bytes, piece)):
                if direct.pending is not None:
                    await direct.flush()  # what the kernel did not take: through the transport, waiting for it
                continue
            await write(piece)

    async def drain(self, limit: int) -> None:
        """Back-pressure for a sender: wait until at most `limit` bytes wait for this peer (or it closed).
        The hard bound (`max_outbox_bytes`) still drops a peer that never reads."""
        while self.session.queued_bytes > limit and not self.session.closed:
            await self.taken.wait()

    def close(self, reason: str = "server namespace disconnect") -> None:
        self.session.close(reason)
        self._after_change()

    def drop(self, reason: str = "transport error") -> None:
        """Close at once, discarding what is queued (a consumer too slow for the outbound budget)."""
        self.session._close(reason)
        self._after_change()

    def _after_change(self) -> None:
        self.changed.notify()
        if self.session.closed:
            self.taken.notify()
            self._finish()

    # ---- input -----------------------------------------------------------------------------------
    def receive_messages(self, messages: list[Frame]) -> None:
        """Engine.IO MESSAGE payloads → Socket.IO packets → hub."""
        for message in messages:
            try:
                packets = self.parser.feed(message)
            except ProtocolError as exc:
                log.debug("socket.io protocol error from %s: %s", self.remote_addr, exc)
                self.session._close("parse error")
                break
            for packet in packets:
                self.owner.packet_received(self, packet)
        if self.session.closed:  # a parse error: wake the writer and the pollers (sends wake them)
            self._after_change()

    def receive_polling(self, body: bytes, now: float) -> None:
        self._receive(self.session.receive_polling, body, now)

    def receive_websocket(self, frame: Frame, now: float) -> None:
        self._receive(self.session.receive_websocket, frame, now)

    def _receive(self, decode: Callable[[Frame, float], list[Frame]], data: Frame, now: float) -> None:
        """Decode through the session (which closes itself on bad input), then hand the messages to the hub.
        Its waiters are woken only for what changed for them (a ping answer queued, a pong moving the ping
        deadline, the close): a plain message wakes neither the writer nor the heartbeat timer."""
        session = self.session
        deadline, queued = session.next_deadline(), len(session.outbox)
        try:
            messages = decode(data, now)
        finally:
            if not session.closed and session.next_deadline() < deadline:
                self.owner.timer_at(self, session.next_deadline())
            if session.closed or len(session.outbox) != queued:
                self._after_change()
        self.receive_messages(messages)

    def lost(self, reason: str) -> None:
        """The transport went away under us."""
        self.session.lose_transport(reason)
        self._after_change()

    # ---- lifetime --------------------------------------------------------------------------------
    def timer_due(self, now: float) -> float | None:
        """The hub's heartbeat timer: ping when due, close on a missing pong, end a polling session's linger.
        Returns the next deadline to file, or None once the session is finished."""
        session = self.session
        if session.closed:
            if self._linger_until is not None and now < self._linger_until and session.has_output():
                return self._linger_until
            self._linger_until = None
            self.owner.connection_finished(self)
            return None
        if session.next_deadline() > now:
            return session.next_deadline()  # a pong moved it: nothing to send
        session.handle_timers(now)
        self._after_change()
        return self._linger_until if session.closed else session.next_deadline()

    def _finish(self) -> None:
        """Once: disconnect its sockets and forget the session, at once, or (a polling client that still has
        to fetch the last packets, `41` and the close) once fetched or after a linger."""
        if self._finished:
            return
        self._finished = True
        self.owner.connection_closed(self)
        session = self.session
        if session.transport == POLLING and session.has_output():
            self._linger_until = _now() + min(session.config.ping_timeout, 5.0)
            self.owner.timer_at(self, self._linger_until)
        else:
            self.owner.connection_finished(self)
