"""The read model over the stat_* aggregates and heartbeats (docs/CONTRACTS.md "Monitoring service").

`Readings` answers the API's questions (uptime, average ping, per-beat stats, badge windows, chart
buckets, heartbeat lists) through the store, never scanning heartbeats for figures. "Now" is the
injectable `wall` clock: the app's one clock (`app.clock.time`) in the server, anything in tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kuma.monitoring import uptime as upt
from kuma.store import Database, heartbeats, stats


class Readings:
    """The API's questions about uptime, ping and beats, answered from the stat tables through the store
    (never by scanning heartbeats), with "now" from the app's one wall clock."""

    def __init__(self, db: Database, wall: Callable[[], float]) -> None:
        self.db = db
        self.wall = wall  # epoch seconds

    async def uptime(self, monitor_id: int, period: int | str) -> float | int:
        """Uptime ratio 0..1 of period 24 / 720 / "1y"."""
        key = upt.period_key(period)
        unit, count = upt.PERIODS[key]
        result = await self.window(monitor_id, unit, count)
        return result[0]

    async def avg_ping(self, monitor_id: int) -> float | int | None:
        """24 h average ping of UP beats, rounded to 2 decimals (None without UP beats)."""
        result = await self.window(monitor_id, "minute", 1440)
        return upt.rounded_ping(result[1])

    async def window(self, monitor_id: int, unit: str, count: int) -> tuple[float | int, float | None]:
        """(uptime ratio, average ping unrounded) over the last `count` buckets of `unit`
        ("minute" | "hour" | "day"), the current one included."""
        since = upt.window_start(self.wall(), unit, count)
        table = upt.table_for(unit)
        sums = await self.db.read(lambda d: stats.window_sums(d, table, int(monitor_id), since))
        return upt.uptime_ratio(sums), upt.average_ping(sums)

    async def stats(self, monitor_id: int) -> dict[str, Any]:
        """Everything the per-beat events need, in one read:
        {"avgPing": …, "24": ratio, "720": ratio, "1y": ratio}."""
        now = self.wall()
        monitor_id = int(monitor_id)

        def read(d):
            out = {}
            for key, (unit, count) in upt.PERIODS.items():
                out[key] = stats.window_sums(d, upt.table_for(unit), monitor_id, upt.window_start(now, unit, count))
            return out

        return _stats_of(await self.db.read(read))

    def stats_many_reader(self, monitor_ids: list[int]) -> Callable[[Any], dict[int, dict[str, Any]]]:
        """A reader job (run it inside `db.read`) giving `stats()` for many monitors with one GROUP BY
        query per window: {id: {"avgPing", "24", "720", "1y"}}, the same values as `stats(id)`."""
        now = self.wall()
        ids = [int(i) for i in monitor_ids]

        def read(d) -> dict[int, dict[str, Any]]:
            sums = {
                key: stats.window_sums_many(d, upt.table_for(unit), ids, upt.window_start(now, unit, count))
                for key, (unit, count) in upt.PERIODS.items()
            }
            return {i: _stats_of({key: sums[key][i] for key in sums}) for i in ids}

        return read

    async def stats_many(self, monitor_ids: list[int]) -> dict[int, dict[str, Any]]:
        """`stats()` of many monitors in one read."""
        return await self.db.read(self.stats_many_reader(monitor_ids))

    async def heartbeat_lists(self, monitor_ids: list[int], limit: int = 100) -> dict[int, list[dict[str, Any]]]:
        """`heartbeat_list()` of many monitors in one read (one statement)."""
        ids = [int(i) for i in monitor_ids]
        return await self.db.read(lambda d: heartbeats.recent_many(d, ids, limit))

    async def heartbeat_list(self, monitor_id: int, limit: int = 100) -> list[dict[str, Any]]:
        """The last `limit` raw heartbeat rows, oldest first (the `heartbeatList` rows)."""
        return await self.db.read(lambda d: heartbeats.recent(d, int(monitor_id), limit))

    async def chart_data(self, monitor_id: int, period_hours: float) -> list[dict[str, Any]]:
        """Buckets for getMonitorChartData: ≤24 h per minute, ≤720 h per hour, else per day; newest
        first; the current bucket is always present."""
        unit, count = chart_window(period_hours)
        now = self.wall()
        since = upt.window_start(now, unit, count)
        rows = await self.db.read(lambda d: stats.buckets(d, upt.table_for(unit), int(monitor_id), since))
        current = upt.window_start(now, unit, 1)
        data = []
        for row in rows:
            item = {
                "up": row["up"],
                "down": row["down"],
                "avgPing": row["ping"],
                "minPing": row["ping_min"],
                "maxPing": row["ping_max"],
                "timestamp": row["timestamp"],
            }
            maintenance = _maintenance_count(row.get("extras"))
            if maintenance:
                item["maintenance"] = maintenance
            data.append(item)
        if not data or data[0]["timestamp"] != current:
            data.insert(0, {"up": 0, "down": 0, "avgPing": 0, "minPing": 0, "maxPing": 0, "timestamp": current})
        return data


def chart_window(period_hours: float) -> tuple[str, int]:
    """(bucket unit, bucket count) of a chart period in hours."""
    hours = max(float(period_hours or 0), 0)
    if hours <= 24:
        return "minute", max(1, int(hours * 60))
    if hours <= 720:
        return "hour", max(1, int(hours))
    return "day", max(1, int(hours / 24))


def _stats_of(sums: dict[str, stats.WindowSums]) -> dict[str, Any]:
    return {
        "avgPing": upt.rounded_ping(upt.average_ping(sums["24"])),
        "24": upt.uptime_ratio(sums["24"]),
        "720": upt.uptime_ratio(sums["720"]),
        "1y": upt.uptime_ratio(sums["1y"]),
    }


def _maintenance_count(extras: str | None) -> int:
    if not extras:
        return 0
    try:
        value = json.loads(extras)
    except ValueError:
        return 0
    return int(value.get("maintenance") or 0) if isinstance(value, dict) else 0
