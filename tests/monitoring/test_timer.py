"""The one timer the monitor tasks sleep on (kuma/monitoring/timer.py), on Trio's MockClock."""
from __future__ import annotations

import trio

from kuma.monitoring.timer import Timer


async def test_sleepers_wake_at_their_deadlines_in_order(autojump_clock):
    timer = Timer()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, deadline: float) -> None:
        await timer.sleep_until(deadline)
        woke.append((name, trio.current_time()))

    async with trio.open_nursery() as nursery:
        await nursery.start(timer.run)
        base = trio.current_time()
        for name, offset in [("c", 30.0), ("a", 10.0), ("b", 20.0), ("a2", 10.0)]:
            nursery.start_soon(sleeper, name, base + offset)
        await trio.sleep(5)
        assert woke == []  # nobody early
        late = base + 6.0  # earlier than the timer's current wait (until 10 s): it must shorten it
        nursery.start_soon(sleeper, "first", late)
        await trio.sleep(40)
        nursery.cancel_scope.cancel()
    # each at its own deadline, in deadline order (Trio runs tasks woken in the same step in any order)
    assert sorted((at - base, name) for name, at in woke) == [
        (6.0, "first"), (10.0, "a"), (10.0, "a2"), (20.0, "b"), (30.0, "c")
    ]
    assert [at for _, at in woke] == sorted(at for _, at in woke)
    assert len(timer) == 0


async def test_a_cancelled_sleep_ends_at_once_and_leaves_the_others_alone(autojump_clock):
    timer = Timer()
    woke: list[str] = []

    async def sleeper(name: str, seconds: float) -> None:
        await timer.sleep(seconds)
        woke.append(name)

    async with trio.open_nursery() as nursery:
        await nursery.start(timer.run)
        with trio.CancelScope() as scope:
            async with trio.open_nursery() as inner:
                inner.start_soon(sleeper, "cancelled", 10.0)
                await trio.sleep(1)
                scope.cancel()
        cancelled_at = trio.current_time()
        nursery.start_soon(sleeper, "kept", 20.0)
        await trio.sleep(30)
        nursery.cancel_scope.cancel()
    assert woke == ["kept"]
    assert cancelled_at < 2  # the cancel ended the sleep then, not at its deadline


async def test_past_deadlines_are_a_checkpoint_and_a_stopped_timer_lets_sleepers_finish_on_time(autojump_clock):
    timer = Timer()
    woke: list[float] = []

    async def sleeper(seconds: float) -> None:
        await timer.sleep(seconds)
        woke.append(trio.current_time())

    async with trio.open_nursery() as outer:
        start = trio.current_time()
        with trio.CancelScope() as timer_scope:
            async with trio.open_nursery() as timers:
                await timers.start(timer.run)
                await timer.sleep_until(start - 5)  # in the past: returns at once
                assert trio.current_time() == start
                outer.start_soon(sleeper, 50.0)  # outside the timer's scope
                await trio.sleep(10)
                timer_scope.cancel()  # the timer stops before the sleeper is due
        assert not timer.running
        await trio.sleep(100)
    assert woke == [start + 50.0]  # neither woken early by the stop nor lost


async def test_without_a_running_timer_it_sleeps_as_trio_does(autojump_clock):
    timer = Timer()
    start = trio.current_time()
    await timer.sleep(7.5)
    assert trio.current_time() - start == 7.5


async def test_a_stop_that_falls_on_the_timers_own_deadline_still_stops_it(autojump_clock):
    """The timer's wake-up ends its wait without an exception (its abort function resumes it); a real
    cancellation arriving in the same step as its deadline must still end it, not be taken for a wake-up."""
    timer = Timer()
    woke: list[float] = []
    stopped_at: list[float] = []

    async def sleeper(deadline: float) -> None:
        await timer.sleep_until(deadline)
        woke.append(trio.current_time())

    async def run_timer() -> None:
        try:
            await timer.run()
        finally:
            stopped_at.append(trio.current_time())

    with trio.fail_after(100):
        async with trio.open_nursery() as outer:
            base = trio.current_time()
            with trio.move_on_at(base + 10.0):  # the stop and the timer's deadline expire in the same step
                async with trio.open_nursery() as nursery:
                    nursery.start_soon(run_timer)
                    await trio.sleep(0)
                    for offset in (5.0, 10.0):
                        outer.start_soon(sleeper, base + offset)
                    await trio.sleep_forever()
    assert stopped_at == [base + 10.0] and not timer.running
    assert woke == [base + 5.0, base + 10.0]  # the one due at the stop sleeps on with Trio's own sleep
