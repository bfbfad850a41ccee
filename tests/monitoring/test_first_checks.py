"""The first check of a monitor the API starts (kuma/monitoring/first_checks.py): at once after a quiet
moment, held during a burst of starts until the burst is quiet (or its cap), then spread in start order.
Driven on Trio's autojump clock; every assertion is about virtual time, none about how long the test took."""
from __future__ import annotations

import trio

from kuma.monitoring import first_checks as gate
from kuma.monitoring.beat import UP
from kuma.store.heartbeats import parse_time
from tests.monitoring.engine_harness import BASE, CALLS, running_engine, script


def first_beat_offset(eng, monitor_id: int) -> float:
    """The monitor's first stored beat, in seconds since the harness clock's start."""
    return round(parse_time(eng.events_of(monitor_id)[0].beat["time"]) - BASE, 3)


async def add_many(eng, count: int, **columns) -> list[int]:
    return [await eng.add_monitor(interval=60, name=f"m{i}", **columns) for i in range(count)]


async def test_one_start_checks_at_once_and_again_after_a_quiet_moment(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        first, later = await add_many(eng, 2)
        await eng.service.start_monitor(first)
        await eng.wait_beats(first, 1)
        assert first_beat_offset(eng, first) == 0  # not held: nothing was started just before
        await trio.sleep(gate.QUIET + 0.5)
        started = trio.current_time()
        await eng.service.start_monitor(later)
        await eng.wait_beats(later, 1)
        assert first_beat_offset(eng, later) == round(started, 3)
        assert eng.service.first_checks.released == 0
        assert eng.events_of(later)[0].beat["status"] == UP


async def test_a_burst_is_checked_only_once_it_is_quiet_then_spread_in_start_order(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        ids = await add_many(eng, 12)
        for monitor_id in ids:
            await eng.service.start_monitor(monitor_id)
            await trio.sleep(0.1)  # one start every 100 ms: each within QUIET of the one before
        last_start = trio.current_time() - 0.1
        await trio.sleep(gate.QUIET - 0.1 - 0.01)  # just before the burst counts as over
        assert CALLS[ids[0]] == 1  # the burst's first start came after a quiet moment
        assert all(CALLS[m] == 0 for m in ids[1:]), dict(CALLS)  # no held check during the burst
        with trio.fail_after(gate.QUIET + gate.SPREAD_MAX + 1):  # virtual seconds: every held monitor checks
            for monitor_id in ids:
                await eng.wait_beats(monitor_id, 1)
        offsets = [first_beat_offset(eng, m) for m in ids[1:]]
        assert offsets[0] >= round(last_start + gate.QUIET, 3)
        assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)  # one slot each, in start order
        window = len(offsets) * gate.SPREAD_PER_MONITOR
        assert offsets[-1] - offsets[0] < window
        assert eng.service.first_checks.released == len(ids) - 1
        assert all(CALLS[m] == 1 for m in ids)


async def test_a_long_burst_releases_each_monitor_at_its_cap(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        count = int(gate.CAP / 0.2) + 10  # starts for 2 s longer than the cap
        ids = await add_many(eng, count)
        starts = {}
        for monitor_id in ids:
            starts[monitor_id] = trio.current_time()
            await eng.service.start_monitor(monitor_id)
            await trio.sleep(0.2)
        burst_end = trio.current_time()
        capped = [m for m in ids[1:] if starts[m] + gate.CAP < burst_end]
        assert len(capped) >= 5
        assert all(CALLS[m] == 1 for m in capped)  # checked during the burst
        assert all(CALLS[m] == 0 for m in ids[1:] if m not in capped)
        with trio.fail_after(gate.QUIET + gate.SPREAD_MAX + 1):
            for monitor_id in ids:
                await eng.wait_beats(monitor_id, 1)
        for monitor_id in capped:  # … CAP seconds after its own start (a beat's time is its check's start)
            assert first_beat_offset(eng, monitor_id) == round(starts[monitor_id] + gate.CAP, 3)
        assert all(CALLS[m] == 1 for m in ids)


async def test_a_held_monitor_stopped_or_restarted_checks_once_and_a_push_is_not_held(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        a, b, c = await add_many(eng, 3)
        push = await eng.add_monitor(type="push", interval=30, push_token="tok-first-checks", name="push")
        script(c, ("up", 4))
        for monitor_id in (a, b, c, push):
            await eng.service.start_monitor(monitor_id)
        await eng.service.stop_monitor(b)  # held, then stopped: never checks
        await eng.service.restart_monitor(c)  # held again, by the restart
        await trio.sleep(gate.QUIET + 1)
        assert (CALLS[a], CALLS[b], CALLS[c]) == (1, 0, 1)
        assert not eng.events_of(b) and not eng.service.is_running(b)
        assert eng.events_of(c)[0].beat["ping"] == 4
        await eng.wait_beats(push, 1)  # push: its first beat one interval after the start, as before
        assert first_beat_offset(eng, push) == 30
