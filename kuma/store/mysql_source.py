"""Reading an Uptime Kuma 2.x MariaDB/MySQL database for `kuma migrate --from mysql://…`: the URL, the
connection, which tables it holds, and its rows in id order, batch by batch (keyset paging, so a batch
costs the same at row 10 M as at row 1 and a resumed copy starts exactly after the last committed id).

Values are turned into what Uptime Kuma's SQLite holds: DATETIME → 'YYYY-MM-DD HH:MM:SS' text (with
'.SSS' on the heartbeat columns, as 2.x's SQLite stores them), knex_migrations' TIMESTAMP → epoch ms, TIME → 'HH:MM', DECIMAL → float, text
bytes → str; booleans arrive as TINYINT 0/1 and JSON as text already."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlsplit

import pymysql

#: Columns Uptime Kuma's SQLite keeps with milliseconds (data-model.md "Type notes").
MS_COLUMNS = {("heartbeat", "time"), ("heartbeat", "end_time")}
#: knex's own TIMESTAMP column, which knex on SQLite writes as epoch milliseconds.
EPOCH_MS_COLUMNS = {("knex_migrations", "migration_time")}
#: Tables that mark an Uptime Kuma 2.x database.
MARKER_TABLES = ("monitor", "setting", "knex_migrations")


class SourceError(RuntimeError):
    """The URL, the server or the database is not one kuma can copy from (one clear line for the user)."""


@dataclass(frozen=True)
class MysqlUrl:
    host: str
    port: int
    user: str
    password: str
    database: str

    def safe(self) -> str:
        """The URL without its password, for logs and messages."""
        return f"mysql://{self.user}@{self.host}:{self.port}/{self.database}"


def parse_url(url: str) -> MysqlUrl:
    """`mysql://user:pass@host[:port]/db` (also mariadb://); percent-escapes in user and password allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb"):
        raise SourceError(f"not a mysql:// URL: {url!r} (expected mysql://user:pass@host[:port]/db)")
    try:
        port = parts.port or 3306
    except ValueError:
        raise SourceError(f"bad port in {url!r}") from None
    database = parts.path.lstrip("/")
    if not parts.hostname or not parts.username or not database or "/" in database:
        raise SourceError("the URL needs a user, a host and a database: mysql://user:pass@host[:port]/db")
    return MysqlUrl(parts.hostname, port, unquote(parts.username), unquote(parts.password or ""), database)


def connect(url: MysqlUrl) -> pymysql.connections.Connection:
    """A read connection in one consistent snapshot per statement; errors become one SourceError line."""
    try:
        conn = pymysql.connect(
            host=url.host,
            port=url.port,
            user=url.user,
            password=url.password,
            database=url.database,
            charset="utf8mb4",
            connect_timeout=10,
            read_timeout=600,
        )
    except pymysql.err.MySQLError as exc:
        code, text = (exc.args + ("",))[:2] if exc.args else (0, str(exc))
        raise SourceError(f"cannot connect to {url.safe()}: {text or exc} (error {code})") from None
    with conn.cursor() as cur:
        cur.execute("SET time_zone = '+00:00'")
    return conn


def tables(conn: pymysql.connections.Connection) -> set[str]:
    with conn.cursor() as cur:
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
        return {r[0] for r in cur.fetchall()}


def require_uptime_kuma(conn: pymysql.connections.Connection, url: MysqlUrl) -> set[str]:
    """The database's tables; refuses one without Uptime Kuma 2.x's marker tables."""
    found = tables(conn)
    missing = [t for t in MARKER_TABLES if t not in found]
    if missing:
        raise SourceError(f"{url.safe()} is not an Uptime Kuma 2.x database (no {', '.join(missing)} table)")
    return found


def columns(conn: pymysql.connections.Connection, table: str) -> list[str]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s "
            "ORDER BY ordinal_position",
            (table,),
        )
        return [r[0] for r in cur.fetchall()]


def knex_names(conn: pymysql.connections.Connection) -> set[str]:
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM knex_migrations")
        return {r[0] for r in cur.fetchall()}


def count(conn: pymysql.connections.Connection, table: str) -> int:
    with conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM `{table}`")
        return int(cur.fetchone()[0])


def auto_increments(conn: pymysql.connections.Connection) -> dict[str, int]:
    """table → the next id MySQL would hand out (becomes sqlite_sequence = next − 1)."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT table_name, auto_increment FROM information_schema.tables "
            "WHERE table_schema = DATABASE() AND auto_increment IS NOT NULL"
        )
        return {r[0]: int(r[1]) for r in cur.fetchall()}


def read_batch(
    conn: pymysql.connections.Connection, table: str, cols: list[str], key: str | None, after: int, limit: int
) -> list[tuple[Any, ...]]:
    """Rows with key > after in key order (the whole table when it has no integer key)."""
    names = ", ".join(f"`{c}`" for c in cols)
    with conn.cursor() as cur:
        if key is None:
            cur.execute(f"SELECT {names} FROM `{table}`")
        else:
            cur.execute(f"SELECT {names} FROM `{table}` WHERE `{key}` > %s ORDER BY `{key}` LIMIT %s", (after, limit))
        return [convert_row(table, cols, row) for row in cur.fetchall()]


def convert_row(table: str, cols: list[str], row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(convert(table, c, v) for c, v in zip(cols, row))


def convert(table: str, column: str, value: Any) -> Any:
    """One MySQL value as Uptime Kuma's SQLite stores it."""
    if isinstance(value, dt.datetime) and (table, column) in EPOCH_MS_COLUMNS:
        return round(value.replace(tzinfo=dt.UTC).timestamp() * 1000)
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        return f"{text}.{value.microsecond // 1000:03d}" if (table, column) in MS_COLUMNS else text
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent == 0 else float(value)
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(value)
    return value
