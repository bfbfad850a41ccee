"""The stat_* aggregates: replaying the fixture's real beats gives the fixture's real buckets; beats
made by the engine give what a scan of the heartbeat table gives; uptime/avg ping read them right."""
from __future__ import annotations

import random
import sqlite3
from collections import defaultdict

import pytest
import trio

from kuma.monitoring import uptime as upt
from kuma.monitoring.beat import DOWN, MAINTENANCE, PENDING, UP
from kuma.store import Database, stats
from kuma.store.heartbeats import parse_time
from tests.helpers.server import copy_fixture_db
from tests.monitoring.engine_harness import BASE, running_engine, script

FIXTURE_NOW = parse_time("2026-11-26 10:12:30.000")


def _fixture_rows(path, sql):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def test_replaying_fixture_beats_reproduces_fixture_buckets(tmp_path):
    fixture = copy_fixture_db(tmp_path / "fixture")
    beats = _fixture_rows(fixture, "SELECT monitor_id, status, time, ping FROM heartbeat ORDER BY id")
    db = Database.open(tmp_path / "fresh.db")
    conn = db._writer.conn
    conn.execute("INSERT INTO monitor (id, name, type) SELECT value, 'm', 'http' FROM json_each('[1,2,3,4,5,6,7,8,9,10,11,12]')")
    for beat in beats:
        stats.record_beat(db._writer, beat["monitor_id"], parse_time(beat["time"]), beat["status"], beat["ping"])
    for table in stats.TABLES:
        sql = f"SELECT monitor_id, timestamp, up, down, ping, ping_min, ping_max, extras FROM {table} ORDER BY monitor_id, timestamp"
        expected = _fixture_rows(fixture, sql)
        got = [dict(r) for r in conn.execute(sql)]
        assert len(got) == len(expected) > 0, table
        for g, e in zip(got, expected):
            assert {k: g[k] for k in ("monitor_id", "timestamp", "up", "down", "extras")} == \
                   {k: e[k] for k in ("monitor_id", "timestamp", "up", "down", "extras")}
            for key in ("ping", "ping_min", "ping_max"):
                assert g[key] == pytest.approx(e[key], rel=1e-9, abs=1e-12), (table, e, key)
    db.close()


async def test_engine_aggregates_equal_a_scan_of_the_beats(tmp_path, autojump_clock):
    rng = random.Random(42)
    actions = []
    for _ in range(400):
        roll = rng.random()
        if roll < 0.55:
            actions.append(("up", rng.choice([1, 2, 3, 7.5, 12, 0.25])))
        elif roll < 0.62:
            actions.append(("up-noping",))
        elif roll < 0.75:
            actions.append(("status", PENDING, "pending"))
        else:
            actions.append(("fail", "down"))
    async with running_engine(tmp_path, autostart=False) as eng:
        mid = await eng.add_monitor(interval=17, retry_interval=13, maxretries=1)
        script(mid, *actions)
        await eng.service.start_monitor(mid)
        await eng.wait_beats(mid, len(actions))
        await eng.service.stop_monitor(mid)
        beats = eng.rows("SELECT status, time, ping FROM heartbeat WHERE monitor_id = ? ORDER BY id", mid)
        for table, length in stats.TABLES.items():
            scan = defaultdict(lambda: {"up": 0, "down": 0, "pings": [], "maint": 0})
            for b in beats:
                bucket = scan[stats.bucket_start(parse_time(b["time"]), length)]
                if b["status"] == UP:
                    bucket["up"] += 1
                    if b["ping"] is not None:
                        bucket["pings"].append(b["ping"])
                elif b["status"] in (DOWN, PENDING):
                    bucket["down"] += 1
            rows = {r["timestamp"]: r for r in eng.rows(f"SELECT * FROM {table} WHERE monitor_id = ?", mid)}
            assert set(rows) == set(scan), table
            for ts, bucket in scan.items():
                row = rows[ts]
                assert (row["up"], row["down"]) == (bucket["up"], bucket["down"])
                if bucket["pings"]:
                    assert row["ping_min"] == min(bucket["pings"]) or row["ping_min"] == 0
                    assert row["ping_max"] == max(bucket["pings"])
                if bucket["up"] and len(bucket["pings"]) == bucket["up"]:
                    assert row["ping"] == pytest.approx(sum(bucket["pings"]) / len(bucket["pings"]))
        # the read helpers: 24 h ratio and average from the minute buckets equal the scan
        now = eng.readings.wall()
        since = upt.window_start(now, "minute", 1440)
        recent = [b for b in beats if parse_time(b["time"]) >= since]
        up = sum(1 for b in recent if b["status"] == UP)
        down = sum(1 for b in recent if b["status"] in (DOWN, PENDING))
        assert await eng.readings.uptime(mid, 24) == pytest.approx(up / (up + down))
        assert await eng.readings.uptime(mid, "1y") == pytest.approx(
            sum(1 for b in beats if b["status"] == UP) / len(beats))
        summary = await eng.readings.stats(mid)
        assert list(summary) == ["avgPing", "24", "720", "1y"]
        assert summary["24"] == await eng.readings.uptime(mid, "24")
        assert summary["avgPing"] == await eng.readings.avg_ping(mid)


