"""The burst's batch readers return exactly what the per-monitor readers return (fixture database, and a
random one with equal times and long histories)."""
from __future__ import annotations

import random
import sqlite3

from kuma.store import heartbeats, stats
from kuma.store.heartbeats import parse_time
from tests.helpers.server import copy_fixture_db
from tests.monitoring.engine_harness import running_engine

FIXTURE_NOW = parse_time("2026-11-26 10:12:30.000")


def _important_one(conn, monitor_id: int, limit: int) -> list[dict]:
    rows = conn.execute(
        "SELECT * FROM heartbeat WHERE monitor_id = ? AND important = 1 ORDER BY time DESC, id DESC LIMIT ?",
        (monitor_id, limit)).fetchall()
    return [dict(r) for r in rows]


async def test_batch_readers_equal_per_monitor_readers_on_the_fixture(tmp_path):
    copy_fixture_db(tmp_path)
    async with running_engine(tmp_path, autostart=False) as eng:
        ids = [r["id"] for r in eng.rows("SELECT id FROM monitor ORDER BY id")] + [999]
        assert len(ids) > 10
        for now in (FIXTURE_NOW, FIXTURE_NOW + 2 * 86400, FIXTURE_NOW + 400 * 86400, FIXTURE_NOW - 3600):
            eng.readings.wall = lambda now=now: now
            many = await eng.readings.stats_many(ids)
            assert list(many) == ids
            for i in ids:
                one = await eng.readings.stats(i)
                assert many[i] == one and list(many[i]) == list(one)
                assert [type(v) for v in many[i].values()] == [type(v) for v in one.values()]
        assert (await eng.readings.stats_many(ids))[1]["24"] == 0.75
        for limit in (100, 5, 1):
            lists = await eng.readings.heartbeat_lists(ids, limit=limit)
            assert list(lists) == ids and lists[999] == []
            for i in ids:
                one = await eng.readings.heartbeat_list(i, limit=limit)
                assert lists[i] == one
                assert all(list(a) == list(b) for a, b in zip(lists[i], one))
        assert [r["id"] for r in lists[10]] == [162]

        def important(d):
            return heartbeats.important_many(d, ids, 500), {i: _important_one(d.conn, i, 500) for i in ids}

        many_important, one_by_one = await eng.service.app.db.read(important)
        assert many_important == one_by_one
        assert sum(len(v) for v in many_important.values()) > 0


def test_batch_readers_with_equal_times_and_long_histories(tmp_path):
    path = copy_fixture_db(tmp_path)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    rng = random.Random(7)
    rows = []
    for monitor_id in (101, 102, 103):
        for n in range(400):
            second = rng.randrange(0, 300)  # many beats share a time: id breaks the tie
            rows.append((monitor_id, rng.choice([0, 1, 1, 2]), f"2026-11-26 09:{second // 60:02d}:{second % 60:02d}.000",
                         "m", rng.choice([None, 1.5, 20.0]), rng.choice([0, 0, 1])))
    conn.executemany("INSERT INTO heartbeat (monitor_id, status, time, msg, ping, important) VALUES (?,?,?,?,?,?)",
                     rows)
    buckets = [(mid, 1795680000 + 60 * rng.randrange(0, 50), rng.random() * 100, rng.randrange(0, 5),
                rng.randrange(0, 3)) for mid in (101, 102) for _ in range(40)]
    conn.executemany("INSERT OR IGNORE INTO stat_minutely (monitor_id, timestamp, ping, up, down) VALUES (?,?,?,?,?)",
                     buckets)
    conn.commit()

    class Db:  # what the readers take: something with `.conn`
        pass

    db = Db()
    db.conn = conn
    ids = [101, 102, 103, 1, 2]
    for limit in (100, 7):
        assert heartbeats.recent_many(db, ids, limit) == {i: heartbeats.recent(db, i, limit) for i in ids}
        assert heartbeats.important_many(db, ids, limit) == {i: _important_one(conn, i, limit) for i in ids}
    for since in (0, 1795680000 + 60 * 25, 1795680000 + 60 * 60):
        assert stats.window_sums_many(db, "stat_minutely", ids, since) == {
            i: stats.window_sums(db, "stat_minutely", i, since) for i in ids}
    conn.close()
