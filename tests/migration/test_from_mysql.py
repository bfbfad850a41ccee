"""Issue #20, "Also MariaDB users": `kuma migrate --from mysql://…` (a real subprocess) against a real MariaDB
loaded with the real 2.5.3 fixture's rows gives a kuma.db equal to the fixture table by table, values and
their SQLite types included, and `kuma serve` on it lets the fixture's user log in and see its monitors;
a `kill -9` midway and a rerun give the same file as an uninterrupted copy; bad URL, wrong password and a
database that is not Uptime Kuma's each give one clear line and leave no data folder behind."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kuma.migration.from_mysql import partial_path
from kuma.store.mysql_copy import PROGRESS_TABLE
from kuma.store.mysql_source import convert_rows, converter
from tests.helpers.db_servers import mariadb_server
from tests.helpers.mysql_fixture import DATABASE, fixture_tables, load_fixture, root, url
from tests.helpers.paths import CAPTURE_CLOCK, FIXTURE_DB, REPO
from tests.helpers.server import start_kuma
from tests.helpers.sessions import login_burst
from tests.helpers.waiting import wait_until
from tests.migration.compare import schema

pytestmark = pytest.mark.timeout(600)

#: The one value MariaDB cannot hold as the fixture wrote it: a DATETIME without seconds gains ':00'.
MYSQL_NORMALISES = {("maintenance", "start_date", "2026-11-26 00:00"): "2026-11-26 00:00:00"}


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory):
    fixture = tmp_path_factory.mktemp("fixture") / "kuma.db"
    shutil.copy(FIXTURE_DB, fixture)
    with mariadb_server() as server:
        yield server, load_fixture(server.port, fixture), fixture


def run_migrate(source: str, data_dir: Path, *extra: str, wait: bool = True):
    env = dict(os.environ, PYTHONPATH=str(REPO), KUMA_CLOCK_START=CAPTURE_CLOCK, KUMA_LOG_LEVEL="INFO")
    cmd = [sys.executable, "-m", "kuma", "migrate", "--from", source, "--data-dir", str(data_dir), *extra]
    if not wait:
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def typed_rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """Rows with each value's SQLite type: 1 and 1.0, or '1' and 1, are different values here."""
    rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
    return [tuple((type(v).__name__, v) for v in row) for row in rows]


def expected_rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    names = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    out = []
    for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
        values = [MYSQL_NORMALISES.get((table, n, v), v) for n, v in zip(names, row)]
        out.append(tuple((type(v).__name__, v) for v in values))
    return out


