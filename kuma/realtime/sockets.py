"""One client's Socket.IO socket and the room index the hub keeps over all sockets.

A `Socket` sends (with back-pressure), waits for acks and joins/leaves rooms; `Rooms` maps a room name
to its members so a broadcast finds them without scanning every socket. The hub creates both and owns
the socket's lifetime (`Hub._remove_socket`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import trio

from kuma.realtime.connection import Connection
from kuma.realtime.engineio import new_sid
from kuma.realtime.socketio import encode_disconnect, encode_event

if TYPE_CHECKING:
    from kuma.realtime.hub import Hub

#: A socket's own sends wait (back-pressure) while more than this is queued for it; `send_encoded` hands
#: over about this much at a time.
DRAIN_BYTES = 2**20
#: How often a paced sender looks again at a server-wide budget that is more than half used.
BUDGET_POLL_SECONDS = 0.005
#: A client whose output made no progress for this long may be dropped to make room for paced senders.
STALLED_SECONDS = 5.0


class Rooms:
    """Room name → member sockets; a room exists only while it has members."""

    __slots__ = ("_members",)

    def __init__(self) -> None:
        self._members: dict[str, set[Socket]] = {}

    def add(self, room: str, sock: Socket) -> None:
        self._members.setdefault(room, set()).add(sock)

    def discard(self, room: str, sock: Socket) -> None:
        members = self._members.get(room)
        if members is not None:
            members.discard(sock)
            if not members:
                del self._members[room]

    def members(self, room: str) -> set[Socket] | tuple[()]:
        """The live member set (copy it before sending: a send may drop a member)."""
        return self._members.get(room, ())


class Socket:
    """One client's Socket.IO connection to the main namespace."""

    __slots__ = (
        "hub",
        "conn",
        "sid",
        "namespace",
        "session",
        "auth",
        "rooms",
        "connected",
        "disconnect_reason",
        "_inbox",
        "_working",
        "_acks",
        "_next_ack_id",
    )

    def __init__(self, hub: Hub, conn: Connection, namespace: str, auth: dict | None) -> None:
        self.hub = hub
        self.conn = conn
        self.sid = new_sid()
        self.namespace = namespace
        self.session: dict[str, Any] = {}
        self.auth: dict = auth or {}
        self.rooms: set[str] = set()
        self.connected = True
        self.disconnect_reason: str | None = None
        self._inbox: deque = deque()
        self._working = False
        self._acks: dict[int, list] = {}
        self._next_ack_id = 0

    def __repr__(self) -> str:
        return f"<Socket {self.sid} user={self.user_id}>"

    @property
    def user_id(self) -> int | None:
        return self.session.get("user_id")

    @property
    def headers(self) -> dict[str, str]:
        return self.conn.headers

    @property
    def remote_addr(self) -> str:
        return self.conn.remote_addr

    @property
    def transport(self) -> str:
        return self.conn.session.transport

    async def emit(self, event: str, *args: Any) -> None:
        """Send `event` with exactly these arguments to this socket; waits while too much is queued for it."""
        await self.emit_many([(event, args)])

    async def emit_many(self, events: Iterable[tuple[str, tuple | list]]) -> None:
        """Send several `(event, args)` in order with one hand-over to the transport, then wait while too much
        is queued for this socket (back-pressure instead of dropping it)."""
        if not self.connected:
            return
        frames: list = []
        for event, args in events:
            frames.extend(encode_event(event, args, self.namespace))
        if frames:
            self.conn.send_frames(frames, paced=True)
        await self.drain()

    async def send_encoded(self, frames: list) -> None:
        """Queue frames encoded already (`encode_event`, `event_frame_from_json`), about `DRAIN_BYTES` per
        hand-over, waiting while too much is queued for this socket (other work runs meanwhile)."""
        start = 0
        while start < len(frames) and self.connected:
            end, size = start, 0
            while end < len(frames) and (end == start or size + len(frames[end]) <= DRAIN_BYTES):
                size += len(frames[end])
                end += 1
            self.conn.send_frames(frames[start:end], paced=True)
            start = end
            await self.drain()
            await trio.lowlevel.checkpoint()  # a burst yields to other work between hand-overs

    async def drain(self) -> None:
        """Wait until this socket's queued output is back under `DRAIN_BYTES` (or it closed), and while the
        server-wide budget is more than half used: many bursts at once wait for room instead of pushing
        the total past the budget (which would drop clients). Clients stalled for `STALLED_SECONDS` are
        dropped to make that room; clients that read are never dropped for it."""
        if self.connected and self.conn.session.queued_bytes > DRAIN_BYTES:
            await self.conn.drain(DRAIN_BYTES)
        budget = self.hub.budget
        waited = 0.0
        while self.connected and budget.total > budget.limit // 2:
            if waited >= STALLED_SECONDS:
                self.hub.shed_outbound(budget.limit // 2, min_stall=STALLED_SECONDS)
                waited = 0.0
            await trio.sleep(BUDGET_POLL_SECONDS)
            waited += BUDGET_POLL_SECONDS

    async def call(self, event: str, *args: Any, timeout: float = 30.0) -> list:
        """Emit with an ack request and wait for the client's ack arguments."""
        if not self.connected:
            raise ConnectionError("socket is disconnected")
        self._next_ack_id += 1
        ack_id = self._next_ack_id
        waiter: list = [trio.Event(), None]
        self._acks[ack_id] = waiter
        self.conn.send_frames(encode_event(event, args, self.namespace, ack_id))
        try:
            with trio.fail_after(timeout):
                await waiter[0].wait()
        finally:
            self._acks.pop(ack_id, None)
        if waiter[1] is None:
            raise ConnectionError("socket disconnected before the ack")
        return waiter[1]

    def ack_received(self, ack_id: int | None, data: Any) -> None:
        """The client's ack for a `call`: wake its waiter (unknown ids are ignored)."""
        waiter = None if ack_id is None else self._acks.pop(ack_id, None)
        if waiter is not None:
            waiter[1] = data
            waiter[0].set()

    def fail_acks(self) -> None:
        """Wake every waiting `call` without a result: the caller sees a disconnect."""
        for waiter in self._acks.values():
            waiter[0].set()

    def join(self, room: str) -> None:
        room = str(room)
        if self.connected and room not in self.rooms:
            self.rooms.add(room)
            self.hub._rooms.add(room, self)

    def leave(self, room: str) -> None:
        room = str(room)
        if room in self.rooms:
            self.rooms.discard(room)
            self.hub._rooms.discard(room, self)

    async def disconnect(self) -> None:
        """Tell the client it was disconnected by the server (`41`) and close its connection."""
        if not self.connected:
            return
        self.conn.send_frames([encode_disconnect(self.namespace)])
        self.hub._remove_socket(self, "server namespace disconnect")
        self.conn.close("server namespace disconnect")
