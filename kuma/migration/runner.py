"""The one migration path `kuma serve` and `kuma migrate` share: look, say what was found, back up,
converge the schema, fill the aggregate tables batch by batch, finish.

Locks: the run holds an `flock` on `kuma.db.migrate-lock` for its whole length. The kernel drops it when
the process dies, however it dies, so a killed run never leaves a lock that blocks the next one (the
next one resumes); two live runs on one folder are refused. knex's own lock row and Uptime Kuma's
"migrating" state, which a 2.x killed mid-migration leaves behind and then trips over on every start,
are recognised and cleared/redone instead of crash-looping.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kuma.migration.progress import Progress, human_duration
from kuma.store import legacy, legacy_schema, legacy_stats
from kuma.store.backup import backup_to
from kuma.store.schema import SchemaError

log = logging.getLogger("kuma.migration")

BACKUP_SUFFIX = ".before-2.x"


class MigrationBusy(SchemaError):
    """Another live process is migrating this data folder."""


class MigrationStopped(Exception):
    """Asked to stop (SIGINT/SIGTERM) between two batches: what is committed stays, a rerun resumes."""


@dataclass(frozen=True)
class Outcome:
    migrated: bool  # anything was changed
    heartbeats: int = 0  # folded into the aggregate tables by this run
    seconds: float = 0.0


def backup_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + BACKUP_SUFFIX)


def needs_migration(db_path: Path) -> bool:
    """Cheap look (a few small reads) whether `migrate` has anything to do on this file."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return False
    conn = legacy.open_file(db_path)
    try:
        if not legacy.is_uptime_kuma_file(conn):
            return False
        found = legacy.inspect(conn, db_path)
    finally:
        conn.close()
    return found.state != "current" or found.stats != "done" or found.knex_locked


def migrate(
    db_path: Path,
    *,
    now: float,
    progress: Progress | None = None,
    batch_rows: int | None = None,
    stop: threading.Event | None = None,
) -> Outcome:
    """Bring the file to 2.5.3's schema with filled aggregate tables. Safe to rerun and to kill; `stop`
    (set from another thread) ends it between two batches with MigrationStopped."""
    progress = progress or Progress()
    if not needs_migration(db_path):
        return Outcome(False)
    started = time.monotonic()
    with folder_lock(db_path):
        conn = legacy.open_file(db_path)
        try:
            found = legacy.inspect(conn, db_path)
            _say_found(db_path, found)
            if found.state != "current":
                _schema_step(conn, db_path, found, now, progress)
            if found.knex_locked:
                log.warning("knex_migrations_lock was left locked (an Uptime Kuma stopped mid-migration): cleared")
                legacy.clear_knex_lock(conn)
            legacy.temp_in_memory(conn)
            rows = _stats_step(conn, now, progress, batch_rows, stop)
            legacy.checkpoint(conn)
        finally:
            conn.close()
    seconds = time.monotonic() - started
    progress.phase("done")
    log.info("migration finished in %s: %s is now an Uptime Kuma 2.5.3 database", human_duration(seconds), db_path)
    return Outcome(True, rows, seconds)


@contextmanager
def folder_lock(db_path: Path) -> Iterator[None]:
    path = db_path.with_name(db_path.name + ".migrate-lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise MigrationBusy(f"another process (pid {holder}) is migrating {db_path} right now") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
        path.unlink(missing_ok=True)
    finally:
        os.close(fd)


def _say_found(db_path: Path, found: legacy.Found) -> None:
    what = {
        "1.x": "an Uptime Kuma 1.x database",
        "partial": "an Uptime Kuma 2.x database missing some of its migrations",
        "current": "an Uptime Kuma 2.x database",
    }[found.state]
    log.info(
        "found %s at %s: %d monitors, about %s heartbeats, %.1f MB",
        what,
        db_path,
        found.monitors,
        f"{found.heartbeats:,}",
        found.size / 1e6,
    )
    if found.state == "current" and found.stats == "resume":
        log.info("a kuma migration of this file was interrupted: resuming where it stopped")
    elif found.state == "current" and found.stats == "interrupted":
        log.warning("Uptime Kuma's own aggregate-table migration was interrupted (state 'migrating'): kuma redoes it")


def _schema_step(conn: sqlite3.Connection, db_path: Path, found: legacy.Found, now: float, progress: Progress) -> None:
    if found.state == "1.x":
        legacy_schema.require_1_23_patches(conn)
    target = backup_path(db_path)
    if target.exists() and found.state != "1.x":
        log.info("backup %s already exists: kept", target)
    else:
        progress.phase("backup")
        log.info("backing up to %s (SQLite online backup) before changing anything", target)
        backup_to(conn, db_path, target)
        log.info("backup written: %s (%.1f MB)", target, target.stat().st_size / 1e6)
    progress.phase("schema")
    missing = legacy_schema.converge(conn, now_ms=int(now * 1000))
    log.info("schema: %d Uptime Kuma 2.x migrations applied (one transaction)", len(missing))


def _stats_step(
    conn: sqlite3.Connection, now: float, progress: Progress, batch_rows: int | None, stop: threading.Event | None
) -> int:
    state = legacy_stats.stats_state(conn)
    if state == "done":
        return 0
    if state == "filled":
        log.warning("aggregate tables already hold rows without a migration record: kept as they are")
        legacy_stats.set_state(conn, "migrated")
        return 0
    plan = legacy_stats.read_plan(conn) if state == "resume" else legacy_stats.start_plan(conn, now=now)
    log.info("aggregate tables: %s of %s heartbeats to fold in", f"{plan.total - plan.done:,}", f"{plan.total:,}")
    done = plan.done
    progress.begin_rows(done, plan.total)
    while (batch := legacy_stats.next_batch(conn, batch_rows or legacy_stats.BATCH_ROWS)) is not None:
        done += legacy_stats.run_batch(conn, batch, plan)
        progress.rows(done, plan.total)
        if stop is not None and stop.is_set():
            progress.end_rows()
            log.warning(
                "migration stopped at %s of %s heartbeats: start again to resume", f"{done:,}", f"{plan.total:,}"
            )
            raise MigrationStopped()
    progress.end_rows()
    legacy_stats.finish(conn)
    return done - plan.done
