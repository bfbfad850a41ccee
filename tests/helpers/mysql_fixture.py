"""The real Uptime Kuma 2.5.3 fixture loaded into a real MariaDB, as an Uptime Kuma 2.x on MariaDB holds it.

The MySQL tables are derived from the fixture's own SQLite schema with the column types knex gives them on
mysql (data-model.md: increments → INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, boolean → TINYINT(1), string →
VARCHAR(n), text → TEXT/LONGTEXT, datetime → DATETIME, time → TIME, json → LONGTEXT). Two deliberate
widenings keep the round trip lossless, so the copy can be compared with the fixture exactly:
heartbeat.time/end_time are DATETIME(3) (the fixture's milliseconds) and float/bigint ping columns are
DOUBLE (the fixture's sub-millisecond pings such as 0.018). AUTO_INCREMENT counters are set from the
fixture's sqlite_sequence, as a MariaDB that handed out those ids would hold them."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pymysql

from tests.helpers.db_servers import PASSWORD

DATABASE = "uptime"
WIDENED = {("heartbeat", "time"): "DATETIME(3)", ("heartbeat", "end_time"): "DATETIME(3)",
           ("knex_migrations", "migration_time"): "TIMESTAMP(3)"}  # knex: timestamp; SQLite holds epoch ms


def mysql_type(table: str, column: str, sqlite_type: str) -> str:
    """knex's MySQL column type for a column Uptime Kuma's SQLite declares as `sqlite_type`."""
    if (table, column) in WIDENED:
        return WIDENED[(table, column)]
    t = sqlite_type.upper()
    if m := re.fullmatch(r"(?:VARCHAR|CHARACTER VARYING)\((\d+)\)", t):
        return f"VARCHAR({m[1]})"
    simple = {"BOOLEAN": "TINYINT(1)", "SMALLINT": "SMALLINT", "DATETIME": "DATETIME", "DATE": "DATE",
              "TIME": "TIME", "VARCHAR": "VARCHAR(255)", "BIGINT": "DOUBLE", "FLOAT": "DOUBLE", "REAL": "DOUBLE",
              "DOUBLE": "DOUBLE", "INTEGER": "INT", "INT": "INT"}
    return simple.get(t, "LONGTEXT")  # TEXT, JSON, and types knex maps to text


def ddl(conn: sqlite3.Connection, table: str) -> str:
    cols = []
    for _, name, kind, _notnull, _default, pk in conn.execute(f'PRAGMA table_info("{table}")'):
        if pk and kind.upper() == "INTEGER":
            cols.append(f"`{name}` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY")
        else:
            cols.append(f"`{name}` {mysql_type(table, name, kind)} NULL")
    return f"CREATE TABLE `{table}` ({', '.join(cols)}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"


def fixture_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'")
    return [r[0] for r in rows]


def root(port: int, database: str | None = None) -> pymysql.connections.Connection:
    return pymysql.connect(host="127.0.0.1", port=port, user="root", password="", database=database,
                           charset="utf8mb4", autocommit=True)


def load_fixture(port: int, fixture: Path, *, repeat_heartbeats: int = 0) -> str:
    """Create database `uptime` (user kuma may use it) from the fixture; returns its mysql:// URL.
    `repeat_heartbeats` appends that many copies of the fixture's heartbeats (new ids) for a longer copy."""
    lite = sqlite3.connect(fixture)
    with root(port) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{DATABASE}` CHARACTER SET utf8mb4")
        cur.execute(f"GRANT ALL ON `{DATABASE}`.* TO 'kuma'@'%'")
        cur.execute(f"USE `{DATABASE}`")
        cur.execute("SET time_zone = '+00:00'")
        for table in fixture_tables(lite):
            cur.execute(ddl(lite, table))
            rows = lite.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            if table == "knex_migrations":  # knex on mysql writes the migration time as a TIMESTAMP
                rows = [(*r[:3], _utc(r[3])) for r in rows]
            if rows:
                marks = ", ".join(["%s"] * len(rows[0]))
                cur.executemany(f"INSERT INTO `{table}` VALUES ({marks})", rows)
        for _ in range(repeat_heartbeats):
            cur.execute("INSERT INTO heartbeat (important, monitor_id, status, msg, time, ping, duration, down_count, "
                        "end_time, retries, response) SELECT important, monitor_id, status, msg, time, ping, duration, "
                        "down_count, end_time, retries, response FROM heartbeat ORDER BY id LIMIT 172")
        for name, seq in lite.execute("SELECT name, seq FROM sqlite_sequence"):
            cur.execute(f"ALTER TABLE `{name}` AUTO_INCREMENT = {max(int(seq), 0) + 1}")
    lite.close()
    return url(port)


def _utc(epoch_ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC).replace(tzinfo=None)


def url(port: int, database: str = DATABASE, password: str = PASSWORD) -> str:
    return f"mysql://kuma:{password}@127.0.0.1:{port}/{database}"


def double_heartbeats(port: int, times: int) -> int:
    """Double the heartbeat table `times` times (new ids, same rows): a long history for the benchmark.
    Returns the row count."""
    columns = "important, monitor_id, status, msg, time, ping, duration, down_count, end_time, retries, response"
    with root(port, DATABASE) as conn, conn.cursor() as cur:
        for _ in range(times):
            cur.execute(f"INSERT INTO heartbeat ({columns}) SELECT {columns} FROM heartbeat")
        cur.execute("SELECT count(*) FROM heartbeat")
        return int(cur.fetchone()[0])
