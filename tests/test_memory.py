"""After the boot window the server's long-lived objects leave the cyclic GC's walks (kuma/memory.py)."""
from __future__ import annotations

import gc

import trio

from kuma import memory


async def test_objects_alive_after_boot_are_frozen_and_garbage_is_collected_first(autojump_clock):
    class Node:
        pass

    gc.unfreeze()
    try:
        cycle = Node()
        cycle.self = cycle
        del cycle  # garbage in a cycle: collected, not frozen
        kept = [Node() for _ in range(1000)]
        booted = trio.Event()

        async def wait_booted() -> float:
            await booted.wait()
            return 30.0

        async with trio.open_nursery() as nursery:
            nursery.start_soon(memory.freeze_after_boot, wait_booted)
            await trio.sleep(100)  # the boot has not started the monitors yet: nothing is frozen
            assert gc.get_freeze_count() == 0
            started = trio.current_time()
            booted.set()
        assert trio.current_time() - started >= 30.0 + memory.SETTLE
        assert gc.get_freeze_count() >= len(kept)
        assert not any(isinstance(o, Node) and getattr(o, "self", None) is o for o in gc.get_objects())
    finally:
        gc.unfreeze()


def test_thresholds_for_a_server():
    before = gc.get_threshold()
    try:
        memory.tune()
        assert gc.get_threshold() == memory.THRESHOLDS
        assert memory.THRESHOLDS[0] > before[0] and memory.THRESHOLDS[2] > 10
    finally:
        gc.set_threshold(*before)
