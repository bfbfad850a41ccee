"""A handler marked `acks_in_one_write` (the `add`): the events it sends to its own websocket and its ack
leave in ONE socket write, in order; anything that cannot be written at once (a paced send, a backlog)
still keeps the order. The real Hub and Connection, with a recording stand-in for the socket writer
(the part that would call `os.write`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import trio
import trio.testing

from kuma.realtime.hub import Hub, acks_in_one_write
from kuma.realtime.wire import flatten, ws_message


class RecordingWriter:
    """`DirectWrite`: records each write; `refuse` makes it answer "cannot write now" (a full socket)."""

    def __init__(self) -> None:
        self.pending: bytes | None = None
        self.writes: list[bytes] = []
        self.refuse = False

    def try_write(self, data: bytes) -> bool:
        if self.refuse:
            return False
        self.writes.append(data)
        return True


async def _connected(hub: Hub):
    conn = hub.open_connection("websocket", {}, "127.0.0.1")
    writer = RecordingWriter()
    conn.direct = writer
    conn.receive_messages(["0"])  # Socket.IO CONNECT to "/"
    await trio.testing.wait_all_tasks_blocked()
    (sock,) = conn.sockets.values()
    sock.join("1")
    conn.session.take_frames()  # the CONNECT ack (queued alone, as Uptime Kuma sends it)
    writer.writes.clear()
    return conn, sock, writer


def _handlers(hub: Hub) -> None:
    @hub.on("marked")
    @acks_in_one_write
    async def marked(sock, *args):
        await hub.emit("updateMonitorIntoList", {"1": {"id": 1}}, room="1")
        await trio.sleep(0)  # a handler waits (its write job) between the event and the ack
        return {"ok": True}

    @hub.on("plain")
    async def plain(sock, *args):
        await hub.emit("updateMonitorIntoList", {"1": {"id": 1}}, room="1")
        return {"ok": True}

    @hub.on("paced")
    @acks_in_one_write
    async def paced(sock, *args):
        await hub.emit("first", 1, room="1")
        await sock.emit("burst")  # paced, queued for the writer: what was held goes out before it
        return {"ok": True}


EVENT = '42["updateMonitorIntoList",{"1":{"id":1}}]'


@asynccontextmanager
async def _running_hub() -> AsyncIterator[tuple]:
    """A running Hub with the handlers above and one connected socket: (connection, socket, writer)."""
    hub = Hub()
    _handlers(hub)
    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        yield await _connected(hub)
        nursery.cancel_scope.cancel()


async def test_the_event_and_the_ack_go_out_in_one_write_in_order():
    async with _running_hub() as (conn, sock, writer):
        conn.receive_messages(['21["marked"]'])
        await trio.testing.wait_all_tasks_blocked()
        assert writer.writes == [ws_message(EVENT) + ws_message('431[{"ok":true}]')]
        assert conn.held is None

        conn.receive_messages(['22["plain"]'])  # unmarked: each sent when it is made, as before
        await trio.testing.wait_all_tasks_blocked()
        assert writer.writes[1:] == [ws_message(EVENT), ws_message('432[{"ok":true}]')]


async def test_a_send_that_must_queue_ends_the_hold_and_keeps_the_order():
    async with _running_hub() as (conn, sock, writer):
        writer.refuse = True  # the socket takes nothing now: everything is queued, in order
        conn.receive_messages(['23["marked"]'])
        await trio.testing.wait_all_tasks_blocked()
        assert writer.writes == [] and flatten(conn.session.take_frames()) == [EVENT, '433[{"ok":true}]']
        writer.refuse = False

        conn.receive_messages(['24["paced"]'])
        await trio.testing.wait_all_tasks_blocked()
        assert writer.writes == [ws_message('42["first",1]')]
        assert flatten(conn.session.take_frames()) == ['42["burst"]', '434[{"ok":true}]']
