#!/usr/bin/env python3
"""The database writer alone: beat jobs through `Database.write`, in one process. Prints figures; asserts nothing.

`push` (default): --clients tasks each storing push beats (urgent, as `/api/push` does) as fast as they are
committed, for --seconds: jobs/s, jobs per commit, write() latency p50/p99, CPU per 1,000 beats (the whole
process, and the writer's thread alone).
`lazy`: --monitors monitors beating every --interval s (lazy beats, as the engine's checks), spread evenly,
for --seconds: the same, plus how late a 5 ms timer of the event loop fires (p99/max: how long the loop was
kept from its timers by the writer and by waking the callers of a batch).
`--one-by-one` stores each beat with its own statements (no `many`), to compare.

    .venv/bin/python scripts/bench/writer.py [push|lazy] [--seconds 10] [--clients 50] [--monitors 30000] [--interval 60]
"""

from __future__ import annotations

import argparse
import inspect
import os
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import trio

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from kuma.monitoring import storing  # noqa: E402
from kuma.monitoring.beat import Decision  # noqa: E402
from kuma.store.db import Database  # noqa: E402

TICK = 0.005


def make_db(path: Path, monitors: int) -> None:
    Database.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO user (username, password, active) VALUES ('bench', 'x', 1)")
    conn.executemany(
        "INSERT INTO monitor (name, type, active, user_id, interval, push_token) VALUES (?, 'push', 1, 1, 60, ?)",
        [(f"m{i}", f"tok{i}") for i in range(monitors)],
    )
    conn.commit()
    conn.close()


def beat(monitor_id: int, n: int, push: bool) -> storing.BeatJob:
    decision = Decision(status=1, msg=f"b{n}", ping=5, important=False, notify=False, down_count=0, retries=0)
    now = time.time()
    row = storing.beat_row(monitor_id, decision, now, now, 0, None)
    return storing.beat_job(row, now, None, None, push_token=f"tok{monitor_id - 1}" if push else None)


class Figures:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.late: list[float] = []


def writer_cpu() -> float:
    """CPU seconds of the writer's thread (the new design names it; else every thread but this one)."""
    me = psutil.Process()
    ids = {t.native_id for t in threading.enumerate() if t.name == "kuma-db-writer"}
    main = threading.main_thread().native_id
    return sum(t.user_time + t.system_time for t in me.threads() if (t.id in ids) or (not ids and t.id != main))


#: whether this tree's writer takes `many` (the bench also runs on older trees, to compare)
HAS_MANY = "many" in inspect.signature(Database.write).parameters


async def store(db: Database, job: storing.BeatJob, urgent: bool, one_by_one: bool, figures: Figures) -> None:
    started = time.perf_counter()
    if one_by_one or not HAS_MANY:
        await db.write(job, urgent=urgent, routine=True)
    else:
        await db.write(job, urgent=urgent, routine=True, many=job.many)
    figures.latencies.append(time.perf_counter() - started)


async def push_client(db: Database, ids: list[int], deadline: float, args, figures: Figures) -> None:
    n = 0
    while time.monotonic() < deadline:
        n += 1
        await store(db, beat(ids[n % len(ids)], n, True), True, args.one_by_one, figures)


async def lazy_monitor(db: Database, monitor_id: int, offset: float, deadline: float, args, figures) -> None:
    await trio.sleep(offset)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        await store(db, beat(monitor_id, n, False), False, args.one_by_one, figures)
        await trio.sleep(args.interval)


async def ticker(deadline: float, figures: Figures) -> None:
    while time.monotonic() < deadline:
        started = trio.current_time()
        await trio.sleep(TICK)
        figures.late.append(trio.current_time() - started - TICK)


async def main_async(db: Database, args, figures: Figures) -> tuple[float, float, float]:
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        deadline = time.monotonic() + args.seconds
        cpu0, wcpu0, t0 = sum(psutil.Process().cpu_times()[:2]), writer_cpu(), time.monotonic()
        async with trio.open_nursery() as load:
            load.start_soon(ticker, deadline, figures)
            if args.mode == "push":
                for c in range(args.clients):
                    ids = list(range(1 + c, args.monitors + 1, args.clients))
                    load.start_soon(push_client, db, ids, deadline, args, figures)
            else:
                spread = min(args.interval, args.seconds)
                for m in range(1, args.monitors + 1):
                    load.start_soon(lazy_monitor, db, m, spread * (m - 1) / args.monitors, deadline, args, figures)
        wall = time.monotonic() - t0
        cpu, wcpu = sum(psutil.Process().cpu_times()[:2]) - cpu0, writer_cpu() - wcpu0
        nursery.cancel_scope.cancel()
    return wall, cpu, wcpu


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] * 1000 if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=["push", "lazy"], default="push")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--monitors", type=int, default=None, help="default: 1,000 (push), 30,000 (lazy)")
    parser.add_argument("--interval", type=float, default=60)
    parser.add_argument("--one-by-one", action="store_true", help="store each beat with its own statements")
    args = parser.parse_args()
    args.monitors = args.monitors or (1000 if args.mode == "push" else 30000)
    sys.setswitchinterval(0.0005)  # as the server (kuma/server.py)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kuma.db"
        make_db(path, args.monitors)
        db = Database.open(path)
        figures = Figures()
        wall, cpu, wcpu = trio.run(main_async, db, args, figures)
        commits, jobs = db.commits, db.jobs_written
        db.close()
    beats = len(figures.latencies)
    print(
        f"{args.mode}{' one by one' if args.one_by_one else ''}: {beats} beats in {wall:.1f} s, {beats / wall:.0f}/s, "
        f"{jobs / max(1, commits):.1f} per commit; write() p50 {pct(figures.latencies, 0.5):.1f} ms, "
        f"p99 {pct(figures.latencies, 0.99):.1f} ms; CPU {cpu * 1000 / max(1, beats) * 1000:.0f} ms per 1,000 beats "
        f"(writer thread {wcpu * 1000 / max(1, beats) * 1000:.0f} ms), {cpu / wall * 100:.0f} % of one core; "
        f"5 ms timer late p99 {pct(figures.late, 0.99):.1f} ms, max {pct(figures.late, 1.0):.1f} ms"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
