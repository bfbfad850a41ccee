"""Database handle: a pool of reader connections and ONE writer thread that batches transactions.

sqlite3 connections are bound to threads and Trio does not pin worker threads, so every connection is
opened with `check_same_thread=False` and used by one worker thread at a time. Writes are jobs (plain
functions taking a `sqlite_utils.Database`) queued for the writer's own thread (`writer_thread`); it
runs every job that is waiting in one transaction (each job inside its own savepoint, so one failing job
rolls back only itself; a run of neighbouring jobs that share a `many` function in one savepoint, with
each job alone again if it fails), commits, then the writer task hands each caller its result. A caller
that awaits `write()` knows its change is committed.
"""

from __future__ import annotations

import logging
import math
import queue
import sqlite3
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils
import trio

from kuma.clock import WallClock
from kuma.store import beats_json, writer_thread
from kuma.store.schema import SchemaStatus, check_schema, create_schema, is_empty
from kuma.store.writer_thread import Ended as _Ended

log = logging.getLogger(__name__)
T = TypeVar("T")
Job = Callable[[sqlite_utils.Database], T]

#: Set (per task, inherited by the tasks it starts) inside `Database.bulk_reads()`.
_BULK: ContextVar[bool] = ContextVar("kuma_bulk_reads", default=False)
#: Lazy writes (monitor beats) wait at most this long for company before they are committed.
DEFAULT_LINGER = 0.2
MAX_BATCH = 2000
#: Callers woken per loop turn after a commit: a batch of hundreds of beats wakes as many tasks, and
#: timers and sockets are looked at between turns.
WAKE_CHUNK = 64
#: Bulk jobs (login bursts building their lists) running at once: enough to keep the readers busy with
#: small ones, few enough that large ones (thousands of monitors) hold little memory together.
BULK_JOBS = 4
#: How long the writer keeps retrying a batch while another process holds the database's write lock
#: (a backup tool, `sqlite3` in a shell, a slow SD card's fsync) before the batch's jobs fail. A beat
#: waits, it is neither lost nor turned into a DOWN beat.
BUSY_PATIENCE = 120.0
#: Pause between two attempts (each attempt already waits busy_timeout, 5 s, inside SQLite).
BUSY_RETRY_PAUSE = 0.25


class DatabaseBusy(sqlite3.OperationalError):
    """BEGIN IMMEDIATE found the write lock held elsewhere for all of busy_timeout: nothing ran, retry."""


def connect(path: Path | str, cache_kib: int = 12000) -> sqlite3.Connection:
    """A connection with Uptime Kuma's pragmas; autocommit at the driver level (we say BEGIN ourselves).
    `cache_kib`: its page cache (readers take less: the OS caches the file for all of them, issue #14)."""
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=5.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
    beats_json.register(conn)
    return conn


@dataclass(frozen=True, slots=True)
class Failed:
    """A `Many` function's result for one job that failed without writing anything: its caller gets `error`."""

    error: Exception


#: Runs neighbouring jobs of one kind together (e.g. beats: one `executemany` per table instead of a
#: statement per job and table); in batch order, one result (or `Failed`) per job. If it raises, its
#: writes are rolled back and each job runs alone in its own savepoint, so it must be pure SQL.
Many = Callable[[sqlite_utils.Database, list[Any]], list[Any]]


@dataclass(slots=True)
class _WriteJob:
    fn: Callable[[sqlite_utils.Database], Any]
    urgent: bool
    routine: bool = False
    additive: bool = False
    many: Many | None = None
    done: trio.Event = field(default_factory=trio.Event)
    result: Any = None
    error: BaseException | None = None


