"""Data retention (monitoring-semantics §8) and the periodic SQLite upkeep.

Daily at 03:14 server time: (a) non-important heartbeats older than 24 h are deleted except each
monitor's latest 100; (b) heartbeats and stat_daily rows older than `keepDataPeriodDays` (default 365,
< 1 disables) are deleted; `PRAGMA optimize`. Every 5 minutes: minute buckets older than 24 h and hour
buckets older than 30 days are dropped, `PRAGMA incremental_vacuum(200)` and a WAL checkpoint.
Work is done one monitor per write job so beats keep flowing while it runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import trio

from kuma.store import Database, heartbeats, monitors, stats
from kuma.store import upkeep as store_upkeep
from kuma.store.settings import get_setting
from kuma.timezones import server_timezone_of

log = logging.getLogger(__name__)

DAY = 86400
DEFAULT_KEEP_DAYS = 365
KEEP_LATEST = 100
UPKEEP_EVERY = 300.0
DAILY_AT = (3, 14)


@dataclass(frozen=True)
class Cutoffs:
    non_important_before: str  # heartbeat time text
    all_before: str | None  # None: keepDataPeriodDays < 1 disables
    daily_before: int | None  # stat_daily timestamp (Unix s)
    minutely_before: int
    hourly_before: int


def keep_days(value: Any) -> int:
    """`keepDataPeriodDays` as stored (JSON number or text); missing/garbage → 365."""
    if value is None or value == "":
        return DEFAULT_KEEP_DAYS
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return DEFAULT_KEEP_DAYS


def cutoffs(now: float, days: int) -> Cutoffs:
    all_before = heartbeats.format_time(now - days * DAY) if days >= 1 else None
    daily_before = stats.bucket_start(now - days * DAY, DAY) if days >= 1 else None
    return Cutoffs(
        non_important_before=heartbeats.format_time(now - DAY),
        all_before=all_before,
        daily_before=daily_before,
        minutely_before=stats.bucket_start(now, 60) - 1439 * 60,
        hourly_before=stats.bucket_start(now, 3600) - (30 * 24 - 1) * 3600,
    )


def server_timezone(name: Any):
    """The server's tz (kuma/timezones.py) for a stored `serverTimezone` value, as a tzinfo."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(server_timezone_of(name))


def next_daily_run(now: float, tz, at: tuple[int, int] = DAILY_AT) -> float:
    """Epoch seconds of the next hh:mm wall-clock time in tz strictly after `now`."""
    local = datetime.fromtimestamp(now, tz)
    candidate = local.replace(hour=at[0], minute=at[1], second=0, microsecond=0)
    if candidate.timestamp() <= now:
        candidate = (local + timedelta(days=1)).replace(hour=at[0], minute=at[1], second=0, microsecond=0)
    return candidate.timestamp()


async def daily_cleanup(db: Database, now: float) -> int:
    """§8 daily job at epoch `now`. Returns the number of heartbeat rows deleted."""
    days = keep_days(await db.read(lambda d: get_setting(d, "keepDataPeriodDays")))
    cut = cutoffs(now, days)
    deleted = 0
    for monitor_id in await db.read(monitors.all_ids):

        def job(d, monitor_id=monitor_id) -> int:
            count = heartbeats.delete_old(
                d,
                monitor_id,
                non_important_before=cut.non_important_before,
                keep_latest=KEEP_LATEST,
                all_before=cut.all_before,
            )
            if cut.daily_before is not None:
                stats.delete_before(d, "stat_daily", monitor_id, cut.daily_before)
            return count

        deleted += await db.write(job)
    await db.write(store_upkeep.optimize)
    log.info("retention: deleted %d heartbeats (keepDataPeriodDays=%d)", deleted, days)
    return deleted


async def upkeep(db: Database, now: float) -> None:
    """Every 5 minutes: drop expired minute/hour buckets, incremental vacuum, WAL checkpoint."""
    cut = cutoffs(now, DEFAULT_KEEP_DAYS)
    for monitor_id in await db.read(monitors.all_ids):

        def job(d, monitor_id=monitor_id) -> None:
            stats.delete_before(d, "stat_minutely", monitor_id, cut.minutely_before)
            stats.delete_before(d, "stat_hourly", monitor_id, cut.hourly_before)

        await db.write(job, urgent=False)
    await db.write(store_upkeep.incremental_vacuum)
    await db.read(store_upkeep.wal_checkpoint_passive)


async def run_jobs(db: Database, wall: Callable[[], float], setting: Callable[[str], Any]) -> None:
    """Runs for the server's lifetime; a failing job is logged and tried again next time.
    `wall`: epoch seconds now; `setting(key)`: a (cached) setting value."""
    async with trio.open_nursery() as nursery:
        nursery.start_soon(_every_five_minutes, db, wall)
        nursery.start_soon(_daily, db, wall, setting)


async def _every_five_minutes(db: Database, wall: Callable[[], float]) -> None:
    while True:
        await trio.sleep(UPKEEP_EVERY)
        try:
            await upkeep(db, wall())
        except Exception:
            log.exception("periodic database upkeep failed")


async def _daily(db: Database, wall: Callable[[], float], setting: Callable[[str], Any]) -> None:
    while True:
        tz_name = setting("serverTimezone")
        now = wall()
        await trio.sleep(max(1.0, next_daily_run(now, server_timezone(tz_name)) - now))
        try:
            await daily_cleanup(db, wall())
        except Exception:
            log.exception("daily retention job failed")