def sequences(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT name, seq FROM sqlite_sequence WHERE seq > 0").fetchall())


def test_copy_equals_the_fixture_and_kuma_serves_it(mariadb, tmp_path):
    _, source, fixture = mariadb
    data = tmp_path / "data"
    done = run_migrate(source, data)
    assert done.returncode == 0, done.stderr
    assert "copy from MySQL: 100.0 % (" in done.stderr and " rows, " in done.stderr, done.stderr
    assert "password" not in done.stderr.lower() and "s3cret" not in done.stderr, done.stderr
    assert sorted(p.name for p in data.iterdir()) == ["kuma.db"]
    ours, theirs = sqlite3.connect(data / "kuma.db"), sqlite3.connect(fixture)
    for table in fixture_tables(theirs):
        assert typed_rows(ours, table) == expected_rows(theirs, table), table
    assert sequences(ours) == sequences(theirs)
    assert {k: v for k, v in schema(ours).items() if not k[1].startswith("kuma_")} == schema(theirs)
    ours.close()

    server = start_kuma(data, clock_start=CAPTURE_CLOCK)
    try:
        monitors, lists = login_burst(server.url)
        names = dict(theirs.execute("SELECT id, name FROM monitor").fetchall())
        assert {int(i): m["name"] for i, m in monitors.items()} == names
        count, last = theirs.execute("SELECT count(*), max(time) FROM heartbeat").fetchone()
        assert sum(len([b for b in beats if b["time"] <= last]) for beats in lists.values()) == count
    finally:
        assert server.stop() == 0, server.log()
    theirs.close()


def _copied(partial: Path) -> tuple[int, int]:
    try:
        conn = sqlite3.connect(f"file:{partial}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(f"SELECT sum(copied), sum(total) FROM {PROGRESS_TABLE}").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return (0, 0)


def test_kill_9_midway_and_rerun_equal_an_uninterrupted_copy(tmp_path):
    fixture = tmp_path / "fixture.db"
    shutil.copy(FIXTURE_DB, fixture)
    with mariadb_server() as server:
        source = load_fixture(server.port, fixture, repeat_heartbeats=200)  # 34,572 heartbeats
        with root(server.port, DATABASE) as conn, conn.cursor() as cur:  # as a MariaDB-only install may lack
            cur.execute("DELETE FROM setting WHERE `key` IN ('database_version', 'databasePatchedFiles')")
        whole = run_migrate(source, tmp_path / "whole", "--batch-rows", "100")
        assert whole.returncode == 0, whole.stderr

        killed = tmp_path / "killed"
        partial = partial_path(killed / "kuma.db")
        process = run_migrate(source, killed, "--batch-rows", "100", wait=False)
        wait_until(lambda: (_copied(partial)[0] or 0) > 5_000, timeout=120, interval=0.01, what="the copy under way")
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        copied, total = _copied(partial)
        assert 5_000 < copied < total and not (killed / "kuma.db").exists(), (copied, total)

        other = run_migrate(source.replace("@127.0.0.1:", "@localhost:"), killed)  # the same rows, but who knows
        assert other.returncode == 1 and "is an unfinished copy of mysql://kuma@127.0.0.1:" in other.stderr, other.stderr
        assert _copied(partial) == (copied, total)

        again = run_migrate(source, killed, "--batch-rows", "100")
        assert again.returncode == 0, again.stderr
        assert f"resuming the copy of mysql://kuma@127.0.0.1:{server.port}/uptime" in again.stderr, again.stderr
        assert f"({copied:,} already copied)" in again.stderr, again.stderr

    assert "settings Uptime Kuma's SQLite expects were added: database_version, databasePatchedFiles" in whole.stderr
    a, b = sqlite3.connect(tmp_path / "whole" / "kuma.db"), sqlite3.connect(killed / "kuma.db")
    theirs = sqlite3.connect(fixture)
    bookkeeping = "SELECT key, value, type FROM setting WHERE key IN ('database_version', 'databasePatchedFiles')"
    assert sorted(b.execute(bookkeeping).fetchall()) == sorted(theirs.execute(bookkeeping).fetchall())
    assert b.execute("SELECT count(*), count(DISTINCT id) FROM heartbeat").fetchone() == (172 * 201, 172 * 201)
    for table in fixture_tables(a):
        assert typed_rows(a, table) == typed_rows(b, table), table
    assert sequences(a) == sequences(b)


@pytest.mark.parametrize(
    "case, message",
    [
        ("scheme", "not a mysql:// URL"),
        ("no-db", "the URL needs a user, a host and a database"),
        ("password", "Access denied for user 'kuma'"),
        ("refused", "cannot connect to mysql://kuma@127.0.0.1:1/uptime"),
        ("not-kuma", "is not an Uptime Kuma 2.x database (no monitor, setting, knex_migrations table)"),
    ],
)
def test_bad_sources_give_one_clear_line_and_no_folder(mariadb, tmp_path, case, message):
    server, _, _ = mariadb
    source = {
        "scheme": f"postgres://kuma:x@127.0.0.1:{server.port}/uptime",
        "no-db": f"mysql://kuma:x@127.0.0.1:{server.port}/",
        "password": url(server.port, password="wrong"),
        "refused": "mysql://kuma:x@127.0.0.1:1/uptime",
        "not-kuma": url(server.port, database="kuma"),  # mariadb_server's own database: one table `t`
    }[case]
    data = tmp_path / "new" / "data"
    done = run_migrate(source, data)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Cannot migrate from MySQL: "), done.stderr
    assert message in lines[0], lines[0]
    assert "wrong" not in lines[0] and "s3cret" not in lines[0]
    assert not data.exists() and not (tmp_path / "new").exists()


def test_mysql_values_become_the_formats_uptime_kumas_sqlite_holds():
    """MySQL's text for each column type (as the connection receives it) → the SQLite value."""

    def convert(table: str, column: str, data_type: str, text):
        f = converter(table, column, data_type)
        return text if f is None else f(text)

    assert convert("heartbeat", "time", "datetime", "2026-11-26 10:07:13.738") == "2026-11-26 10:07:13.738"
    assert convert("heartbeat", "time", "datetime", "2026-11-26 10:07:13") == "2026-11-26 10:07:13.000"  # DATETIME(0)
    assert convert("heartbeat", "end_time", "datetime", "2026-11-26 10:07:13.738123") == "2026-11-26 10:07:13.738"
    assert convert("monitor", "created_date", "datetime", "2026-11-26 10:07:13.738") == "2026-11-26 10:07:13"
    assert convert("api_key", "expires", "timestamp", "2026-11-26 10:07:13") == "2026-11-26 10:07:13"
    assert convert("knex_migrations", "migration_time", "timestamp", "2026-11-26 10:06:32.897") == 1795687592897
    assert convert("knex_migrations", "migration_time", "timestamp", "2026-11-26 10:06:32") == 1795687592000
    assert convert("maintenance", "start_time", "time", "02:00:00") == "02:00"
    assert convert("maintenance", "start_time", "time", "02:00:05") == "02:00:05"
    assert convert("stat_daily", "ping", "decimal", "12.50") == 12.5
    assert convert("monitor", "interval", "decimal", "60") == 60
    assert convert("notification", "config", "longblob", b'{"a":1}') == '{"a":1}'
    assert convert("monitor", "active", "tinyint", 1) == 1 and convert("monitor", "url", "text", "x") == "x"
    assert convert_rows([(1, None, "2026-11-26 10:07:13")], [None, _ms, _ms]) == [(1, None, "2026-11-26 10:07:13.000")]


_ms = converter("heartbeat", "time", "datetime")
