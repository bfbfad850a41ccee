"""§8 retention: what the daily job deletes and keeps, the 5-minute upkeep, and when it runs."""
from __future__ import annotations

from datetime import timezone

import trio

from kuma.monitoring import retention
from kuma.store.heartbeats import format_time, parse_time
from tests.monitoring.engine_harness import BASE, running_engine

DAY = 86400


async def _seed(eng, now):
    """Monitor 1: 300 beats, one per 10 min going back ~2 days, every 50th important; plus one very old
    important beat (400 days) and one 100-day-old non-important beat. Stat rows of all ages."""
    mid = await eng.add_monitor(name="a")
    other = await eng.add_monitor(name="b")

    def job(d):
        rows = []
        for i in range(300):
            rows.append((1 if i % 50 == 0 else 0, mid, 1, "ok", format_time(now - i * 600)))
        rows.append((1, mid, 0, "ancient", format_time(now - 400 * DAY)))
        rows.append((0, mid, 1, "old", format_time(now - 100 * DAY)))
        rows.append((0, other, 1, "recent", format_time(now - 3600)))
        d.conn.executemany("INSERT INTO heartbeat (important, monitor_id, status, msg, time) VALUES (?, ?, ?, ?, ?)", rows)
        for table, age in (("stat_daily", 400 * DAY), ("stat_daily", 10 * DAY), ("stat_hourly", 31 * DAY),
                           ("stat_hourly", 29 * DAY), ("stat_minutely", 2 * DAY), ("stat_minutely", 600)):
            d.conn.execute(f"INSERT INTO {table} (monitor_id, timestamp, ping, up, down) VALUES (?, ?, 0, 1, 0)",
                           (mid, int(now - age) // 60 * 60))
    await eng.db.write(job)
    return mid, other


async def test_daily_cleanup_keeps_important_and_latest_100(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        now = BASE + 10 * DAY
        mid, other = await _seed(eng, now)
        deleted = await retention.daily_cleanup(eng.db, now)
        rows = eng.rows("SELECT important, msg, time FROM heartbeat WHERE monitor_id = ? ORDER BY time DESC", mid)
        cutoff = format_time(now - DAY)
        recent = [r for r in rows if r["time"] >= cutoff]
        older = [r for r in rows if r["time"] < cutoff]
        assert len(recent) == 145  # everything of the last 24 h stays (one beat per 10 min, both ends)
        assert all(r["important"] for r in older if r not in rows[:100])  # beyond the latest 100 only important ones
        assert [r["msg"] for r in rows if r["msg"] in ("ancient", "old")] == []  # > 90 days (fixture default 365 → ancient only)
        assert deleted == 300 - 145 - 3 + 2  # 152 non-important old beats + the two ancient/old ones
        assert eng.rows("SELECT count(*) AS n FROM heartbeat WHERE monitor_id = ?", other)[0]["n"] == 1
        daily = eng.rows("SELECT timestamp FROM stat_daily WHERE monitor_id = ?", mid)
        assert len(daily) == 1  # the 400-day-old day is gone (keepDataPeriodDays default 365)


async def test_keep_data_period_setting(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        now = BASE + 10 * DAY
        mid, _ = await _seed(eng, now)
        await eng.db.write(lambda d: d.conn.execute(
            "INSERT INTO setting (key, value, type) VALUES ('keepDataPeriodDays', '0', 'general')"))
        await retention.daily_cleanup(eng.db, now)
        msgs = [r["msg"] for r in eng.rows("SELECT msg FROM heartbeat WHERE monitor_id = ?", mid)]
        assert "ancient" in msgs  # < 1 disables the age limit (important beats stay)
        assert "old" not in msgs  # but the 24 h rule still applies
        await eng.db.write(lambda d: d.conn.execute("UPDATE setting SET value = '30' WHERE key = 'keepDataPeriodDays'"))
        await retention.daily_cleanup(eng.db, now)
        msgs = [r["msg"] for r in eng.rows("SELECT msg FROM heartbeat WHERE monitor_id = ?", mid)]
        assert "ancient" not in msgs
        assert len(eng.rows("SELECT * FROM stat_daily WHERE monitor_id = ?", mid)) == 1


async def test_upkeep_drops_expired_minute_and_hour_buckets(tmp_path, autojump_clock):
    async with running_engine(tmp_path, autostart=False) as eng:
        now = BASE + 10 * DAY
        mid, _ = await _seed(eng, now)
        await retention.upkeep(eng.db, now)
        assert len(eng.rows("SELECT * FROM stat_minutely WHERE monitor_id = ?", mid)) == 1
        assert len(eng.rows("SELECT * FROM stat_hourly WHERE monitor_id = ?", mid)) == 1
        assert len(eng.rows("SELECT * FROM stat_daily WHERE monitor_id = ?", mid)) == 2  # daily only by the daily job


def test_next_daily_run():
    now = parse_time("2026-11-26 10:00:00")
    assert retention.next_daily_run(now, timezone.utc) == parse_time("2026-11-27 03:14:00")
    assert retention.next_daily_run(parse_time("2026-11-26 03:13:59"), timezone.utc) == parse_time("2026-11-26 03:14:00")
    tz = retention.server_timezone("Asia/Tokyo")  # 03:14 JST = 18:14 UTC the day before
    assert retention.next_daily_run(now, tz) == parse_time("2026-11-26 18:14:00")
    assert retention.server_timezone("Not/AZone") is not None
    assert retention.keep_days(None) == 365 and retention.keep_days("90") == 90 and retention.keep_days("x") == 365


async def test_daily_job_runs_at_314(tmp_path, autojump_clock):
    async with running_engine(tmp_path) as eng:  # BASE is 10:00 UTC; the job fires at 03:14 next day
        mid = await eng.add_monitor(name="x", active=0)
        await eng.db.write(lambda d: d.conn.execute(
            "INSERT INTO heartbeat (important, monitor_id, status, msg, time) VALUES (0, ?, 1, 'old', ?)",
            (mid, format_time(BASE - 400 * DAY))))
        await trio.sleep(17 * 3600 + 13 * 60)  # 03:13
        assert len(eng.rows("SELECT * FROM heartbeat WHERE monitor_id = ?", mid)) == 1
        await trio.sleep(120)  # 03:15
        assert len(eng.rows("SELECT * FROM heartbeat WHERE monitor_id = ?", mid)) == 0
