"""`storing.write_beats` (a run of beats stored together by the writer) writes exactly what storing each
beat alone writes: the fixture's real beats replayed both ways give equal heartbeat rows, ids and buckets;
a push whose monitor no longer holds its token is refused and leaves nothing."""
from __future__ import annotations

import sqlite3

import trio

from kuma.monitoring import storing
from kuma.monitoring.storing import MonitorInactive
from kuma.store import Database, stats
from kuma.store.db import Failed
from kuma.store.heartbeats import parse_time
from tests.helpers.server import copy_fixture_db

MONITORS = "INSERT INTO monitor (id, name, type, active, push_token) SELECT value, 'm', 'push', 1, 'tok' || value FROM json_each(?)"


def _fixture_jobs(tmp_path) -> list[storing.BeatJob]:
    conn = sqlite3.connect(copy_fixture_db(tmp_path / "fixture"))
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM heartbeat ORDER BY id")]
    conn.close()
    jobs = []
    for i, row in enumerate(rows):
        row["id"] = None
        token = f"tok{row['monitor_id']}" if i % 2 else None  # half of them as pushes, checked by token
        jobs.append(storing.beat_job(row, parse_time(row["time"]), None, None, push_token=token))
    return jobs


def _open(path, monitor_ids) -> Database:
    db = Database.open(path)
    db._writer.conn.execute(MONITORS, (str(sorted(monitor_ids)),))
    return db


def _tables(db: Database) -> dict[str, list[tuple]]:
    conn = db._writer.conn
    out = {"heartbeat": conn.execute("SELECT * FROM heartbeat ORDER BY id").fetchall()}
    for table in stats.TABLES:
        out[table] = conn.execute(f"SELECT * FROM {table} ORDER BY monitor_id, timestamp").fetchall()
    return {name: [tuple(r) for r in rows] for name, rows in out.items()}


def test_fixture_beats_stored_in_runs_equal_fixture_beats_stored_one_by_one(tmp_path):
    jobs = _fixture_jobs(tmp_path)
    ids = {job.row["monitor_id"] for job in jobs}
    alone, together = _open(tmp_path / "alone.db", ids), _open(tmp_path / "together.db", ids)
    alone_ids = [job(alone._writer) for job in jobs]
    together_ids: list = []
    for start in range(0, len(jobs), 37):
        together_ids += storing.write_beats(together._writer, jobs[start : start + 37])
    assert len(jobs) > 100 and together_ids == alone_ids == list(range(1, len(jobs) + 1))
    assert _tables(together) == _tables(alone)
    assert len(_tables(alone)["stat_minutely"]) > 10
    alone.close()
    together.close()


def test_a_push_whose_monitor_lost_its_token_is_refused_and_leaves_nothing(tmp_path):
    jobs = _fixture_jobs(tmp_path)[:6]
    db = _open(tmp_path / "kuma.db", {job.row["monitor_id"] for job in jobs})
    pushes = [i for i, job in enumerate(jobs) if job.push_token]
    paused, retokened = jobs[pushes[0]].row["monitor_id"], jobs[pushes[1]].row["monitor_id"]
    db._writer.conn.execute("UPDATE monitor SET active = 0 WHERE id = ?", (paused,))
    db._writer.conn.execute("UPDATE monitor SET push_token = 'other' WHERE id = ?", (retokened,))
    results = storing.write_beats(db._writer, jobs)
    refused = [i for i, r in enumerate(results) if isinstance(r, Failed)]
    assert {jobs[i].row["monitor_id"] for i in refused} == {paused, retokened}
    assert all(isinstance(results[i].error, MonitorInactive) for i in refused)
    stored = db._writer.conn.execute("SELECT id, monitor_id, msg FROM heartbeat ORDER BY id").fetchall()
    kept = [i for i in range(len(jobs)) if i not in refused]
    assert [tuple(r) for r in stored] == [(results[i], jobs[i].row["monitor_id"], jobs[i].row["msg"]) for i in kept]
    minute_beats = db._writer.conn.execute("SELECT total(up) + total(down) FROM stat_minutely").fetchone()[0]
    assert minute_beats == sum(1 for i in kept if jobs[i].row["status"] != 3)
    db.close()


async def test_the_engine_s_beats_reach_the_writer_as_runs(tmp_path):
    """Through `Database.write` with `many`: concurrent beats are stored as one run, ids as stored."""
    jobs = _fixture_jobs(tmp_path)[:40]
    db = _open(tmp_path / "kuma.db", {job.row["monitor_id"] for job in jobs})
    got: dict[int, int] = {}

    async def store(i, job):
        got[i] = await db.write(job, urgent=False, routine=True, many=job.many)

    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        async with trio.open_nursery() as inner:
            for i, job in enumerate(jobs):
                inner.start_soon(store, i, job)
        nursery.cancel_scope.cancel()
    assert db.commits == 1 and db.jobs_written == 40
    rows = dict(db._writer.conn.execute("SELECT id, msg FROM heartbeat").fetchall())
    assert {i: rows[got[i]] for i in got} == {i: job.row["msg"] for i, job in enumerate(jobs)}
    db.close()
