"""The login burst's per-monitor frames read on two reader connections at once (`kuma.api.burst.Ahead`)
are the frames of the plain sequential path, in the same order, byte for byte.

A real database with 23 monitors (uneven beat counts, important beats, REAL pings, stat buckets) and chunks
of 4 monitors, so there are six chunks of each kind and the last one is short: the reference reads each
chunk's stats and heartbeat lists one after the other on one connection and puts the frames in Uptime
Kuma's order by hand; the burst's frames must equal them, and its reader jobs must have overlapped.
"""
from __future__ import annotations

import pytest
import trio

from kuma.api import burst
from kuma.realtime.wire import flatten
from tests.accounts.test_burst_cache import _BurstSocket
from tests.api.inprocess import api_app
from tests.helpers.paths import CAPTURE_CLOCK

MONITORS = 23


def _fill(db) -> None:
    """Monitors 1..23 of user 1, beats (monitor n has 3n of them, every fifth important, REAL pings) and
    one minutely bucket each."""
    conn = db.conn
    for m in range(1, MONITORS + 1):
        conn.execute(
            "INSERT INTO monitor (id, name, type, active, user_id, interval, push_token) "
            "VALUES (?, ?, 'push', 0, 1, 60, ?)",
            (m, f"m{m}", f"token-{m}"),
        )
        rows = [
            (m, k % 3 != 0, f"2026-11-26 10:{k // 60:02d}:{k % 60:02d}.000", f"beat {k}", 10.25 + k / 8, k % 5 == 0)
            for k in range(3 * m)
        ]
        conn.executemany(
            "INSERT INTO heartbeat (monitor_id, status, time, msg, ping, important) VALUES (?, ?, ?, ?, ?, ?)", rows
        )
        conn.execute(
            "INSERT INTO stat_minutely (monitor_id, timestamp, ping, ping_min, ping_max, up, down) "
            "VALUES (?, 1795687320, 12.5, 10, 15, ?, 1)",
            (m, m),
        )


async def _sequential_frames(app, ids: list[int]) -> list:
    """The frames as the burst sends them, read one chunk after the other on one reader."""
    chunks = [ids[n : n + burst.CHUNK] for n in range(0, len(ids), burst.CHUNK)]
    stats = [await app.db.read(burst.stats_frames_reader(app, chunk)) for chunk in chunks]
    beats = [await app.db.read(burst.beats_frames_reader(chunk)) for chunk in chunks]
    wires = [group[k] for k in range(3) for group in stats]
    wires += [recent for recent, _ in beats] + [important for _, important in beats]
    return flatten(wires)


def _overlap_meter(app) -> list[int]:
    """Wraps `app.db.read`; the returned list's one item becomes the most reader jobs seen running at once."""
    original, running, most = app.db.read, [0], [0]

    async def read(fn):
        running[0] += 1
        most[0] = max(most[0], running[0])
        try:
            await trio.sleep(0.01)  # a job's turn in its thread: the next one starts meanwhile when allowed to
            return await original(fn)
        finally:
            running[0] -= 1

    app.db.read = read
    return most


@pytest.mark.parametrize("ahead", [1, 2, 3])
async def test_chunks_read_side_by_side_give_the_sequential_bytes(tmp_path, monkeypatch, ahead):
    monkeypatch.setattr(burst, "CHUNK", 4)
    monkeypatch.setattr(burst, "AHEAD", ahead)
    async with api_app(tmp_path, modules=(), clock_start=CAPTURE_CLOCK) as (app, _hub, _monitoring):
        await app.db.write(_fill)
        ids = list(range(1, MONITORS + 1))
        expected = await _sequential_frames(app, ids)
        most = _overlap_meter(app)
        sock = _BurstSocket()
        sock.session["user_id"] = 1
        with app.db.bulk_reads():
            await burst.send_monitor_data(app, sock, ids, trio.current_time())
        got = flatten(sock.frames)
        assert got == expected
        assert len(got) == MONITORS * 6  # avgPing, 3 uptimes, heartbeatList, importantHeartbeatList
        assert any('"beat 68"' in f for f in got)  # the last chunk (monitors 21–23) is there too
        assert '42["uptime","23",24,0.9583333333333334]' in got  # 23 up, 1 down in the minute bucket
        assert most[0] == ahead


@pytest.mark.parametrize("value", [0, 1, 97, 0.5, 0.9583333333333334, 12.25, 1e21, 1.5e-7, -0.0, None,
                                   float("nan"), float("inf"), 2**60])
@pytest.mark.parametrize(("event", "period", "args"), [("avgPing", "", ()), ("uptime", "24,", (24,)),
                                                       ("uptime", "720,", (720,)), ("uptime", '"1y",', ("1y",))])
def test_a_stat_frame_is_the_general_encoders_frame(value, event, period, args):
    """The stat events are put together as text (6,000 per 1,500 monitors); the bytes are `encode_event`'s."""
    from kuma.realtime.socketio import encode_event

    assert [burst.stat_frame(event, 1234, period, value)] == encode_event(event, ("1234", *args, value))