async def test_read_helpers_on_the_fixture_database(tmp_path):
    copy_fixture_db(tmp_path)
    async with running_engine(tmp_path, autostart=False) as eng:
        eng.readings.wall = lambda: FIXTURE_NOW
        # monitor 1: 12 UP, 4 DOWN → 0.75; avg ping = Σ(avg×up)/Σup over its minute buckets
        assert await eng.readings.uptime(1, 24) == 0.75
        assert await eng.readings.uptime(1, 720) == 0.75
        assert await eng.readings.uptime("1", "1y") == 0.75
        assert await eng.readings.uptime(8, 24) == 1 and isinstance(await eng.readings.uptime(8, 24), int)
        assert await eng.readings.uptime(12, 24) == 0
        assert await eng.readings.avg_ping(12) is None
        buckets = eng.rows("SELECT up, ping FROM stat_minutely WHERE monitor_id = 1")
        expected = sum(b["up"] * b["ping"] for b in buckets) / sum(b["up"] for b in buckets)
        assert await eng.readings.avg_ping(1) == round(expected, 2)
        # group 6: the PENDING first beat counts as not up
        assert await eng.readings.uptime(6, 24) == pytest.approx(11 / 16)
        assert await eng.readings.uptime(11, 24) == 0  # never ran
        # a day later the 24 h window is empty: the last minute bucket is used instead (§7)
        eng.readings.wall = lambda: FIXTURE_NOW + 2 * 86400
        assert await eng.readings.uptime(1, 24) == 1  # last bucket 10:12 had 1 UP
        rows = await eng.readings.heartbeat_list(10)
        assert [r["id"] for r in rows] == [40, 42, 53, 54, 55, 56, 87, 118, 139, 160, 161, 162]
        assert list(rows[0]) == ["id", "important", "monitor_id", "status", "msg", "time", "ping", "duration",
                                 "down_count", "end_time", "retries", "response"]
        assert len(await eng.readings.heartbeat_list(1, limit=5)) == 5
        eng.readings.wall = lambda: FIXTURE_NOW
        chart = await eng.readings.chart_data(1, 24)
        assert chart[0]["timestamp"] == 1795687920 and chart[0]["up"] == 1
        assert list(chart[0]) == ["up", "down", "avgPing", "minPing", "maxPing", "timestamp"]
        assert len(chart) == 6
        empty = await eng.readings.chart_data(999, 24)
        assert empty == [{"up": 0, "down": 0, "avgPing": 0, "minPing": 0, "maxPing": 0,
                          "timestamp": stats.bucket_start(FIXTURE_NOW, 60)}]


def test_maintenance_counts_only_in_extras(tmp_path):
    db = Database.open(tmp_path / "kuma.db")
    conn = db._writer.conn
    conn.execute("INSERT INTO monitor (id, name, type) VALUES (1, 'm', 'http')")
    t = BASE + 5
    stats.record_beat(db._writer, 1, t, MAINTENANCE, None)
    stats.record_beat(db._writer, 1, t + 1, MAINTENANCE, None)
    stats.record_beat(db._writer, 1, t + 2, UP, None)  # UP without ping: counted, ping untouched
    stats.record_beat(db._writer, 1, t + 3, UP, 10)
    row = dict(conn.execute("SELECT * FROM stat_minutely").fetchone())
    assert (row["up"], row["down"], row["extras"]) == (2, 0, '{"maintenance":2}')
    assert row["ping"] == 5.0  # the running mean over UP beats (the first had no ping)
    db.close()
