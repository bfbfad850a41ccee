"""Many clients (issue #15): the server-wide outbound budget and fairness between sockets.

- the budget drops the slowest consumer, and nobody else; a broadcast is charged once, not per recipient;
  the total goes back to zero when the clients are gone (in-process hub, no network: the rules only);
- a socket that stops reading, with its own burst stuck behind it, does not hold back another socket's
  acks (real hub, endpoint and Hypercorn; real clients).
"""
from __future__ import annotations

import json
import logging
import socket

import trio
import websocket

from kuma.realtime import ws_front
from kuma.realtime.hub import Hub
from kuma.realtime.socketio import CONNECT, SioPacket
from tests.realtime.harness import HubServer
from tests.realtime.util import RecordingClient, wait_until


async def _connected(hub: Hub, n: int) -> list:
    conns = []
    for k in range(n):
        conn = hub.open_connection("websocket", {}, f"10.0.0.{k}")
        hub.packet_received(conn, SioPacket(CONNECT, "/"))
        conns.append(conn)
    await trio.sleep(0.1)  # the connect jobs
    for conn in conns:
        conn.take_frames()  # the CONNECT acks
    return conns


async def test_budget_drops_only_the_slowest_consumer_and_returns_to_zero(autojump_clock, caplog):
    hub = Hub(outbound_budget_bytes=200_000, max_outbox_bytes=10**9)
    caplog.set_level(logging.WARNING, logger="kuma.realtime.hub")
    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        conns = await _connected(hub, 4)
        slow = conns[1]  # never reads
        payload = "x" * 10_000
        await hub.emit("tick", payload)
        assert hub.budget.total < 2 * len(payload)  # shared by 4 outboxes, charged about once
        for _ in range(200):
            await hub.emit("tick", payload)
            await trio.sleep(0.05)
            for conn in conns:
                if conn is not slow:
                    assert conn.take_frames()  # these read everything
        assert slow.closed and slow.session.close_reason == "transport error"
        assert [c.closed for c in conns] == [False, True, False, False]
        assert hub.budget.total <= hub.budget.limit and hub.dropped_slow == 1
        assert "dropping the slowest client 10.0.0.1" in caplog.text
        assert len(hub.sockets()) == 3
        for conn in conns:
            await hub.emit("tick", payload)  # queued, never read: then the clients go away
            conn.lost("transport close")
        assert hub.budget.total == 0
        nursery.cancel_scope.cancel()


async def test_the_slowest_is_the_oldest_backlog_not_the_largest(autojump_clock):
    """A client that reads a big burst steadily has the largest backlog; the one that stopped reading goes."""
    hub = Hub(outbound_budget_bytes=3_000_000, max_outbox_bytes=10**9)
    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        reader, stalled = await _connected(hub, 2)
        stalled.send_frames(["4" + "s" * 100_000])  # then it stops reading
        await trio.sleep(1)
        for _ in range(100):
            reader.send_frames(["4" + "r" * 100_000, "4" + "r" * 100_000], paced=True)
            await trio.sleep(0.01)
            reader.take_frames(max_frames=1)  # reads, but slower than it is fed
            if stalled.closed:
                break
        assert reader.session.queued_bytes > 100_001  # the larger backlog, but it made progress
        assert stalled.closed and not reader.closed
        nursery.cancel_scope.cancel()


def _flood_handlers(hub, app) -> None:
    @hub.on("flood")
    async def flood(sock):
        """The socket's own paced sends (as a login burst is): 40 × 256 KiB."""
        app.test_state["flooding"] = sock.sid
        for _ in range(40):
            await sock.emit("blob", "b" * 2**18)
        app.test_state["flooded"] = True
        return {"ok": True}

    @hub.on("echo")
    async def echo(sock, *args):
        return args

    @hub.on("big")
    async def big(sock, n):
        """Paced sends of megabytes (a large `monitorList`, a notification of a megabyte): written in slices."""
        for k in range(n):
            await sock.emit("big", k, chr(ord("a") + k) * (3 * 2**20 + k))
        return {"ok": True}