class Database:
    """Open with `Database.open(path)`; run `await db.run_writer()` in a nursery; then read and write."""

    def __init__(
        self, path: Path, writer_conn: sqlite3.Connection, readers: int = 3, status: SchemaStatus | None = None
    ):
        self.path = path
        self.status = status
        self._writer = sqlite_utils.Database(writer_conn)
        self._readers = [sqlite_utils.Database(connect(path, 2000)) for _ in range(readers)]
        self._reader_slots = trio.Semaphore(readers)
        # threads of our own (readers + the writer): with thousands of checks resolving names in Trio's
        # default pool of 40 threads, database work must not queue behind them
        self._threads = trio.CapacityLimiter(readers)
        self._bulk_slots = trio.Semaphore(max(1, readers - 1))  # bulk readers never take the last reader
        self._bulk_jobs = trio.Semaphore(BULK_JOBS)  # bulk jobs building large results at once
        self._queue: queue.SimpleQueue[_WriteJob | object] = queue.SimpleQueue()  # → the writer thread
        self._waking: deque[_WriteJob] = deque()  # committed, their callers not woken yet
        self._handed = 0  # committed batches handed to the writer task, not taken yet: wake in order
        self._lazy: list[_WriteJob] = []  # lazy jobs lingering for company (Trio side)
        self._lazy_waiting = trio.Event()  # set while there are some
        self._linger_scope: trio.CancelScope | None = None
        #: jobs handed to the thread whose batch has not come back yet, and a function called at each hand-over:
        #: a test's autojump clock must not leap while the thread works (tests/monitoring/engine_harness.py)
        self.jobs_in_thread = 0
        self.on_hand_over: Callable[[], None] | None = None
        self._writer_running = False
        self._writer_stopped = False
        self._closed = False
        self.commits = 0  # counters for benchmarks and /metrics-style introspection
        self.jobs_written = 0
        #: committed jobs that were not `routine` (beats): caches of what only such writes change compare it
        self.changes = 0
        #: ... of which not `additive` (jobs that only add rows no other list entry shows, such as a monitor
        #: without a parent): a cached list plus the rows added since is then the list (kuma/api/legacy_lists.py)
        self.changes_besides_additions = 0
        self.busy_retries = 0  # batches that found the write lock held by another process

    @classmethod
    def open(cls, path: Path | str, *, readers: int = 3, clock: WallClock | None = None) -> Database:
        """Open (creating the schema if the file is new) and check the schema version.
        `clock` (the server's, pinnable) stamps a new schema's migration rows; unpinned by default."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path)
        if is_empty(conn):
            create_schema(conn, now_ms=int((clock or WallClock()).time() * 1000))
            status = SchemaStatus(fresh=True, missing_migrations=())
            log.info("created a new database at %s", path)
        else:
            status = check_schema(conn)
            log.info("opened database %s", path)
        return cls(path, conn, readers=readers, status=status)

    # -- reads -------------------------------------------------------------------------------
    @contextmanager
    def bulk_reads(self) -> Iterator[None]:
        """Mark the reads of this task (and the tasks it starts) as bulk work, such as a login burst: they
        use at most all readers but one, so a push, an ack or a page always finds a reader soon, however
        many bursts run (the bulk reads queue among themselves)."""
        token = _BULK.set(True)
        try:
            yield
        finally:
            _BULK.reset(token)

    @asynccontextmanager
    async def bulk_job(self) -> AsyncIterator[None]:
        """A section that reads and builds something large (a login burst's lists): at most `BULK_JOBS` such
        sections run at once, the others wait here holding nothing, so memory stays bounded by a few
        results however many start together; their reads are bulk reads."""
        async with self._bulk_jobs:
            with self.bulk_reads():
                yield

    async def read(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        """Run a read-only function on a reader connection in a worker thread."""
        if _BULK.get():
            async with self._bulk_slots:
                return await self._read(fn)
        return await self._read(fn)

    async def _read(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        async with self._reader_slots:
            db = self._readers.pop()
            try:
                return await trio.to_thread.run_sync(fn, db, limiter=self._threads)
            finally:
                self._readers.append(db)

    def read_now(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        """Run a trivial read (one indexed row) on the calling thread. Keep it tiny."""
        return fn(self._readers[0]) if self._readers else fn(self._writer)

    # -- writes ------------------------------------------------------------------------------
    async def write(
        self,
        fn: Callable[[sqlite_utils.Database], T],
        *,
        urgent: bool = True,
        routine: bool = False,
        additive: bool = False,
        many: Many | None = None,
    ) -> T:
        """Queue a job for the writer and wait until it is committed. Returns the job's result.

        `urgent=False` lets the writer hold the job up to DEFAULT_LINGER seconds to batch it with
        others (monitor beats); urgent jobs (API requests, pushes) are committed with what is queued.
        `routine=True` (stored beats) leaves `changes` as it is; `additive=True` leaves
        `changes_besides_additions` as it is (the job only inserts rows that change no other row's JSON).
        `many`: a function that runs a run of neighbouring jobs with the same `many` at once (see `Many`).
        """
        if self._closed:
            raise RuntimeError("database is closed")
        if self._writer_stopped:
            raise RuntimeError("the database writer has stopped")
        job = _WriteJob(fn, urgent, routine, additive, many)
        if urgent:
            self._hand_over(job)
        else:
            self._lazy.append(job)
            if len(self._lazy) == 1:
                self._lazy_waiting.set()
            elif len(self._lazy) >= MAX_BATCH:
                self._flush_lazy()
        await job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    async def run_writer(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        """The writer task: a thread of its own (`writer_thread.run`) runs the batches, this task lets lazy
        jobs linger and wakes the callers. Cancelling it commits what is queued, then stops; the thread
        ends with it."""
        to_task, from_thread = trio.open_memory_channel[list[_WriteJob] | _Ended](math.inf)

        def committed(item: list[_WriteJob] | _Ended) -> None:
            """In the Trio thread, once per batch: a small batch's callers are woken here and now (no turn of
            this task in between); a large one, or what comes while one is being woken, goes to this task."""
            if isinstance(item, _Ended) or self._waking or self._handed or len(item) > WAKE_CHUNK:
                self._handed += 1
                to_task.send_nowait(item)
            else:
                for job in item:
                    job.done.set()
            if not isinstance(item, _Ended):
                self.jobs_in_thread -= len(item)

        thread = threading.Thread(
            target=writer_thread.run,
            args=(self._queue, self._run_batch_patiently, trio.lowlevel.current_trio_token(), committed, MAX_BATCH),
            name="kuma-db-writer",
            daemon=True,
        )
        self._writer_running, self._writer_stopped = True, False
        thread.start()
        task_status.started()
        outcome: _Ended | None = None
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(self._linger)
                outcome = await self._wake_callers(from_thread)
                nursery.cancel_scope.cancel()
        finally:
            with trio.CancelScope(shield=True):
                if outcome is None:
                    self._flush_lazy()
                    self._queue.put(writer_thread.STOP)  # the thread commits what is queued, then ends
                    outcome = await self._wake_callers(from_thread)
            thread.join()  # at once: delivering the end marker was the thread's last act
            self._writer_running, self._writer_stopped = False, True
            self._fail_leftovers(outcome.unfinished if outcome is not None else [])
        if outcome.error is not None:
            raise RuntimeError("the database writer thread failed") from outcome.error

    def _hand_over(self, job: _WriteJob) -> None:
        """To the thread, after the lazy jobs waiting (an urgent job is committed with what is queued)."""
        if self._lazy:
            self._flush_lazy()
        self.jobs_in_thread += 1
        self._queue.put(job)
        if self.on_hand_over is not None:
            self.on_hand_over()

    def _flush_lazy(self) -> None:
        lazy, self._lazy = self._lazy, []
        self.jobs_in_thread += len(lazy)
        for job in lazy:
            self._queue.put(job)
        if lazy and self.on_hand_over is not None:
            self.on_hand_over()
        if self._lazy_waiting.is_set():
            self._lazy_waiting = trio.Event()
        if self._linger_scope is not None:
            self._linger_scope.cancel()

    async def _linger(self) -> None:
        """Lazy jobs wait up to DEFAULT_LINGER (on Trio's clock) for company, then go to the thread together
        (sooner with an urgent job, or once MAX_BATCH wait)."""
        while True:
            await self._lazy_waiting.wait()
            with trio.move_on_after(DEFAULT_LINGER) as scope:
                self._linger_scope = scope
                await trio.sleep_forever()
            self._linger_scope = None
            self._flush_lazy()

    async def _wake_callers(self, ended: trio.MemoryReceiveChannel[list[_WriteJob] | _Ended]) -> _Ended:
        """Wake the callers of committed batches, WAKE_CHUNK at a time with a checkpoint between chunks (a
        batch of hundreds of beats does not make one long loop turn); returns once the thread has ended."""
        waking = self._waking
        while True:
            while waking:
                for _ in range(min(WAKE_CHUNK, len(waking))):
                    waking.popleft().done.set()
                if waking:
                    await trio.lowlevel.checkpoint()
            item = await ended.receive()
            self._handed -= 1
            if isinstance(item, _Ended):
                return item
            waking.extend(item)

    def _fail_leftovers(self, unfinished: list[_WriteJob]) -> None:
        """Jobs the thread left (queued after its last look, or in hand when it failed): refused, never left
        waiting; nothing queues any more."""
        self.jobs_in_thread -= len(unfinished)
        left, self._lazy = unfinished + self._lazy, []
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(job, _WriteJob):
                self.jobs_in_thread -= 1
                left.append(job)
        for job in left:
            job.error = RuntimeError("the database writer has stopped")
            job.done.set()

    def _run_batch_patiently(self, batch: list[_WriteJob]) -> None:
        """In the writer thread: run and commit the batch; while another process holds the write lock,
        wait (up to BUSY_PATIENCE) and retry. A failed COMMIT fails every job of the batch."""
        deadline = time.monotonic() + BUSY_PATIENCE
        attempts = 0
        try:
            while True:
                try:
                    self._run_batch(batch)
                    return
                except DatabaseBusy:
                    attempts += 1
                    self.busy_retries += 1
                    if time.monotonic() >= deadline:
                        raise
                    if attempts == 1:
                        log.warning("database is locked by another process; %d writes wait for it", len(batch))
                    time.sleep(BUSY_RETRY_PAUSE)
        except BaseException as exc:  # the batch failed (BEGIN, COMMIT, the lock for too long): all its jobs did
            log.exception("write batch of %d jobs failed", len(batch))
            for job in batch:
                if job.error is None:
                    job.error = exc

    def _run_batch(self, batch: list[_WriteJob]) -> None:
        db = self._writer
        try:
            db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseBusy(str(exc)) from exc
            raise
        try:
            for run in _runs(batch):
                if len(run) > 1:
                    _run_many(db, run)
                else:
                    _run_one(db, run[0])
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        self.commits += 1
        self.jobs_written += len(batch)
        self.changes += sum(1 for job in batch if not job.routine)
        self.changes_besides_additions += sum(1 for job in batch if not (job.routine or job.additive))

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        """Checkpoint the WAL and close every connection. Call after the writer task has ended."""
        if self._closed:
            return
        self._closed = True
        for db in self._readers:
            db.conn.close()
        try:
            self._writer.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            log.warning("WAL checkpoint at close failed", exc_info=True)
        self._writer.conn.close()


def _runs(batch: list[_WriteJob]) -> Iterator[list[_WriteJob]]:
    """The batch in runs: neighbouring jobs with the same `many` together, every other job alone."""
    run: list[_WriteJob] = []
    for job in batch:
        if run and (job.many is None or job.many is not run[0].many):
            yield run
            run = []
        run.append(job)
    if run:
        yield run


def _run_one(db: sqlite_utils.Database, job: _WriteJob) -> None:
    """One job in a savepoint of its own (a fixed name: the statements stay in the connection's cache)."""
    conn = db.conn
    conn.execute("SAVEPOINT kuma_job")
    try:
        job.result = job.fn(db)
    except Exception as exc:
        job.error = exc
        if not conn.in_transaction:  # the failure ended the whole transaction: the batch fails with it
            raise
        conn.execute("ROLLBACK TO kuma_job")
    conn.execute("RELEASE kuma_job")


def _run_many(db: sqlite_utils.Database, run: list[_WriteJob]) -> None:
    """Jobs sharing a `many` function in one savepoint; if it raises, rolled back and run one by one."""
    conn = db.conn
    conn.execute("SAVEPOINT kuma_many")
    try:
        results = run[0].many(db, [job.fn for job in run])  # type: ignore[misc]
        if len(results) != len(run):
            raise ValueError(f"{len(results)} results for {len(run)} jobs")
    except Exception:
        if not conn.in_transaction:
            raise
        log.debug("a run of %d jobs failed together; each runs alone", len(run), exc_info=True)
        conn.execute("ROLLBACK TO kuma_many")
        conn.execute("RELEASE kuma_many")
        for job in run:
            _run_one(db, job)
        return
    conn.execute("RELEASE kuma_many")
    for job, result in zip(run, results, strict=True):
        if isinstance(result, Failed):
            job.error = result.error
        else:
            job.result = result


def vacuum(path: Path) -> None:
    """VACUUM cannot run inside the writer's transaction: a short-lived connection of its own (it waits
    for the writer's lock through busy_timeout), then the WAL is truncated. Blocking: run in a thread."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


#: (connection, table) → its PRAGMA table_info rows: the schema does not change while the server runs,
#: and a monitor add or list otherwise asks twice per call. Keyed by id() with the connection kept, so an
#: id reused by a later connection is never taken for the old one.
_TABLE_INFO: dict[tuple[int, str], tuple[sqlite3.Connection, list[tuple]]] = {}


def table_info(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """`PRAGMA table_info(<table>)` as plain tuples, cached per connection (table names are ours)."""
    cached = _TABLE_INFO.get((id(conn), table))
    if cached is not None and cached[0] is conn:
        return cached[1]
    rows = [tuple(r) for r in conn.execute(f"PRAGMA table_info({table})").fetchall()]
    _TABLE_INFO[(id(conn), table)] = (conn, rows)
    return rows


def dict_rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """A cursor's rows as dicts. `dict(sqlite3.Row)` looks every column up by name (quadratic: ~0.7 ms for
    one 100-column `monitor` row); zipping the description's names is ~25 times cheaper."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def dict_row(cursor: sqlite3.Cursor) -> dict[str, Any] | None:
    """The cursor's first row as a dict (see `dict_rows`), or None."""
    row = cursor.fetchone()
    return None if row is None else dict(zip([d[0] for d in cursor.description], row))


def read_back(row: T | None) -> T:
    """A row just written in this transaction, read back (never missing; a typed guarantee for callers)."""
    if row is None:
        raise sqlite3.InterfaceError("the row just written is missing")
    return row


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made (sqlite3 types it Optional; after an INSERT it is always set)."""
    if cursor.lastrowid is None:
        raise sqlite3.InterfaceError("no row was inserted")
    return cursor.lastrowid
