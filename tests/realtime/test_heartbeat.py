"""The hub's one heartbeat timer (kuma/realtime/heartbeat.py): a hundred sessions add no task, get their
pings in one pass, a session that answered is not pinged again before its interval, one that did not is
closed at its pong deadline and leaves the timer at once. The real Hub and Connections, on a mock clock."""
from __future__ import annotations

import trio
import trio.testing

from kuma.realtime.hub import Hub

SESSIONS = 100


async def test_one_timer_pings_every_session_and_closes_the_silent_ones(autojump_clock):
    hub = Hub(ping_interval=25.0, ping_timeout=20.0)
    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        assert hub.nursery is not None
        tasks = len(hub.nursery.child_tasks)
        start = trio.current_time()
        conns = [hub.open_connection("websocket", {}, "127.0.0.1") for _ in range(SESSIONS)]
        await trio.testing.wait_all_tasks_blocked()
        assert len(hub.nursery.child_tasks) == tasks  # no task per session
        assert len(hub.heartbeats) == SESSIONS

        await trio.sleep_until(start + 24.9)
        assert all(not c.session.take_frames() for c in conns)  # nothing before the interval
        await trio.sleep_until(start + 25.1)
        assert all(c.session.take_frames() == ["2"] for c in conns)  # every ping, in one pass
        assert hub.heartbeats.passes == 1

        answering, silent = conns[: SESSIONS // 2], conns[SESSIONS // 2 :]
        for conn in answering:
            conn.receive_websocket("3", trio.current_time())  # the pong, at 25.1: next ping at 50.1

        await trio.sleep_until(start + 44.9)
        assert not any(c.closed for c in conns)
        await trio.sleep_until(start + 45.1)  # the silent half's pong deadline (25 + 20) has passed
        assert all(c.closed and c.session.close_reason == "ping timeout" for c in silent)
        assert all(hub.get_connection(c.sid) is None for c in silent)
        assert len(hub.heartbeats) == len(answering)  # the leavers are off the timer at once
        assert not any(c.closed or c.session.take_frames() for c in answering)

        await trio.sleep_until(start + 50.2)
        assert all(c.session.take_frames() == ["2"] for c in answering)  # 25 s after their pong
        nursery.cancel_scope.cancel()


async def test_a_deadline_moved_earlier_is_filed_at_once(autojump_clock):
    """A pong timeout longer than the interval: after the pong the next ping is due before the filed pong
    deadline, so the session is filed again there (and only there: one live entry per session)."""
    hub = Hub(ping_interval=5.0, ping_timeout=20.0)
    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        start = trio.current_time()
        conn = hub.open_connection("websocket", {}, "127.0.0.1")
        await trio.sleep_until(start + 5.1)
        assert conn.session.take_frames() == ["2"]  # filed next at the pong deadline, 25.1
        conn.receive_websocket("3", trio.current_time())  # next ping at 10.1: earlier than 25.1
        await trio.sleep_until(start + 10.2)
        assert conn.session.take_frames() == ["2"]
        assert len(hub.heartbeats) == 1
        nursery.cancel_scope.cancel()


async def test_a_closed_polling_session_is_known_until_fetched_or_its_linger_ends(autojump_clock):
    """A polling client still has to fetch the last packets (a message, then the close): its sid stays known
    until it does (then it goes at once), or until the linger (min(ping_timeout, 5 s)) ends."""
    hub = Hub(ping_interval=25.0, ping_timeout=20.0)
    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        fetched, never = (hub.open_connection("polling", {}, "127.0.0.1") for _ in range(2))
        for conn in (fetched, never):
            conn.send_frames(['42["bye"]'])
            conn.close()
            assert conn.closed and hub.get_connection(conn.sid) is conn  # the close packet waits
        await trio.sleep(1.0)
        assert fetched.take_poll_payload() is not None
        assert hub.get_connection(fetched.sid) is None and hub.get_connection(never.sid) is never
        await trio.sleep(3.9)
        assert hub.get_connection(never.sid) is never
        await trio.sleep(0.2)
        assert hub.get_connection(never.sid) is None and len(hub.heartbeats) == 0
        nursery.cancel_scope.cancel()
