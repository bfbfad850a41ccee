"""The cyclic garbage collector and a server's long-lived objects.

Why: with 10,000 monitors a server holds millions of long-lived objects (monitor rows, tasks, their
frames and contexts). Each collection of the oldest generation walked all of them — 1–2 s of a
stalled Trio loop on this machine, a few times a minute, finding nothing (issue #14: check lateness
p99 of 2.2 s). Once the boot has built that state, `freeze_after_boot` collects once and moves every
object alive into the permanent generation, which the collector never walks again; what is created
later (beats, requests, monitors added) is collected as before.
"""

from __future__ import annotations

import gc
import logging

import trio

log = logging.getLogger(__name__)

#: Seconds after the last boot-time first check before the state counts as built.
SETTLE = 5.0


async def freeze_after_boot(boot_window: float) -> None:
    """Sleep until every monitor has started its first check (+ SETTLE), then collect once and freeze."""
    await trio.sleep(boot_window + SETTLE)
    collected = gc.collect()
    gc.freeze()
    log.debug("gc: %d collected, %d objects frozen", collected, gc.get_freeze_count())