def test_a_socket_that_stops_reading_does_not_delay_another_sockets_acks(tmp_path):
    server = HubServer(tmp_path / "data", setup=_flood_handlers).start()
    stuck = websocket.WebSocket()
    stuck.sock_opt.sockopt.append((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096))
    try:
        stuck.connect(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10)
        assert stuck.recv().startswith("0")
        stuck.send("40")
        assert stuck.recv().startswith("40")
        stuck.send('420["flood"]')  # ... and never reads again
        wait_until(lambda: server.app.test_state.get("flooding"), what="the flood started")
        sid = server.app.test_state["flooding"]

        def backlog() -> int:
            sock = server.hub.get_socket(sid)
            return sock.conn.session.queued_bytes if sock is not None else -1

        wait_until(lambda: server.call_sync(backlog) > 2**19, what="the stuck socket's backlog grows")
        other = RecordingClient(server.url, ["websocket"])
        try:
            for n in range(20):
                assert other.call("echo", n, timeout=10) == n
        finally:
            other.close()
        # all the while the stuck socket's burst stayed stuck behind its unread output
        assert not server.app.test_state.get("flooded") and server.call_sync(backlog) > 0
        assert getattr(server.web, ws_front.FRONT_ATTR).served == 2  # both served by kuma's websocket front
    finally:
        stuck.close()
        server.stop()


async def test_paced_bursts_wait_for_budget_room_and_a_stalled_client_makes_room(autojump_clock):
    """Own (paced) sends never push the total past the budget: they wait while it is more than half used;
    a client stalled for STALLED_SECONDS is dropped to make room, a reading one is not."""
    hub = Hub(outbound_budget_bytes=4 * 2**20, max_outbox_bytes=10**9)
    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        stalled, reading = await _connected(hub, 2)
        stalled.send_frames(["4" + "s" * (2**21 + 2**20)])  # 3 MiB it never reads
        sender = next(s for s in hub.sockets() if s.conn is reading)
        peak = []

        async def read_all() -> None:
            while not reading.closed:
                reading.take_frames()
                peak.append(hub.budget.total)
                await trio.sleep(0.001)

        nursery.start_soon(read_all)
        started = trio.current_time()
        await sender.send_encoded(["4" + "r" * 100_000 for _ in range(40)])  # 4 MB in 1 MiB hand-overs
        assert trio.current_time() - started >= 5.0  # it waited for room ...
        assert stalled.closed and not reading.closed  # ... which the stalled client made
        assert max(peak) <= hub.budget.limit and hub.dropped_slow == 1
        nursery.cancel_scope.cancel()


def test_broadcasts_go_straight_to_idle_websockets_and_queue_in_order_behind_a_full_one(tmp_path):
    """A broadcast is serialized once; an idle websocket gets it written at once (nothing ever queued for
    it), one whose socket is full gets it queued behind what it has not taken, in order, every event."""
    server = HubServer(tmp_path / "data", setup=_flood_handlers).start()
    stuck = websocket.WebSocket()
    stuck.sock_opt.sockopt.append((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096))
    reader = RecordingClient(server.url, ["websocket"])
    try:
        stuck.connect(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10)
        assert stuck.recv().startswith("0")
        stuck.send("40")
        assert stuck.recv().startswith("40")
        wait_until(lambda: len(server.hub.sockets()) == 2, what="both sockets connected")
        by_sid = {s.sid: s for s in server.hub.sockets()}
        reader_sock = by_sid[_sid_of(reader)]
        stuck_sock = next(s for s in by_sid.values() if s is not reader_sock)
        payload = "p" * 50_000

        async def broadcast(n: int) -> tuple[int, int]:
            await server.hub.emit("tick", n, payload)
            return reader_sock.conn.session.queued_bytes, stuck_sock.conn.session.queued_bytes

        queued = []
        for n in range(60):
            queued.append(server.call(broadcast, n))
            wait_until(lambda: len(reader.named("tick")) == n + 1, what="the reader took the tick")
        assert all(mine == 0 for mine, _ in queued)  # to an idle reader: written at once, never queued
        assert queued[0][1] == 0 and queued[-1][1] > 0  # the stuck one's socket filled: then it waits queued
        assert [args[0] for args in reader.named("tick")] == list(range(60))
        assert all(args[1] == payload for args in reader.named("tick"))
        stuck.settimeout(10)  # now it reads: every tick arrives, in order, none lost or interleaved
        got = []
        while len(got) < 60:
            frame = stuck.recv()
            if frame.startswith('42["tick"'):
                got.append(json.loads(frame[2:])[1])
        assert got == list(range(60))
    finally:
        reader.close()
        stuck.close()
        server.stop()


def _sid_of(client: RecordingClient) -> str:
    return client.client.get_sid("/")


