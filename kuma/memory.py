"""The cyclic garbage collector and a server's long-lived objects.

Why: with 10,000 monitors a server holds millions of long-lived objects (monitor rows, tasks, their
frames and contexts). Each collection of the oldest generation walked all of them — 1–2 s of a
stalled Trio loop on this machine, a few times a minute, finding nothing (issue #14: check lateness
p99 of 2.2 s). Once the boot has built that state, `freeze_after_boot` collects once and moves every
object alive into the permanent generation, which the collector never walks again; what is created
later (beats, requests, monitors added) is collected as before.

What still ages into the oldest generation is the state of tasks asleep between checks (a cancel scope,
coroutines and a trap object per sleeping monitor, renewed every interval: ~10 objects per monitor per
minute, none of them garbage). `tune()` makes full collections rarer (`THRESHOLDS`: a young collection
every 50,000 net allocations instead of 700, the oldest after 100 middle ones instead of 10), so their
pauses stop showing in the checks' lateness; cyclic garbage is still found, a little later. (10,000 young
ones were tried for the 17–26 ms young collections in a burst of 1,000 logins, issue #15: five times as
many collections, the longest 16 ms, twice the total; not kept.)

The boot's collection walks every object alive; about 60,000 of a fresh server's are what the imports
made (modules, classes, functions), which live as long as the process. `tune()`, before the listening
socket opens, freezes those, so the boot's collection later walks only what the boot built (85 → 24 ms on
a fresh server). No collection first: one there found no garbage and took 23 ms of the start-up. The
boot's collection runs one generation at a time, a loop turn each.

After that collection `release_free_memory` asks glibc to hand the free pages inside its heaps back to
the system: the boot's reads build their rows in reader threads' heaps, and what survives them (the
running monitors' records) pins those heaps at their peak, ~35 MB at 10,000 monitors, until trimmed.
"""

from __future__ import annotations

import ctypes
import gc
import logging
from collections.abc import Awaitable, Callable

import trio

log = logging.getLogger(__name__)

#: Seconds after the last boot-time first check before the state counts as built.
SETTLE = 5.0
#: gc.set_threshold: (young, middle, oldest); CPython's defaults are (700, 10, 10).
THRESHOLDS = (50_000, 20, 100)


def tune() -> None:
    """Set the collector's thresholds for a server process and freeze what start-up imported (call once,
    at the start of `serve`, before it listens)."""
    gc.set_threshold(*THRESHOLDS)
    gc.freeze()


async def freeze_after_boot(wait_booted: Callable[[], Awaitable[float]]) -> None:
    """Sleep until every monitor has started its first check (+ SETTLE), then collect once and freeze.
    `wait_booted` returns once the boot has started the monitors, with its window in seconds."""
    boot_window = await wait_booted()
    await trio.sleep(boot_window + SETTLE)
    collected = 0
    for generation in range(3):  # the younger first, each in a loop turn of its own: shorter turns
        collected += gc.collect(generation)
        await trio.sleep(0)
    gc.freeze()
    log.debug("gc: %d collected, %d objects frozen", collected, gc.get_freeze_count())
    await trio.to_thread.run_sync(release_free_memory)  # ctypes lets the GIL go: the trim is off the loop


def release_free_memory() -> bool:
    """glibc's `malloc_trim(0)`: free pages of every malloc heap go back to the system (RSS drops by what
    the peaks left behind). False where the C library has none (not glibc): nothing else changes."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the process's own symbols: its C library's
    if trim is None:
        log.debug("malloc_trim: not in this C library")
        return False
    trim(0)
    return True
