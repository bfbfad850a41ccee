"""The monitor loop on Trio's MockClock: scheduling, retries, resend, isolation of bad checks,
stop/restart, push loop and record_push — with beats stored in a real SQLite file."""
from __future__ import annotations

from functools import partial

import pytest
import trio

from kuma.monitoring.beat import DOWN, MAINTENANCE, PENDING, UP
from kuma.monitoring.service import MonitoringService
from kuma.store.heartbeats import parse_time
from tests.monitoring.engine_harness import BASE, CALLS, running_engine, script


def beat_offsets(events):
    """Beat times as seconds since BASE."""
    return [round(parse_time(e.beat["time"]) - BASE, 3) for e in events]


async def test_beats_every_interval_and_rows_match_events(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(interval=20)
        script(mid, ("up", 7), ("up", 5.5), ("up", 3))
        await eng.service.start_monitor(mid)
        events = await eng.wait_beats(mid, 3)
        assert beat_offsets(events) == [0, 20, 40]
        rows = eng.rows("SELECT * FROM heartbeat WHERE monitor_id = ? ORDER BY id", mid)
        assert [e.beat for e in events] == rows[:3]
        first = rows[0]
        assert list(first) == ["id", "important", "monitor_id", "status", "msg", "time", "ping", "duration",
                               "down_count", "end_time", "retries", "response"]
        assert (first["important"], first["status"], first["msg"], first["ping"], first["retries"]) == (1, UP, "200 - OK", 7, 0)
        assert rows[1]["ping"] == 5.5 and rows[1]["important"] == 0
        assert first["time"] == "2026-11-26 10:00:00.000" and first["end_time"] >= first["time"]
        assert events[0].is_first and events[0].previous_status is None
        assert not events[1].is_first and events[1].previous_status == UP
        assert events[0].set_keys == frozenset({"ping"})


async def test_retries_use_retry_interval_then_down(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(interval=60, retry_interval=10, maxretries=2)
        script(mid, ("up", 1), ("fail", "boom"), ("fail", "boom"), ("fail", "boom"), ("fail", "boom"), ("up", 2))
        await eng.service.start_monitor(mid)
        events = await eng.wait_beats(mid, 6)
        got = [(e.beat["status"], e.beat["retries"], e.beat["important"], e.notify) for e in events]
        assert got == [
            (UP, 0, 1, False),
            (PENDING, 1, 0, False),
            (PENDING, 2, 0, False),
            (DOWN, 3, 1, True),
            (DOWN, 4, 0, False),
            (UP, 0, 1, True),
        ]
        # UP→60 s; PENDING beats are followed by the retry interval; DOWN uses the normal interval
        assert beat_offsets(events) == [0, 60, 70, 80, 140, 200]
        assert events[1].beat["msg"] == "boom" and events[1].beat["ping"] is None
        assert "ping" not in events[1].set_keys


async def test_resend_interval_renotifies_every_n_down_beats(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(interval=20, resend_interval=2)
        script(mid, ("fail", "down"))
        await eng.service.start_monitor(mid)
        events = await eng.wait_beats(mid, 6)
        assert [e.notify for e in events] == [True, False, True, False, True, False]
        assert [e.beat["down_count"] for e in events] == [0, 1, 0, 1, 0, 1]
        assert [e.beat["retries"] for e in events] == [1, 2, 3, 4, 5, 6]


async def test_bad_checks_never_affect_other_monitors(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        good = await eng.add_monitor(interval=20, name="good")
        raising = await eng.add_monitor(interval=20, name="raises")
        hanging = await eng.add_monitor(interval=20, timeout=5, name="hangs")
        garbage = await eng.add_monitor(interval=20, name="garbage")
        bad_status = await eng.add_monitor(interval=20, name="bad status")
        script(good, ("up", 3))
        script(raising, ("raise", ZeroDivisionError("division by zero")))
        script(hanging, ("hang",))
        script(garbage, ("garbage", {"not": "a result"}))
        from kuma.monitors.base import CheckResult
        script(bad_status, ("garbage", CheckResult(status=42)))
        for mid in (good, raising, hanging, garbage, bad_status):
            await eng.service.start_monitor(mid)
        good_events = await eng.wait_beats(good, 5)
        t = beat_offsets(good_events)
        assert [round(x - t[0], 2) for x in t] == [0, 20, 40, 60, 80]  # never delayed by the others
        assert all(e.beat["status"] == UP for e in good_events)
        r = (await eng.wait_beats(raising, 2))[0].beat
        assert (r["status"], r["msg"]) == (DOWN, "division by zero")
        h = await eng.wait_beats(hanging, 2)
        assert h[0].beat["msg"] == "timeout by AbortSignal (5s)" and h[0].beat["status"] == DOWN
        t = beat_offsets(h)
        assert round(t[1] - t[0], 2) == 20  # cut at 5 + 10 s, next check still 20 s after the start
        g = (await eng.wait_beats(garbage, 1))[0].beat
        assert (g["status"], g["msg"]) == (DOWN, "Invalid check result: dict")
        b = (await eng.wait_beats(bad_status, 1))[0].beat
        assert b["status"] == DOWN
        assert all(eng.service.is_running(m) for m in (good, raising, hanging, garbage, bad_status))


async def test_failing_listener_is_logged_and_the_loop_goes_on(tmp_path, autojump_clock, caplog):
    async with running_engine(tmp_path, autostart=False) as eng:
        async def broken(event):
            raise RuntimeError("listener bug")

        eng.service._listeners.insert(0, broken)
        mid = await eng.add_monitor(interval=20)
        await eng.service.start_monitor(mid)
        events = await eng.wait_beats(mid, 3)
        assert len(events) == 3
        assert "listener bug" in caplog.text


async def test_stop_and_restart(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(interval=20, maxretries=5)
        script(mid, ("fail", "x"))
        await eng.service.start_monitor(mid)
        await eng.wait_beats(mid, 2)
        await eng.service.stop_monitor(mid)
        assert not eng.service.is_running(mid)
        calls = CALLS[mid]
        await trio.sleep(100)
        assert CALLS[mid] == calls  # stopped: no more checks
        # edit the row, restart: the new row is used and retries continue from the stored beat
        await eng.db.write(lambda d: d.conn.execute("UPDATE monitor SET name = 'renamed' WHERE id = ?", (mid,)))
        assert await eng.service.restart_monitor(mid)
        events = await eng.wait_beats(mid, 3)
        assert events[2].monitor["name"] == "renamed"
        assert (events[2].beat["status"], events[2].beat["retries"]) == (PENDING, 3)
        assert not events[2].is_first
        # a paused row is not started
        await eng.db.write(lambda d: d.conn.execute("UPDATE monitor SET active = 0 WHERE id = ?", (mid,)))
        assert not await eng.service.start_monitor(mid)
        assert not eng.service.is_running(mid)
        assert not await eng.service.start_monitor(999)


async def test_restart_while_checking_leaves_one_task(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(interval=20)
        script(mid, ("slow", 3), ("up", 1))
        await eng.service.start_monitor(mid)
        await trio.sleep(1)  # inside the slow check
        await eng.service.restart_monitor(mid)
        events = await eng.wait_beats(mid, 3)
        # the interrupted check stored nothing; the new task beats at 1 s, 21 s, 41 s
        assert beat_offsets(events) == [1, 21, 41]


async def test_boot_starts_active_monitors(tmp_path, autojump_clock):
    from kuma.store import Database
    db = Database.open(tmp_path / "kuma.db")
    for i in range(40):
        db._writer.conn.execute(
            "INSERT INTO monitor (name, type, interval, active) VALUES (?, 'test-script', 20, ?)", (f"m{i}", 1 if i % 4 else 0))
    db.close()
    async with running_engine(tmp_path) as eng:
        running = [m for m in range(1, 41) if eng.service.is_running(m)]
        assert running == [m for m in range(1, 41) if (m - 1) % 4]
        for mid in running:
            await eng.wait_beats(mid, 1)
        assert {e.beat["monitor_id"] for e in eng.events} == set(running)


def test_boot_delays_spread_first_checks():
    import random

    from kuma.monitoring.service import MonitoringService

    service = MonitoringService.__new__(MonitoringService)
    service._rng = random.Random(7)
    few = service._boot_delays([(i, 20.0) for i in range(10)])
    assert all(0 <= d <= 0.5 for _, d in few)  # 10 monitors: within half a second
    many = service._boot_delays([(i, 20.0) for i in range(1000)] + [(1000, 5.0)])
    delays = [d for _, d in many[:1000]]
    assert max(delays) <= 20 and min(delays) >= 0
    assert max(delays) <= 0.8 * 20  # the first beat lands within one interval of the start
    per_second = [sum(1 for d in delays if s <= d < s + 1) for s in range(16)]
    assert max(per_second) - min(per_second) <= 3  # an even rate (62.5 a second), never one burst
    assert len({round(d, 6) for d in delays}) == 1000
    assert many[-1][1] <= 0.8 * 5.0  # never later than the monitor's own interval allows


async def test_boot_waits_for_listening_and_leaves_monitors_the_api_touched(tmp_path, autojump_clock):
    """With `boot_after` the service starts at once and boots the monitors only when the event is set;
    a monitor the API stopped (paused) or started in between keeps what the API did."""
    async with running_engine(tmp_path, autostart=False) as eng:
        ids = [await eng.add_monitor(type="test-script", interval=20) for _ in range(3)]
        listening = trio.Event()
        service = MonitoringService(eng.app, settings=eng.service.settings, wall_clock=eng.service.wall)
        eng.app.monitoring = service
        service.add_beat_listener(eng._on_beat)
        async with trio.open_nursery() as nursery:
            await nursery.start(partial(service.run, boot_after=listening))
            await trio.sleep(5)
            assert [service.is_running(m) for m in ids] == [False, False, False]
            await service.stop_monitor(ids[0])  # paused while the boot waits: stays stopped
            listening.set()
            await service.wait_booted()
            assert [service.is_running(m) for m in ids] == [False, True, True]
            assert service.boot_window <= 0.8 * 20
            await eng.wait_beats(ids[1], 1)
            assert eng.events_of(ids[0]) == []
            nursery.cancel_scope.cancel()


async def test_push_monitor_loop(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(type="push", interval=60, retry_interval=60, push_token="tok")
        await eng.service.start_monitor(mid)
        events = await eng.wait_beats(mid, 1)
        # first check after one interval; no beat at all → DOWN with duration = interval (fixture id 40)
        e = events[0]
        assert beat_offsets(events) == [60]
        assert (e.beat["status"], e.beat["msg"], e.beat["duration"], e.beat["retries"], e.beat["important"]) == (
            DOWN, "No heartbeat in the time window", 60, 1, 1)
        assert e.set_keys == frozenset({"duration"})
        # a push arrives 18.6 s later: UP, duration 18 (fixture id 42), important
        row = (eng.rows("SELECT * FROM monitor WHERE id = ?", mid))[0]
        await trio.sleep(18.6)
        beat = await eng.service.record_push(row, UP, "OK", 12)
        assert (beat["status"], beat["duration"], beat["retries"], beat["important"], beat["ping"]) == (UP, 18, 0, 1, 12)
        assert (eng.rows("SELECT count(*) AS n FROM heartbeat WHERE id = ?", beat["id"]))[0]["n"] == 1
        push_event = eng.events_of(mid)[-1]
        assert push_event.source == "push" and push_event.notify and push_event.set_keys == frozenset({"ping", "duration"})
        # the loop sees the fresh UP push and writes nothing; 61 s after it → DOWN again
        events = await eng.wait_beats(mid, 3)
        late = events[2]
        assert late.beat["msg"] == "No heartbeat in the time window"
        assert round(parse_time(late.beat["time"]) - parse_time(beat["time"])) in (61, 62)
        assert late.beat["duration"] in (61, 62)


async def test_record_push_rules_and_duration(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(type="push", interval=60, maxretries=1, push_token="t2", active=1)
        row = (eng.rows("SELECT * FROM monitor WHERE id = ?", mid))[0]
        b1 = await eng.service.record_push(row, "down", "first", None)
        assert (b1["status"], b1["retries"], b1["important"], b1["duration"]) == (PENDING, 1, 1, 0)
        assert "duration" not in eng.events[-1].set_keys
        await trio.sleep(2.5)
        b2 = await eng.service.record_push(row, DOWN, "again", None)
        assert (b2["status"], b2["retries"], b2["important"], b2["duration"]) == (DOWN, 2, 1, 2)
        b3 = await eng.service.record_push(row, "up", "ok", 0.25)
        assert (b3["status"], b3["retries"], b3["important"], b3["ping"]) == (UP, 0, 1, 0.25)


async def test_maintenance_beats(tmp_path, autojump_clock):
    class Maint:
        def __init__(self):
            self.ids = set()

        def is_under_maintenance(self, monitor_id):
            return monitor_id in self.ids

    maint = Maint()
    async with running_engine(tmp_path, autostart=False, maintenance=maint) as eng:
        group = await eng.add_monitor(type="test-script", name="group")
        child = await eng.add_monitor(interval=20, parent=group)
        maint.ids.add(group)  # maintenance on the parent covers the child
        await eng.service.start_monitor(child)
        events = await eng.wait_beats(child, 2)
        assert [(e.beat["status"], e.beat["msg"], e.beat["ping"]) for e in events] == [
            (MAINTENANCE, "Monitor under maintenance", None)] * 2
        assert CALLS[child] == 0  # no check while under maintenance
        maint.ids.clear()
        events = await eng.wait_beats(child, 3)
        assert (events[2].beat["status"], events[2].important, events[2].notify) == (UP, True, False)
        buckets = eng.rows("SELECT up, down, extras FROM stat_minutely WHERE monitor_id = ?", child)
        assert sum(b["up"] for b in buckets) == 1 and sum(b["down"] for b in buckets) == 0
        assert any(b["extras"] == '{"maintenance":2}' for b in buckets) or \
            sorted(b["extras"] for b in buckets if b["extras"]) == ['{"maintenance":1}', '{"maintenance":1}']


async def test_check_updates_columns_and_tls_info(tmp_path, autojump_clock):
    from kuma.monitors.base import CheckResult, MonitorType, register

    @register("test-updates")
    class Updates(MonitorType):
        async def check(self, monitor, ctx):
            return CheckResult(msg="Records: 1.2.3.4", ping=2, monitor_updates={"dns_last_result": "Records: 1.2.3.4"},
                               tls_info={"valid": True})

    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(type="test-updates")
        await eng.service.start_monitor(mid)
        events = await eng.wait_beats(mid, 1)
        assert events[0].tls_info == {"valid": True}
        row = (eng.rows("SELECT dns_last_result FROM monitor WHERE id = ?", mid))[0]
        assert row["dns_last_result"] == "Records: 1.2.3.4"
        tls = eng.rows("SELECT info_json FROM monitor_tls_info WHERE monitor_id = ?", mid)
        assert tls == [{"info_json": '{"valid":true}'}]


async def test_group_children_status_context(tmp_path, autojump_clock):
    from kuma.monitors.base import CheckResult, MonitorType, register

    seen = []

    @register("test-group")
    class Group(MonitorType):
        async def check(self, monitor, ctx):
            kids = await ctx.children_status(monitor["id"])
            seen.append([(k["name"], s) for k, s in kids])
            return CheckResult(msg="ok")

    async with running_engine(tmp_path, autostart=False) as eng:
        group = await eng.add_monitor(type="test-group", name="g", interval=20)
        a = await eng.add_monitor(name="a", parent=group, interval=20)
        await eng.add_monitor(name="b", parent=group, interval=20)
        script(a, ("fail", "x"))
        await eng.service.start_monitor(a)
        await eng.wait_beats(a, 1)
        await eng.service.start_monitor(group)
        events = await eng.wait_beats(group, 1)
        assert seen[0] == [("a", DOWN), ("b", None)]
        assert isinstance(events[0].beat["ping"], int)  # no ping from the type → elapsed ms


async def test_concurrent_pushes_are_serialised(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(type="push", interval=60, maxretries=0, push_token="t3")
        row = eng.rows("SELECT * FROM monitor WHERE id = ?", mid)[0]
        beats = []

        async def push(i):
            beats.append(await eng.service.record_push(row, "up" if i % 10 else "down", f"p{i}", i or None))

        async with trio.open_nursery() as nursery:
            for i in range(40):
                nursery.start_soon(push, i)
        stored = eng.rows("SELECT * FROM heartbeat WHERE monitor_id = ? ORDER BY id", mid)
        assert len(stored) == 40
        # replaying the stored order through the pure rules gives exactly what was stored
        from kuma.monitoring.beat import Previous, decide_push_beat
        previous = None
        for beat in stored:
            pushed = DOWN if beat["msg"] in ("p0", "p10", "p20", "p30") else UP
            d = decide_push_beat(row, Previous.from_row(previous), pushed, beat["msg"], beat["ping"])
            assert (beat["status"], beat["retries"], beat["important"], beat["down_count"]) == (
                d.status, d.retries, int(d.important), d.down_count)
            previous = beat
        assert [e.beat["id"] for e in eng.events_of(mid)] == [b["id"] for b in stored]  # listeners in commit order


async def test_shutdown_while_the_boot_reads_ends_the_service_cleanly(tmp_path, autojump_clock, monkeypatch):
    """SIGTERM right after the app is ready lands while the boot reads in a worker thread: the service
    must end as cancelled, not with 'monitor supervisor is not running' from starting tasks after it."""
    from kuma.monitoring import boot

    async with running_engine(tmp_path, autostart=False) as eng:
        await eng.add_monitor(type="test-script", interval=20)
        service = MonitoringService(eng.app, settings=eng.service.settings, wall_clock=eng.service.wall)
        listening = trio.Event()
        with trio.CancelScope() as scope:
            real_plan = boot.boot_plan

            def plan_then_shutdown(d):
                trio.from_thread.run_sync(scope.cancel)
                return real_plan(d)

            monkeypatch.setattr(boot, "boot_plan", plan_then_shutdown)
            async with trio.open_nursery() as nursery:
                await nursery.start(partial(service.run, boot_after=listening))
                listening.set()
                await trio.sleep_forever()
        assert scope.cancelled_caught and not service.booted.is_set()
