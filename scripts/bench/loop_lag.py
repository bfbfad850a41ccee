#!/usr/bin/env python3
"""Run `python -m kuma ...` with a Trio instrument that records the event loop's long turns (a benchmark aid).

    python scripts/bench/loop_lag.py OUT.jsonl serve --port ...

Every loop turn (from the end of one I/O wait to the start of the next: the batch of tasks run in between)
longer than `KUMA_LAG_TURN_MS` (default 10), in wall time or in the loop thread's own CPU time, is written to
OUT as one JSON line: `{"t": perf_counter at its end, "ms": its length, "cpu_ms": the loop thread's CPU time in
it, "tasks": tasks stepped, "gc": [[generation, ms], ...] (the collector's runs in it), "top": [[ms, task name],
...]}` (the five longest task steps). Every collection of 1 ms or more, in a long turn or not, is a line of its own:
`{"t": perf_counter at its end, "collection": generation, "ms": its length}`. On a shared machine
a turn is long in wall time mostly because the process was preempted (steps of 4, 8, 12 ms: scheduler ticks)
or waited for the GIL; `cpu_ms` is the work the loop itself did, which load does not change.
`time.perf_counter` is CLOCK_MONOTONIC on Linux, the same clock in every process, so a benchmark can put
each turn in its phases. Not part of kuma: nothing under kuma/ imports it.
"""

from __future__ import annotations

import gc
import json
import os
import runpy
import sys
import time
from typing import Any

import trio


class LongTurns(trio.abc.Instrument):
    """Times each loop turn and the task steps inside it; writes the long turns."""

    def __init__(self, path: str, threshold_ms: float) -> None:
        self.out = open(path, "w", buffering=1)  # noqa: SIM115 - open for the whole run
        self.threshold = threshold_ms / 1000
        self.turn_start = time.perf_counter()
        self.turn_cpu = time.thread_time()
        self.step_start = 0.0
        self.steps: list[tuple[float, Any]] = []
        self.collections: list[list[float]] = []  # [generation, ms] of the collector's runs in this turn
        self._gc_start = 0.0
        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            end = time.perf_counter()
            ms = round((end - self._gc_start) * 1000, 2)
            self.collections.append([info["generation"], ms])
            if ms >= 1.0:
                self.out.write(json.dumps({"t": end, "collection": info["generation"], "ms": ms}) + "\n")

    def after_io_wait(self, timeout: float) -> None:
        self.turn_start = time.perf_counter()
        self.turn_cpu = time.thread_time()
        self.steps = []
        self.collections = []

    def before_task_step(self, task: Any) -> None:
        self.step_start = time.perf_counter()

    def after_task_step(self, task: Any) -> None:
        took = time.perf_counter() - self.step_start
        if took > 0.0005:
            self.steps.append((took, task))
        else:
            self.steps.append((0.0, None))

    def before_io_wait(self, timeout: float) -> None:
        now = time.perf_counter()
        took = now - self.turn_start
        if took >= self.threshold:
            cpu = time.thread_time() - self.turn_cpu
            long = sorted((s for s in self.steps if s[1] is not None), key=lambda s: s[0], reverse=True)[:5]
            top = [[round(ms * 1000, 2), task.name] for ms, task in long]
            turn = {"t": now, "ms": round(took * 1000, 2), "cpu_ms": round(cpu * 1000, 2), "tasks": len(self.steps),
                    "gc": self.collections}
            self.out.write(json.dumps({**turn, "top": top}))
            self.out.write("\n")
        self.steps = []
        self.collections = []


def main() -> None:
    path, args = sys.argv[1], sys.argv[2:]
    threshold = float(os.environ.get("KUMA_LAG_TURN_MS", "10"))
    original = trio.run

    def run(*a: Any, **kw: Any) -> Any:
        kw.setdefault("instruments", []).append(LongTurns(path, threshold))
        return original(*a, **kw)

    trio.run = run  # type: ignore[assignment]
    sys.argv = ["kuma", *args]
    runpy.run_module("kuma", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