def test_peers_that_leave_drop_their_sockets_at_once_and_tear_down_a_few_at_a_time(tmp_path):
    """A thousand clients leaving together must not make one loop turn of a thousand teardowns: a peer
    that left waits for a `hub.leaving` slot before its session is torn down, but its sockets leave the hub
    (and its rooms) at once, so nothing more is sent to them meanwhile. Here the slots are held by the test:
    every teardown waits, none is lost, and once the slots are free every session ends."""
    server = HubServer(tmp_path / "data", setup=_flood_handlers).start()
    clients = []
    try:
        slots = server.call_sync(lambda: server.hub.leaving._value)
        assert slots >= 1

        async def hold_every_slot() -> None:
            for _ in range(slots):
                await server.hub.leaving.acquire()

        server.call(hold_every_slot)
        for _ in range(6):
            ws = websocket.WebSocket()
            ws.connect(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10)
            assert ws.recv().startswith("0")
            ws.send("40")
            assert ws.recv().startswith("40")
            clients.append(ws)
        stays = RecordingClient(server.url, ["websocket"])
        try:
            wait_until(lambda: len(server.hub.sockets()) == 7, what="all sockets connected")

            async def everyone_joins() -> None:
                for sock in server.hub.sockets():
                    sock.join("room")

            server.call(everyone_joins)
            for ws in clients:
                ws.close()
            wait_until(lambda: len(server.hub.sockets()) == 1, what="the leavers' sockets gone from the hub")
            assert server.hub.room_size("room") == 1
            assert len(server.hub._connections) == 7  # ... while their teardowns wait for a slot

            async def broadcast() -> int:
                await server.hub.emit("tick", "t" * 10_000, room="room")
                return server.hub.budget.total

            assert server.call(broadcast) == 0  # nothing queued for the leavers
            wait_until(lambda: len(stays.named("tick")) == 1, what="the one left got the tick")
            assert stays.call("echo", 1) == 1  # and its acks flow meanwhile

            def release_every_slot() -> None:
                for _ in range(slots):
                    server.hub.leaving.release()

            server.call_sync(release_every_slot)
            wait_until(lambda: len(server.hub._connections) == 1, what="every teardown done once slots are free")
            assert server.call_sync(lambda: server.hub.leaving._value) == slots
        finally:
            stays.close()
    finally:
        server.stop()


async def test_a_broadcast_to_many_yields_between_slices_and_keeps_every_sockets_order(autojump_clock):
    """A broadcast to more sockets than one slice (`FANOUT_SLICE`) lets other tasks run between its slices
    (another socket's ack need not wait for two thousand writes), and a broadcast made meanwhile reaches
    every socket after it, never before: per-socket order is the order the broadcasts were made."""
    from kuma.realtime.hub import FANOUT_SLICE
    from kuma.realtime.wire import flatten

    hub = Hub(outbound_budget_bytes=10**9, max_outbox_bytes=10**9)
    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        conns = await _connected(hub, 2 * FANOUT_SLICE + 10)
        reached_meanwhile: list[int] = []

        async def meanwhile() -> None:
            await hub.emit("second", 2)  # made while the first is still going out
            reached_meanwhile.append(sum(1 for c in conns if c.session.queued_bytes))

        async def first() -> None:
            nursery.start_soon(meanwhile)
            await hub.emit("first", 1)

        await first()
        await trio.sleep(0.1)
        assert reached_meanwhile and reached_meanwhile[0] == len(conns)  # it waited for the first to finish
        for conn in conns:
            frames = [f for f in flatten(conn.take_frames()) if isinstance(f, str)]
            assert frames == ['42["first",1]', '42["second",2]']

        ran_between: list[int] = []

        async def other_work() -> None:  # runs as soon as the broadcast's first sockets have it
            while not any(c.session.queued_bytes for c in conns):
                await trio.lowlevel.checkpoint()
            ran_between.append(sum(1 for c in conns if c.session.queued_bytes))

        nursery.start_soon(other_work)
        await hub.emit("third", 3)
        assert ran_between and 0 < ran_between[0] < len(conns)
        nursery.cancel_scope.cancel()


