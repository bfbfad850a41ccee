"""The engine's boot: which monitors start, what their tasks need (read in one go), and when each first checks.

At boot, first checks are spread over min(interval, monitors × `BOOT_SPREAD_PER_MONITOR`) seconds, so a
large install does not check everything in the same instant.
"""

from __future__ import annotations

import random

from kuma.monitoring import beat as rules
from kuma.store import heartbeats, monitors

#: At boot, first checks are spread over min(interval, monitors × this) seconds.
BOOT_SPREAD_PER_MONITOR = 0.05


def boot_delays(plan: list[tuple[int, float]], rng: random.Random) -> list[tuple[int, float]]:
    """(id, interval) → (id, first delay): uniform in [0, min(interval, spread)]."""
    spread = len(plan) * BOOT_SPREAD_PER_MONITOR
    out = []
    for monitor_id, interval in plan:
        window = min(interval, spread)
        out.append((monitor_id, rng.uniform(0, window) if window > 0 else 0.0))
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
    for row in rows:
        chain = ancestor_chain(parents, row["id"])
        plan.append((row["id"], rules.effective_interval(row)))
        preloaded[row["id"]] = (row, chain, proxies.get(row.get("proxy_id")) if row.get("proxy_id") else None)
    found = heartbeats.latest_many(d, [row["id"] for row in rows])
    latest = {row["id"]: found.get(row["id"]) for row in rows}
    return plan, preloaded, latest


def load_running(d, monitor_id: int):
    row = monitors.get(d, monitor_id)
    if row is None:
        return None
    return row, monitors.ancestors(d, monitor_id), monitors.proxy_for(d, row)
