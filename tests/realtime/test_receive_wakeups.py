"""What a received websocket message wakes: a plain Socket.IO message neither the writer nor the heartbeat
timer (both used to run once per message); a pong moves the ping deadline and wakes the timer; a ping
answer queued or a close wakes the writer. The real Hub and Connection, fed frames directly."""
from __future__ import annotations

import trio
import trio.testing

from kuma.realtime.hub import Hub


async def test_a_plain_message_wakes_nobody_a_pong_the_timer_a_ping_the_writer():
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
        writer, timer = conn.changed._event, conn._timer_changed._event

        conn.receive_websocket('42["x"]', trio.current_time())
        await trio.testing.wait_all_tasks_blocked()
        assert conn.changed._event is writer and conn._timer_changed._event is timer

        conn.session.handle_timers(trio.current_time() + 30)  # the ping goes out, a pong is awaited
        conn.session.take_frames()
        timer = conn._timer_changed._event
        conn.receive_websocket("3", trio.current_time())  # the pong: a new ping deadline for the timer
        assert conn._timer_changed._event is not timer and conn.changed._event is writer

        conn.receive_websocket("2", trio.current_time())  # a (v3-style) ping: its answer is queued
        assert conn.changed._event is not writer and conn.session.take_frames() == ["3"]

        writer = conn.changed._event
        conn.receive_websocket("1", trio.current_time())  # close
        assert conn.closed and conn.changed._event is not writer
        nursery.cancel_scope.cancel()
