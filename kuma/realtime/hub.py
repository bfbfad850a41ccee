"""The Socket.IO hub: handlers by event name, sockets, rooms and broadcasts (API in docs/CONTRACTS.md).

Each socket's events are handled in arrival order by a worker task that exists only while the socket has
work queued; sockets run concurrently with each other. Disconnect hooks run in a task of their own at once,
so a handler that hangs cannot hold them back. Heartbeats are handled below this layer, so a slow
handler never delays a pong. `Socket` (sends, acks, rooms of one client) and the room index live in
`kuma.realtime.sockets`; `Socket` is importable from here too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import trio

from kuma.realtime.budget import DEFAULT_BUDGET_BYTES, DEFAULT_SOCKET_BYTES, OutboundBudget
from kuma.realtime.connection import Connection
from kuma.realtime.engineio import EngineConfig, EngineSession
from kuma.realtime.heartbeat import Heartbeats
from kuma.realtime.socketio import (
    ACK,
    CONNECT,
    DISCONNECT,
    EVENT,
    SioPacket,
    encode_ack,
    encode_connect,
    encode_connect_error,
    encode_event,
    event_frame_from_json,
)
from kuma.realtime.sockets import DRAIN_BYTES, Rooms, Socket
from kuma.realtime.turns import BulkTurns
from kuma.realtime.wire import Wire

__all__ = ["DRAIN_BYTES", "ONE_WRITE", "Handler", "Hub", "Socket", "SocketHook", "acks_in_one_write", "setup"]

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[Any]]
SocketHook = Callable[[Socket], Awaitable[None]]

#: Websocket teardowns at once: a thousand peers leaving together go this many per loop turn or so, so the
#: turns stay short for everyone still connected (each teardown is a few task steps in Trio and Hypercorn).
LEAVING_AT_ONCE = 32

#: Recipients a broadcast is written to before it yields to other work (kuma/realtime/hub.py `_fan_out`).
FANOUT_SLICE = 250

_CONNECT_JOB = "connect"
_EVENT_JOB = "event"


class Hub:
    """Socket.IO server state. Ping values are configurable so tests can use small ones."""

    def __init__(
        self,
        *,
        ping_interval: float = 25.0,
        ping_timeout: float = 20.0,
        max_payload: int = 1_000_000,
        max_outbox_bytes: int = DEFAULT_SOCKET_BYTES,
        outbound_budget_bytes: int = DEFAULT_BUDGET_BYTES,
        origin_check: str = "cors-like",
        path: str = "/socket.io/",
        max_pending_events: int = 1000,
    ) -> None:
        self.engine_config = EngineConfig(
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
            max_payload=max_payload,
            max_outbox_bytes=max_outbox_bytes,
        )
        self.budget = OutboundBudget(outbound_budget_bytes)  # every client's queued output together
        self.dropped_slow = 0  # clients dropped by the budget
        self.origin_check = origin_check
        self.max_pending_events = max_pending_events  # per socket, before the client is dropped
        self.path = path
        self.nursery: trio.Nursery | None = None
        self.accepting = True
        self._handlers: dict[str, Handler] = {}
        self._connect_hooks: list[SocketHook] = []
        self._disconnect_hooks: list[SocketHook] = []
        self._connections: dict[str, Connection] = {}
        self.heartbeats = Heartbeats(self._connections.get)  # every session's ping/pong deadlines, one task
        self._sockets: dict[str, Socket] = {}
        self._rooms = Rooms()
        self._transports_open = 0  # websocket writers / polls in flight, for a quick shutdown
        self._transports_idle = trio.Event()
        self._transports_idle.set()
        #: websocket sessions whose peer left that may tear down at once (kuma/realtime/endpoint.py)
        self.leaving = trio.Semaphore(LEAVING_AT_ONCE)
        self._fanning = trio.Lock()  # a broadcast sent in slices (one at a time: the order stays the same)
        self.bulk = BulkTurns()  # the slices of large websocket writes take turns (kuma/realtime/turns.py)

    # ---- registration ----------------------------------------------------------------------------
    def on(self, event: str) -> Callable[[Handler], Handler]:
        """Register the one handler for `event`: `async fn(sock, *args)`; its return value is the ack."""

        def decorator(fn: Handler) -> Handler:
            if event in self._handlers:
                log.warning("handler for %r replaced", event)
            self._handlers[event] = fn
            return fn

        return decorator

    def event_names(self) -> list[str]:
        """Every event that has a handler, sorted (`kuma self-check` compares builds with it)."""
        return sorted(self._handlers)

    def on_connect(self, fn: SocketHook) -> SocketHook:
        self._connect_hooks.append(fn)
        return fn

    def on_disconnect(self, fn: SocketHook) -> SocketHook:
        self._disconnect_hooks.append(fn)
        return fn

    # ---- sending ---------------------------------------------------------------------------------
    async def emit(self, event: str, *args: Any, room: str | None = None) -> None:
        """Send to everyone connected, or to every socket in `room`. Encoded once for all recipients."""
        await self.emit_many([(event, args)], room)

    async def emit_many(self, events: Iterable[tuple[str, tuple | list]], room: str | None = None) -> None:
        """Several `(event, args)` in order, encoded once, one hand-over per recipient (no waiting: a
        recipient that cannot keep up is dropped by its outbox bound)."""
        targets: Iterable[Socket] = self._sockets.values() if room is None else self._rooms.members(str(room))
        if not targets:
            return
        frames: list = []
        for event, args in events:
            frames.extend(encode_event(event, args))
        await self._fan_out(Wire(frames), list(targets))

    async def emit_json(self, event: str, json_args: list[str], room: str | None = None) -> None:
        """`emit` of arguments that are JSON text already (a list kept encoded): the same bytes."""
        targets: Iterable[Socket] = self._sockets.values() if room is None else self._rooms.members(str(room))
        if not targets:
            return
        await self._fan_out(Wire([event_frame_from_json(event, json_args)]), list(targets))

    async def emit_wire(self, wire: Wire, room: str | None = None) -> None:
        """`emit` of frames encoded already as one `Wire` (a large list serialized in a worker thread)."""
        targets: Iterable[Socket] = self._sockets.values() if room is None else self._rooms.members(str(room))
        if targets:
            await self._fan_out(wire, list(targets))

    async def _fan_out(self, wire: Wire, recipients: list[Socket]) -> None:
        """`send_wire` in slices of `FANOUT_SLICE` recipients, yielding between them: a beat to two thousand
        dashboards is two thousand socket writes, and another socket's ack goes out between the slices
        instead of after all of them. Fan-outs take turns (`_fanning`), so every socket still gets the
        broadcasts in the order they were made. One slice or less, uncontended: sent at once, no yield."""
        lock = self._fanning
        if len(recipients) <= FANOUT_SLICE and not lock.locked():
            self.send_wire(wire, recipients)
            return
        async with lock:
            cost = wire.size // max(1, len(recipients)) + 1
            for start in range(0, len(recipients), FANOUT_SLICE):
                if start:
                    await trio.lowlevel.checkpoint()
                self._send_slice(wire, recipients[start : start + FANOUT_SLICE], cost)

    def send_wire(self, wire: Wire, recipients: list[Socket]) -> None:
        """One shared batch to these sockets: serialized once, the same bytes for every websocket (written
        at once to those idle, queued for the others), charged once in all (each outbox its share)."""
        self._send_slice(wire, recipients, wire.size // max(1, len(recipients)) + 1)

    @staticmethod
    def _send_slice(wire: Wire, recipients: list[Socket], cost: int) -> None:
        items, costs = [wire], [cost]
        for sock in recipients:
            if sock.connected:
                sock.conn.send_shared(items, costs, wire.size, cost)

    def room_size(self, room: str) -> int:
        return len(self._rooms.members(str(room)))

    def sockets(self) -> list[Socket]:
        return list(self._sockets.values())

    def sockets_in_room(self, room: str) -> list[Socket]:
        return list(self._rooms.members(str(room)))

    def get_socket(self, sid: str) -> Socket | None:
        return self._sockets.get(sid)

    # ---- service ---------------------------------------------------------------------------------
    async def run(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        """The hub's nursery: the heartbeat timer and handler workers live here."""
        async with trio.open_nursery() as nursery:
            self.nursery = nursery
            self.accepting = True
            nursery.start_soon(self.bulk.run)
            nursery.start_soon(self.heartbeats.run)
            task_status.started()
            try:
                await trio.sleep_forever()
            finally:
                self.nursery = None

    async def close_all(self) -> None:
        """Shutdown: close every session so clients see it at once and no request waits for a timeout."""
        self.accepting = False
        for conn in list(self._connections.values()):
            conn.close("server shutting down")
        with trio.move_on_after(2):
            await self._transports_idle.wait()

    # ---- engine side (used by the endpoint) -------------------------------------------------------
    def open_connection(self, transport: str, headers: dict[str, str], remote_addr: str) -> Connection:
        if self.nursery is None or not self.accepting:
            raise RuntimeError("the realtime hub is not running")
        session = EngineSession(self.engine_config, trio.current_time(), transport, budget=self.budget)
        conn = Connection(self, session, headers, remote_addr)
        self._connections[session.sid] = conn
        self.heartbeats.schedule(session.sid, session.next_deadline())
        return conn

    def get_connection(self, sid: str) -> Connection | None:
        return self._connections.get(sid)

    def transport_opened(self) -> None:
        self._transports_open += 1
        if self._transports_idle.is_set():
            self._transports_idle = trio.Event()

    def transport_closed(self) -> None:
        self._transports_open -= 1
        if self._transports_open <= 0:
            self._transports_open = 0
            self._transports_idle.set()

    def connection_finished(self, conn: Connection) -> None:
        if self._connections.get(conn.sid) is conn:
            del self._connections[conn.sid]
            self.heartbeats.forget(conn.sid)

    def timer_at(self, conn: Connection, deadline: float) -> None:
        if self._connections.get(conn.sid) is conn:
            self.heartbeats.schedule(conn.sid, deadline)

    def shed_outbound(self, limit: int | None = None, min_stall: float = 0.0) -> None:
        """Over the outbound budget (or `limit`): drop the slowest consumer (the backlog with the oldest
        progress; the larger backlog among equals) until the total is back under it. Nobody else is
        touched; with `min_stall`, only clients whose output made no progress for that long."""
        budget = self.budget
        limit = budget.limit if limit is None else limit
        now = trio.current_time()
        while budget.total > limit:
            behind = [
                c
                for c in self._connections.values()
                if c.session.queued_bytes and not c.closed and now - c.progress_at >= min_stall
            ]
            if not behind:
                return
            victim = min(behind, key=lambda c: (c.progress_at, -c.session.queued_bytes))
            log.warning(
                "outbound budget exceeded (%d bytes queued, limit %d): dropping the slowest client %s "
                "(%d bytes waiting, no progress for %.1f s)",
                budget.total,
                limit,
                victim.remote_addr,
                victim.session.queued_bytes,
                now - victim.progress_at,
            )
            self.dropped_slow += 1
            victim.drop("transport error")

    def connection_closed(self, conn: Connection) -> None:
        reason = conn.session.close_reason or "transport close"
        for sock in list(conn.sockets.values()):
            self._remove_socket(sock, reason)

    # ---- Socket.IO packets ------------------------------------------------------------------------
    def packet_received(self, conn: Connection, packet: SioPacket) -> None:
        if packet.type == CONNECT:
            self._on_connect_packet(conn, packet)
            return
        sock = conn.sockets.get(packet.namespace)
        if sock is None:
            return  # not connected to that namespace: ignored, as Socket.IO does
        if packet.type == EVENT:
            self._enqueue(sock, (_EVENT_JOB, packet))
        elif packet.type == ACK:
            sock.ack_received(packet.id, packet.data)
        elif packet.type == DISCONNECT:
            self._remove_socket(sock, "client namespace disconnect")

    def _on_connect_packet(self, conn: Connection, packet: SioPacket) -> None:
        if packet.namespace != "/":
            conn.send_frames([encode_connect_error("Invalid namespace", packet.namespace)])
            return
        if packet.namespace in conn.sockets:
            return  # already connected
        sock = Socket(self, conn, packet.namespace, packet.data)
        conn.sockets[packet.namespace] = sock
        self._sockets[sock.sid] = sock
        conn.send_frame_alone(encode_connect(sock.sid, packet.namespace))
        self._enqueue(sock, (_CONNECT_JOB, None))

    def _remove_socket(self, sock: Socket, reason: str) -> None:
        if not sock.connected:
            return
        sock.connected = False
        sock.disconnect_reason = reason
        for room in list(sock.rooms):
            sock.leave(room)
        self._sockets.pop(sock.sid, None)
        if sock.conn.sockets.get(sock.namespace) is sock:
            del sock.conn.sockets[sock.namespace]
        sock.fail_acks()
        sock._inbox.clear()  # events not yet handled die with the socket
        if self._disconnect_hooks and self.nursery is not None:  # not queued: a hung handler must not hold them
            self.nursery.start_soon(self._run_hooks, self._disconnect_hooks, sock, "disconnect")

    # ---- per-socket worker -----------------------------------------------------------------------
    def _enqueue(self, sock: Socket, job: tuple) -> None:
        if job[0] == _EVENT_JOB and len(sock._inbox) >= self.max_pending_events:
            log.warning("dropping %s: %d events waiting for its handlers", sock.remote_addr, len(sock._inbox))
            self._remove_socket(sock, "server namespace disconnect")
            sock.conn.close("transport error")
            return
        sock._inbox.append(job)
        if not sock._working:
            if self.nursery is None:
                return
            sock._working = True
            self.nursery.start_soon(self._work, sock)

    async def _work(self, sock: Socket) -> None:
        try:
            while sock._inbox:
                kind, value = sock._inbox.popleft()
                try:
                    if kind == _EVENT_JOB:
                        if sock.connected:
                            await self._handle_event(sock, value)
                    else:
                        await self._run_hooks(self._connect_hooks, sock, "connect")
                except Exception:  # never let one client's job take the hub's nursery down
                    log.exception("socket job %s failed", kind)
        finally:
            sock._working = False

    async def _run_hooks(self, hooks: list[SocketHook], sock: Socket, what: str) -> None:
        for hook in hooks:
            try:
                await hook(sock)
            except Exception:
                log.exception("%s hook %s failed", what, getattr(hook, "__name__", hook))

    async def _handle_event(self, sock: Socket, packet: SioPacket) -> None:
        handler = self._handlers.get(packet.event)
        if handler is None:
            log.debug("no handler for %r", packet.event)
            return  # Uptime Kuma never acks an unknown event
        if not getattr(handler, ONE_WRITE, False):
            await self._run_handler(sock, packet, handler, sock.conn.send_frames)
            return
        conn = sock.conn
        conn.hold()
        try:
            await self._run_handler(sock, packet, handler, conn.release)
        finally:
            conn.release()  # no ack (or a failure): what was held goes out anyway

    async def _run_handler(
        self, sock: Socket, packet: SioPacket, handler: Handler, send: Callable[[list], None]
    ) -> None:
        try:
            result = await handler(sock, *packet.args)
        except Exception as exc:
            log.exception("handler for %r failed", packet.event)
            result = {"ok": False, "msg": str(exc)}
        if packet.id is None or not sock.connected:
            return
        if result is None:
            args: tuple | list = ()
        elif isinstance(result, tuple):
            args = result
        else:
            args = (result,)
        try:
            frames = encode_ack(packet.id, args, sock.namespace)
        except (TypeError, ValueError) as exc:  # a reply that is not JSON: say so instead of never acking
            log.error("handler for %r returned an unencodable ack: %s", packet.event, exc)
            frames = encode_ack(packet.id, ({"ok": False, "msg": str(exc)},), sock.namespace)
        send(frames)


#: The attribute `acks_in_one_write` sets on a handler.
ONE_WRITE = "kuma_acks_in_one_write"


def acks_in_one_write(fn: Handler) -> Handler:
    """Mark a short handler whose events to its own socket (an `add`'s `updateMonitorIntoList`) should go
    out with its ack in one write; `functools.wraps` carries the mark through the handler's wrappers."""
    setattr(fn, ONE_WRITE, True)
    return fn


def setup(app) -> None:
    """Put the hub at `app.hub`, run it as a service and close its sessions first at shutdown."""
    config = app.config
    hub = Hub(
        origin_check=config.ws_origin_check,
        max_outbox_bytes=config.socket_outbox_bytes,
        outbound_budget_bytes=config.outbound_budget_bytes,
    )
    app.hub = hub
    app.add_service("realtime-hub", hub.run)
    app.on_shutdown(hub.close_all)
