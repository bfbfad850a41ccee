"""The database writer's own thread: it takes jobs off a queue, makes batches and commits them.

Why a thread of its own rather than `trio.to_thread` per batch: the hop there and back costs a loop turn
each way and a batch could only start once the event loop had woken the writer task again; here the next
batch starts the moment the last one is committed, while the event loop wakes the last one's callers. What
the thread hands back goes through the Trio token (`run_sync_soon`), one call per batch.

A batch is everything queued (up to `max_batch`) once the first job is there: lazy jobs wait for company
on the Trio side (`Database`, in Trio's time, so a pinned clock holds for them too) and come in together.
`STOP` on the queue: what was queued before it is committed, then the thread ends, telling the loop with
`Ended`.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import trio


class _Stop:
    """The marker that ends the thread (after what was queued before it is committed)."""


STOP = _Stop()


@dataclass(frozen=True)
class Ended:
    """Delivered once, last: the thread has ended (`error`: why, if it was not STOP; `unfinished`: the
    batch it had in hand then, neither committed nor answered)."""

    error: BaseException | None = None
    unfinished: list[Any] = field(default_factory=list)


def run(
    jobs: queue.SimpleQueue[Any],
    commit: Callable[[list[Any]], None],
    token: trio.lowlevel.TrioToken,
    deliver: Callable[[Any], None],
    max_batch: int,
) -> None:
    """The thread's body: batch, `commit` (which records each job's result or error), `deliver` the batch
    to the loop; until STOP. `deliver` runs in the Trio thread."""
    error: BaseException | None = None
    batch: list[Any] = []
    try:
        stop = False
        while not stop:
            batch, stop = next_batch(jobs, max_batch)
            if batch:
                commit(batch)
                token.run_sync_soon(deliver, batch)
                batch = []
    except BaseException as exc:  # a bug in the writer itself: the loop is told and fails loudly
        error = exc
    finally:
        try:
            token.run_sync_soon(deliver, Ended(error, batch))
        except trio.RunFinishedError:  # the loop is gone already: nobody is left to tell
            pass


def next_batch(jobs: queue.SimpleQueue[Any], max_batch: int) -> tuple[list[Any], bool]:
    """The next batch (blocking for its first job) and whether STOP was seen."""
    first = jobs.get()
    if first is STOP:
        return [], True
    batch = [first]
    while len(batch) < max_batch:
        try:
            job = jobs.get_nowait()
        except queue.Empty:
            return batch, False
        if job is STOP:
            return batch, True
        batch.append(job)
    return batch, False
