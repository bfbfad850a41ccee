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


def _writer_threads() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "kuma-db-writer" and t.is_alive()]


async def test_the_writer_thread_lives_exactly_as_long_as_the_writer_task(tmp_path):
    """Tests and tools open and close many databases: each writer's thread ends with its task."""
    before = len(_writer_threads())
    for round_ in range(3):
        db = Database.open(tmp_path / "kuma.db")
        async with trio.open_nursery() as nursery:
            await nursery.start(db.run_writer)
            assert len(_writer_threads()) == before + 1
            await db.write(_insert_tag(f"r{round_}"))
            nursery.cancel_scope.cancel()
        assert len(_writer_threads()) == before
        db.close()


async def test_a_write_after_the_writer_stopped_is_refused_not_left_waiting(tmp_path):
    db = Database.open(tmp_path / "kuma.db")
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        nursery.cancel_scope.cancel()
    for urgent in (True, False):
        with pytest.raises(RuntimeError, match="stopped"):
            await db.write(_insert_tag(f"late-{urgent}"), urgent=urgent)
    db.close()


async def test_a_job_queued_before_the_writer_starts_is_committed_once_it_runs(tmp_path):
    db = Database.open(tmp_path / "kuma.db")
    ids = []
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: _append(ids, db.write(_insert_tag("early"))))
        nursery.start_soon(lambda: _append(ids, db.write(_insert_tag("early-lazy"), urgent=False)))
        await trio.sleep(0.05)
        assert ids == []  # waiting for the writer, not lost
        await nursery.start(db.run_writer)
        while len(ids) < 2:
            await trio.sleep(0.01)
        nursery.cancel_scope.cancel()
    assert sorted(ids) == [1, 2]
    db.close()


async def _append(out: list, awaitable) -> None:
    out.append(await awaitable)


async def test_an_urgent_job_takes_the_lingering_lazy_ones_along_in_order(tmp_path):
    """Lazy jobs wait up to DEFAULT_LINGER for company; an urgent one is committed with them, after them."""
    db = Database.open(tmp_path / "kuma.db")
    ids: dict[str, int] = {}

    async def write(name, urgent):
        ids[name] = await db.write(_insert_tag(name), urgent=urgent)

    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        with trio.fail_after(5):
            async with trio.open_nursery() as inner:
                for i in range(3):
                    inner.start_soon(write, f"lazy{i}", False)
                await trio.sleep(0)
                inner.start_soon(write, "urgent", True)
        nursery.cancel_scope.cancel()
    assert db.commits == 1 and db.jobs_written == 4
    assert ids["urgent"] == 4 and sorted(ids[f"lazy{i}"] for i in range(3)) == [1, 2, 3]
    db.close()


def _tag_many(db, jobs):
    """A `many` function: inserts every tag, refuses (`Failed`) names starting with "no", raises on "boom"."""
    from kuma.store.db import Failed

    results = []
    for job in jobs:
        if job.name == "boom":
            raise ValueError("boom")
        if job.name.startswith("no"):
            results.append(Failed(LookupError(job.name)))
            continue
        results.append(job(db))
    return results


class _TagJob:
    def __init__(self, name):
        self.name = name

    def __call__(self, db):
        if self.name == "boom":
            raise ValueError("boom alone")
        return _insert_tag(self.name)(db)


async def _write_all(db, names) -> dict:
    out: dict = {}

    async def one(name):
        try:
            out[name] = await db.write(_TagJob(name), urgent=False, many=_tag_many)
        except Exception as exc:  # noqa: BLE001 - the test looks at which error each caller got
            out[name] = exc

    async with trio.open_nursery() as nursery:
        for name in names:
            nursery.start_soon(one, name)
    return out


async def test_neighbouring_jobs_with_one_many_function_run_together_and_fail_alone(tmp_path):
    db = Database.open(tmp_path / "kuma.db")
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        together = await _write_all(db, ["a", "no1", "b"])  # one run: a Failed refuses only its job
        apart = await _write_all(db, ["c", "boom", "d"])  # the run raises: rolled back, each job alone
        nursery.cancel_scope.cancel()
    assert isinstance(together["no1"], LookupError) and together["a"] != together["b"]
    assert str(apart["boom"]) == "boom alone"
    names = sorted(await db.read(lambda d: [r["name"] for r in d["tag"].rows]))
    assert names == ["a", "b", "c", "d"]  # nothing of the refused or failed jobs, nothing twice
    ids = await db.read(lambda d: {r["name"]: r["id"] for r in d["tag"].rows})
    assert {n: ids[n] for n in "abcd"} == {**{n: together[n] for n in "ab"}, **{n: apart[n] for n in "cd"}}
    db.close()


async def test_a_failing_writer_thread_fails_the_writer_task_and_answers_its_jobs(tmp_path):
    db = Database.open(tmp_path / "kuma.db")

    def broken(batch):
        raise SystemError("a bug in the writer")

    db._run_batch_patiently = broken  # what the thread calls per batch
    errors = []

    async def write():
        try:
            await db.write(_insert_tag("x"))
        except RuntimeError as exc:
            errors.append(exc)

    failed: list[str] = []
    try:
        async with trio.open_nursery() as nursery:
            await nursery.start(db.run_writer)
            nursery.start_soon(write)
    except* RuntimeError as group:
        failed = [str(exc) for exc in group.exceptions]
    assert failed == ["the database writer thread failed"]
    assert len(errors) == 1 and "stopped" in str(errors[0])  # answered, not left waiting
    assert not _writer_threads()
    db.close()
