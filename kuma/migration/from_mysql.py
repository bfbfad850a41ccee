"""`kuma migrate --from mysql://user:pass@host[:port]/db --data-dir D`: an Uptime Kuma 2.x MariaDB/MySQL
database copied into a new kuma.db in D, table by table in id-ordered batches, with the migration's
progress bar/log lines and its folder lock; a killed copy resumes where it stopped.

The copy is built as `kuma.db.from-mysql` and renamed to `kuma.db` only once complete and checked, so a
half-copied file is never served. Everything about the source (URL, login, that it is an Uptime Kuma
database of a known schema) is checked before anything is written: a refusal leaves no folder behind.
Then the SQLite path's own checks and steps run on the result (runner.migrate)."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import pymysql

from kuma.migration.progress import Progress, human_duration
from kuma.migration.runner import folder_lock, migrate
from kuma.store import mysql_copy, mysql_source, schema
from kuma.store.mysql_source import SourceError

log = logging.getLogger("kuma.migration")

BATCH_ROWS = 20_000
PARTIAL_SUFFIX = ".from-mysql"


@dataclass(frozen=True)
class CopyOutcome:
    rows: int  # copied by this run
    seconds: float


def partial_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + PARTIAL_SUFFIX)


def copy_from_mysql(url_text: str, db_path: Path, *, now: float, batch_rows: int | None = None) -> CopyOutcome:
    """Copy, check, rename into place, then run the SQLite path's migration checks on the file."""
    url = mysql_source.parse_url(url_text)
    partial = partial_path(db_path)
    if db_path.exists():
        raise SourceError(f"{db_path} already exists: give an empty --data-dir for the copy")
    started = time.monotonic()
    source = mysql_source.connect(url)
    try:
        tables = _check_source(source, url)
        made_dir = not db_path.parent.exists()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with folder_lock(db_path):
                try:
                    rows = _copy(source, url, tables, partial, batch_rows or BATCH_ROWS)
                except pymysql.err.MySQLError as exc:
                    raise SourceError(
                        f"reading {url.safe()} failed ({exc}): run the same command again to resume"
                    ) from None
                os.replace(partial, db_path)
        except SourceError:
            if made_dir and not partial.exists():
                _remove_empty(db_path.parent)
            raise
    finally:
        source.close()
    log.info("copied %s rows from %s into %s", f"{rows:,}", url.safe(), db_path)
    migrate(db_path, now=now)  # the SQLite path's checks: schema, knex lock, aggregate state
    _final_check(db_path)
    seconds = time.monotonic() - started
    log.info("migration from %s finished in %s", url.safe(), human_duration(seconds))
    return CopyOutcome(rows, seconds)


def _check_source(source: pymysql.connections.Connection, url: mysql_source.MysqlUrl) -> set[str]:
    found = mysql_source.require_uptime_kuma(source, url)
    done = mysql_source.knex_names(source)
    missing = [n for n in schema.KNEX_MIGRATIONS if n not in done]
    if missing:
        raise SourceError(
            f"{url.safe()} lacks {len(missing)} of Uptime Kuma 2.5.3's migrations (first: {missing[0]}): "
            "start Uptime Kuma 2.5.3 on it once, then copy"
        )
    return found


def _copy(
    source: pymysql.connections.Connection, url: mysql_source.MysqlUrl, found: set[str], partial: Path, batch: int
) -> int:
    target = mysql_copy.open_target(partial)
    try:
        order = [t for t in mysql_copy.target_tables(target) if t in found]
        skipped = sorted(found - set(mysql_copy.target_tables(target)))
        if skipped:
            log.warning("tables of %s that Uptime Kuma 2.5.3 does not have, not copied: %s", url.safe(), skipped)
        resuming = mysql_copy.started(target)
        other = mysql_copy.copied_from(target)
        if other is not None and other != url.safe():
            raise SourceError(f"{partial} is an unfinished copy of {other}: rerun with that URL, or delete it")
        states = mysql_copy.plan(target, {t: mysql_source.count(source, t) for t in order}, url.safe())
        total, done = sum(s.total for s in states), sum(s.copied for s in states)
        log.info(
            "%s %s: %d tables, %s rows%s",
            "resuming the copy of" if resuming else "copying",
            url.safe(),
            len(states),
            f"{total:,}",
            f" ({done:,} already copied)" if resuming else "",
        )
        progress = Progress(unit="rows", label="copy from MySQL")
        progress.begin_rows(done, total)
        before = done
        for state in states:
            done = _copy_table(source, target, state, batch, progress, done, total)
        progress.end_rows()
        added = mysql_copy.finish(target, mysql_source.auto_increments(source))
        if added:
            log.info("settings Uptime Kuma's SQLite expects were added: %s", ", ".join(added))
        mysql_copy.checkpoint_and_close(target)
        return done - before
    except BaseException:
        target.close()
        raise


def _copy_table(
    source: pymysql.connections.Connection,
    target: sqlite3.Connection,
    state: mysql_copy.TableState,
    batch: int,
    progress: Progress,
    done: int,
    total: int,
) -> int:
    if state.done:
        return done
    cols, key = mysql_copy.target_columns(target, state.name)
    types = mysql_source.column_types(source, state.name)
    have = set(types)
    extra = sorted(have - set(cols))
    if extra:
        log.warning("columns of %s that Uptime Kuma 2.5.3 does not have, not copied: %s", state.name, extra)
    cols = [c for c in cols if c in have]
    convs = mysql_source.converters(state.name, cols, types)
    last = state.last_id
    while rows := mysql_source.read_batch(source, state.name, cols, key, last, batch):
        last = mysql_copy.write_batch(target, state.name, cols, key, mysql_source.convert_rows(rows, convs))
        done += len(rows)
        progress.rows(done, total)
        if key is None or len(rows) < batch:
            break
    mysql_copy.mark_done(target, state.name)
    return done


def _final_check(db_path: Path) -> None:
    problems = mysql_copy.final_check(db_path)
    if problems:
        log.warning("%d rows point at rows the MySQL database did not hold (foreign keys), kept", problems)


def _remove_empty(folder: Path) -> None:
    try:
        for leftover in folder.glob("kuma.db.migrate-lock"):
            leftover.unlink()
        folder.rmdir()
    except OSError:
        pass
