"""The writer batches jobs into transactions, isolates failing jobs, and commits its queue at shutdown."""
from __future__ import annotations

import sqlite3

import pytest
import trio

from kuma.store import Database


def _insert_tag(name):
    def job(db):
        db["tag"].insert({"name": name, "color": "#000000"})
        return db.conn.execute("SELECT id FROM tag WHERE name = ?", (name,)).fetchone()[0]
    return job


async def test_concurrent_writes_share_transactions(tmp_path):
    db = Database.open(tmp_path / "kuma.db")
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        ids = []

        async def writer(i):
            ids.append(await db.write(_insert_tag(f"t{i}"), urgent=False))

        async with trio.open_nursery() as inner:
            for i in range(200):
                inner.start_soon(writer, i)
        nursery.cancel_scope.cancel()
    assert sorted(ids) == list(range(1, 201))
    assert db.jobs_written == 200
    assert db.commits < 20  # batched, not one commit per job
    assert await db.read(lambda d: d["tag"].count) == 200
    db.close()


async def test_failing_job_rolls_back_only_itself(tmp_path):
    db = Database.open(tmp_path / "kuma.db")

    def bad(d):
        d.conn.execute("INSERT INTO tag (name, color) VALUES ('half', '#fff')")
        raise ValueError("boom")

    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        results = {}

        async def run(name, fn):
            try:
                results[name] = await db.write(fn)
            except ValueError as exc:
                results[name] = str(exc)

        async with trio.open_nursery() as inner:
            inner.start_soon(run, "good1", _insert_tag("a"))
            inner.start_soon(run, "bad", bad)
            inner.start_soon(run, "good2", _insert_tag("b"))
        nursery.cancel_scope.cancel()
    assert results["bad"] == "boom"
    names = await db.read(lambda d: [r["name"] for r in d["tag"].rows])
    assert sorted(names) == ["a", "b"]
    db.close()


async def test_queued_lazy_writes_are_committed_at_shutdown(tmp_path):
    path = tmp_path / "kuma.db"
    db = Database.open(path)
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        for i in range(5):
            nursery.start_soon(lambda i=i: db.write(_insert_tag(f"late{i}"), urgent=False))
        await trio.sleep(0)  # jobs are queued, the writer lingers for company
        await trio.sleep(0)
        nursery.cancel_scope.cancel()
    db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM tag").fetchone()[0] == 5
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_write_after_close_is_refused(tmp_path):
    db = Database.open(tmp_path / "kuma.db")
    db.close()
    with pytest.raises(RuntimeError, match="closed"):
        await db.write(_insert_tag("x"))


async def test_bulk_reads_always_leave_a_reader_for_other_work(tmp_path):
    """Login bursts read in bulk: however many block, an ordinary read still gets a reader."""
    import threading

    db = Database.open(tmp_path / "kuma.db")
    release = threading.Event()
    started: list[int] = []

    def slow(d):
        started.append(1)
        release.wait(30)
        return "bulk"

    try:
        async with trio.open_nursery() as nursery:
            with db.bulk_reads():  # the tasks started here inherit it
                for _ in range(6):
                    nursery.start_soon(db.read, slow)
            while len(started) < 2:
                await trio.sleep(0.01)
            assert await db.read(lambda d: d.conn.execute("SELECT 7").fetchone()[0]) == 7
            assert len(started) == 2  # the bulk reads hold two of the three readers, no more
            release.set()
    finally:
        db.close()
