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


def test_thresholds_for_a_server_and_start_up_objects_frozen():
    before = gc.get_threshold()
    gc.unfreeze()
    try:
        imported = [object()]  # alive at the start of `serve`, as what the imports made is
        assert any(o is imported for o in gc.get_objects())  # walked by every collection of its generation
        memory.tune()
        assert gc.get_threshold() == memory.THRESHOLDS
        assert memory.THRESHOLDS[0] > before[0] and memory.THRESHOLDS[2] > 10
        assert gc.get_freeze_count() > 0 and not any(o is imported for o in gc.get_objects())  # frozen
        later = [object()]
        assert any(o is later for o in gc.get_objects())  # made after start-up: collected as before
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_free_pages_pinned_by_survivors_go_back_to_the_system():
    """The boot's shape: a thread builds many large rows, keeps a small part of each; the freed space sits
    between the survivors, so glibc keeps it resident until `release_free_memory` trims the heaps."""
    import threading

    import psutil

    kept: list[bytes] = []

    def build() -> None:
        rows = []
        for i in range(20_000):
            rows.append(bytes(3000) + bytes([i % 256]))  # a row (malloc'd, not Python's small-object arenas)
            if i % 10 == 0:  # what survives them, between them in the heap
                kept.append(bytes(1000) + bytes([i % 256]))
        rows.clear()

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    process = psutil.Process()
    before = process.memory_info().rss
    assert memory.release_free_memory()
    after = process.memory_info().rss
    assert before - after > 40 * 2**20, (before, after)  # most of the ~60 MB the rows took
    assert len(kept) == 2_000
