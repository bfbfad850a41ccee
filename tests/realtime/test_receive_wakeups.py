"""What a received websocket message wakes: a plain Socket.IO message neither the writer nor the heartbeat
timer (both used to run once per message); a pong moves the ping deadline later and files nothing (the
hub's one timer files the session anew when its old deadline comes); a ping answer queued or a close wakes
the writer, and the close takes the session off the timer at once. The real Hub and Connection, fed frames
directly."""
from __future__ import annotations

import trio
import trio.testing

from kuma.realtime.hub import Hub


async def test_a_plain_message_wakes_nobody_a_pong_files_nothing_a_ping_wakes_the_writer():
    hub = Hub(ping_interval=25.0, ping_timeout=20.0)

    @hub.on("x")
    async def x(sock, *args):
        return None

    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        conn = hub.open_connection("websocket", {}, "127.0.0.1")
        conn.receive_websocket("40", trio.current_time())  # Socket.IO CONNECT
        await trio.testing.wait_all_tasks_blocked()
        conn.session.take_frames()
        writer, filed = conn.changed._event, list(hub.heartbeats._heap)
        assert len(filed) == 1 and len(hub.heartbeats) == 1

        conn.receive_websocket('42["x"]', trio.current_time())
        await trio.testing.wait_all_tasks_blocked()
        assert conn.changed._event is writer and hub.heartbeats._heap == filed

        conn.session.handle_timers(trio.current_time() + 30)  # the ping goes out, a pong is awaited
        conn.session.take_frames()
        conn.receive_websocket("3", trio.current_time())  # the pong: its ping deadline moves later
        assert conn.session.next_deadline() > filed[0][0]
        assert hub.heartbeats._heap == filed and conn.changed._event is writer

        conn.receive_websocket("2", trio.current_time())  # a (v3-style) ping: its answer is queued
        assert conn.changed._event is not writer and conn.session.take_frames() == ["3"]

        writer = conn.changed._event
        conn.receive_websocket("1", trio.current_time())  # close
        assert conn.closed and conn.changed._event is not writer
        assert hub.get_connection(conn.sid) is None and len(hub.heartbeats) == 0
        nursery.cancel_scope.cancel()
