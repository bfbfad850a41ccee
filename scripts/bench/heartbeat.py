#!/usr/bin/env python3
"""The heartbeat timer's cost (issue #15): prints figures, asserts nothing.

N websocket sessions are opened on a real Hub (no sockets, no network), get their pings, answer with a
pong, get the next pings, then all leave at once; the loop's CPU-seconds (process time) for each step,
on Trio's mock clock so the 25 s intervals pass at once. Run against another tree with PYTHONPATH=TREE.

    .venv/bin/python scripts/bench/heartbeat.py [--sessions 1000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import trio
import trio.testing

from kuma.realtime.hub import Hub


async def one_run(n: int) -> dict[str, float]:
    """CPU-seconds of: opening n sessions, the ping pass, the pongs, the next ping pass, everyone leaving."""
    hub = Hub(ping_interval=25.0, ping_timeout=20.0)
    figures: dict[str, float] = {}

    async def step(name: str, fn: object = None, until: float | None = None) -> None:
        t = time.process_time()
        if callable(fn):
            fn()
        if until is not None:
            await trio.sleep_until(until)
        await trio.testing.wait_all_tasks_blocked()
        figures[name] = time.process_time() - t

    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        start = trio.current_time()
        conns = []
        await step("open", lambda: conns.extend(hub.open_connection("websocket", {}, "127.0.0.1") for _ in range(n)))
        await step("ping pass", until=start + 25.1)
        for conn in conns:
            conn.session.take_frames()
        await step("pongs", lambda: [c.receive_websocket("3", trio.current_time()) for c in conns])
        await step("next pass", until=start + 50.2)
        await step("leave", lambda: [c.lost("gone") for c in conns])
        nursery.cancel_scope.cancel()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs = [trio.run(one_run, args.sessions, clock=trio.testing.MockClock(autojump_threshold=0))
            for _ in range(args.repeat)]
    print(f"{args.sessions} sessions, median of {args.repeat} runs, CPU ms:")
    for name in runs[0]:
        print(f"  {name:10} {statistics.median(r[name] for r in runs) * 1000:8.1f}")
    print("load average (1, 5, 15 min): " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