async def test_a_megabyte_burst_is_written_in_slices_and_another_sockets_ack_goes_between(autojump_clock):
    """The websocket writer hands a large burst to the socket in slices of at most `WRITE_SLICE`, yielding
    after each (as Trio's socket send does): an ack for another socket, asked for when the burst began, is
    written before the burst's last slice (order of events, not time), and the burst arrives whole, in order."""
    from kuma.realtime.endpoint import websocket_writer
    from kuma.realtime.wire import WRITE_SLICE, Wire

    hub = Hub(outbound_budget_bytes=10**9, max_outbox_bytes=10**9)

    @hub.on("echo")
    async def echo(sock, value):
        return value

    writes: list[tuple[str, bytes]] = []  # (socket, bytes handed to the transport), in the order written

    def recording(name: str):
        async def send(message: dict) -> None:
            if message["type"] != "websocket.close":
                writes.append((name, bytes(message["data"])))
            await trio.lowlevel.checkpoint()  # a socket send yields after each call

        return send

    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        bulk, other = await _connected(hub, 2)
        nursery.start_soon(websocket_writer, bulk, recording("bulk"), True)
        nursery.start_soon(websocket_writer, other, recording("other"), True)
        await trio.sleep(0.1)
        burst = Wire(['42["monitorList",' + json.dumps({"x": "m" * (3 * 2**20)}) + "]"], held=True)
        bulk.send_frames([burst], paced=True)
        other.receive_websocket('421["echo","mine"]', trio.current_time())
        await trio.sleep(1)
        nursery.cancel_scope.cancel()
    sent = [data for name, data in writes if name == "bulk"]
    assert b"".join(sent) == burst.websocket_bytes()  # whole and in order
    assert len(sent) > 4 and all(len(data) <= WRITE_SLICE for data in sent)
    ack = next(i for i, (name, data) in enumerate(writes) if name == "other" and b'31["mine"]' in data)
    last_slice = max(i for i, (name, _) in enumerate(writes) if name == "bulk")
    assert ack < last_slice  # the ack did not wait for the burst


async def test_slices_of_many_bursts_take_turns_a_few_per_loop_turn(autojump_clock):
    """Thirty sockets' bursts at once: the hub's bulk gate lets at most `per_turn` of their slices through per
    loop turn (a task that runs once per turn sees at most two turns' worth between its runs), every burst
    still arrives whole and in order, and a small write (an ack) never waits at the gate."""
    from kuma.realtime.endpoint import websocket_writer
    from kuma.realtime.wire import Wire

    hub = Hub(outbound_budget_bytes=10**9, max_outbox_bytes=10**9)
    hub.bulk.per_turn = 4
    got: dict[int, list[bytes]] = {}
    written: list[int] = []

    def recording(k: int):
        async def send(message: dict) -> None:
            if message["type"] != "websocket.close":
                got.setdefault(k, []).append(bytes(message["data"]))
                written.append(k)
            await trio.lowlevel.checkpoint()

        return send

    between: list[int] = []
    bursts = [Wire([f'42["burst",{k},"' + "b" * 2**20 + '"]'], held=True) for k in range(30)]

    async def once_per_turn() -> None:  # until every burst is out (it never lets the clock jump meanwhile)
        seen, total = 0, sum(len(b.websocket_bytes()) for b in bursts)
        while sum(len(piece) for pieces in got.values() for piece in pieces) < total:
            await trio.lowlevel.checkpoint()
            between.append(len(written) - seen)
            seen = len(written)

    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        conns = await _connected(hub, 30)
        for k, conn in enumerate(conns):
            nursery.start_soon(websocket_writer, conn, recording(k), True)
        await trio.sleep(0.1)
        for conn, burst in zip(conns, bursts):
            conn.send_frames([burst], paced=True)
        await once_per_turn()
        assert all(b"".join(got[k]) == bursts[k].websocket_bytes() for k in range(30))
        assert hub.bulk.passed == sum(len(got[k]) for k in range(30)) > 30 * 4
        assert max(between) <= 2 * hub.bulk.per_turn  # without the gate: a slice of every burst per turn
        passed = hub.bulk.passed
        conns[0].send_frames(['43["small ack"]'])  # small: written without a turn at the gate
        await trio.sleep(0.1)
        assert got[0][-1].endswith(b'43["small ack"]') and hub.bulk.passed == passed
        nursery.cancel_scope.cancel()


def test_megabyte_events_arrive_whole_and_in_order_through_the_sliced_writes(tmp_path):
    """Through the real endpoint and Hypercorn: events of megabytes, written in slices (straight into the
    socket when it takes them, through the transport when it does not), reach a reading client whole and in
    order, and their ack comes after them."""
    server = HubServer(tmp_path / "data", setup=_flood_handlers).start()
    client = RecordingClient(server.url, ["websocket"])
    try:
        assert client.call("big", 4, timeout=30) == {"ok": True}
        wait_until(lambda: len(client.named("big")) == 4, what="the client handled the four events")
        got = client.named("big")
        assert [args[0] for args in got] == [0, 1, 2, 3]
        assert all(args[1] == chr(ord("a") + k) * (3 * 2**20 + k) for k, args in enumerate(got))
        assert server.hub.bulk.passed >= 4 * 12  # each of them went out in slices that took turns
    finally:
        client.close()
        server.stop()
