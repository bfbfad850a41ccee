"""The engine's boot: which monitors start, what their tasks need (read in one go), and when each first checks.

At boot, first checks are spread over min(monitors × `BOOT_SPREAD_PER_MONITOR`, `BOOT_SHARE` × interval)
seconds: a large install does not check everything in the same instant (no thundering herd after a
restart), and every monitor still has its first beat within one interval of the start.
"""

from __future__ import annotations

import random

from kuma.monitoring import beat as rules
from kuma.monitoring.record import MonitorRecord
from kuma.store import heartbeats, monitors

#: At boot, first checks are spread over monitors × this many seconds (20 per second) …
BOOT_SPREAD_PER_MONITOR = 0.05
#: … but never beyond this share of the monitor's interval: the rest covers the server's own start and
#: the check's duration, so the first beat lands within one interval.
BOOT_SHARE = 0.8


def boot_delays(plan: list[tuple[int, float]], rng: random.Random) -> list[tuple[int, float]]:
    """(id, interval) → (id, first delay). Each monitor gets its own slot of the window, in random order
    with a random offset inside the slot, so the first checks start at an even rate, not in random clumps
    (and the later checks, one interval apart, keep that even rate)."""
    n = len(plan)
    spread = n * BOOT_SPREAD_PER_MONITOR
    slots = list(range(n))
    rng.shuffle(slots)
    out = []
    for (monitor_id, interval), slot in zip(plan, slots, strict=True):
        window = min(BOOT_SHARE * interval, spread)
        out.append((monitor_id, window * (slot + rng.random()) / n if window > 0 else 0.0))
    return out


def ancestor_chain(parents: dict[int, int | None], monitor_id: int) -> list[int]:
    """Ancestor group ids, nearest first, from the parent map (cycles cut), as `monitors.ancestors`."""
    chain, seen, current = [], {monitor_id}, parents.get(monitor_id)
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parents.get(current)
    return chain


def boot_plan(d):
    """Active monitors as (id, interval), and what each task needs (row, ancestors, proxy), in one read."""
    rows = monitors.active_rows(d)
    parents = monitors.parent_map(d)
    proxies = monitors.active_proxies(d)
    plan, preloaded = [], {}
    for i, row in enumerate(rows):
        rows[i] = record = MonitorRecord.of(row)  # the dict goes at once: never 10,000 of them at a time
        chain = ancestor_chain(parents, record["id"])
        plan.append((record["id"], rules.effective_interval(record)))
        proxy = proxies.get(record.get("proxy_id")) if record.get("proxy_id") else None
        preloaded[record["id"]] = (record, chain, proxy)
    found = heartbeats.latest_many(d, [row["id"] for row in rows])
    latest = {row["id"]: found.get(row["id"]) for row in rows}
    return plan, preloaded, latest


def load_running(d, monitor_id: int):
    row = monitors.get(d, monitor_id)
    if row is None:
        return None
    return MonitorRecord.of(row), monitors.ancestors(d, monitor_id), monitors.proxy_for(d, row)
