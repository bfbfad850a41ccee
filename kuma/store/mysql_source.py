"""Reading an Uptime Kuma 2.x MariaDB/MySQL database for `kuma migrate --from mysql://…`: the URL, the
connection, which tables it holds, and its rows in id order, batch by batch (keyset paging, so a batch
costs the same at row 10 M as at row 1 and a resumed copy starts exactly after the last committed id).

Values are turned into what Uptime Kuma's SQLite holds: DATETIME → 'YYYY-MM-DD HH:MM:SS' text (with
'.SSS' on the heartbeat columns, as 2.x's SQLite stores them), knex_migrations' TIMESTAMP → epoch ms,
TIME → 'HH:MM', DECIMAL → int/float, blobs of UTF-8 → str; booleans arrive as TINYINT 0/1, JSON as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlsplit

import pymysql
import pymysql.converters
from pymysql.constants import FIELD_TYPE

#: Columns Uptime Kuma's SQLite keeps with milliseconds (data-model.md "Type notes").
MS_COLUMNS = {("heartbeat", "time"), ("heartbeat", "end_time")}
#: knex's own TIMESTAMP column, which knex on SQLite writes as epoch milliseconds.
EPOCH_MS_COLUMNS = {("knex_migrations", "migration_time")}
#: Tables that mark an Uptime Kuma 2.x database.
MARKER_TABLES = ("monitor", "setting", "knex_migrations")


#: PyMySQL's conversions minus dates, times and decimals: those stay MySQL's text, which is nearly the
#: text SQLite wants (parsing them into Python objects and formatting them back was half the copy's time).
_RAW_CONVERSIONS = {
    k: v
    for k, v in pymysql.converters.conversions.items()
    if k
    not in (
        FIELD_TYPE.DATETIME,
        FIELD_TYPE.TIMESTAMP,
        FIELD_TYPE.DATE,
        FIELD_TYPE.TIME,
        FIELD_TYPE.DECIMAL,
        FIELD_TYPE.NEWDECIMAL,
    )
}


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
            conv=_RAW_CONVERSIONS,
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


def column_types(conn: pymysql.connections.Connection, table: str) -> dict[str, str]:
    """column → MySQL's DATA_TYPE ('datetime', 'int', …), to pick each column's conversion once."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = DATABASE() AND table_name = %s",
            (table,),
        )
        return {r[0]: str(r[1]).lower() for r in cur.fetchall()}


def read_batch(
    conn: pymysql.connections.Connection, table: str, cols: list[str], key: str | None, after: int, limit: int
) -> list[tuple[Any, ...]]:
    """Raw rows with key > after in key order (the whole table when it has no integer key); dates, times
    and decimals arrive as MySQL's text (the connection does not parse them), see `converters`."""
    names = ", ".join(f"`{c}`" for c in cols)
    with conn.cursor() as cur:
        if key is None:
            cur.execute(f"SELECT {names} FROM `{table}`")
        else:
            cur.execute(f"SELECT {names} FROM `{table}` WHERE `{key}` > %s ORDER BY `{key}` LIMIT %s", (after, limit))
        return list(cur.fetchall())


Converter = Callable[[Any], Any]


def converters(table: str, cols: list[str], types: dict[str, str]) -> list[Converter | None]:
    """Per column: how a MySQL text value becomes what Uptime Kuma's SQLite holds (None: as it is)."""
    return [converter(table, c, types.get(c, "")) for c in cols]


def converter(table: str, column: str, data_type: str) -> Converter | None:
    if data_type in ("datetime", "timestamp"):
        if (table, column) in EPOCH_MS_COLUMNS:
            return _epoch_ms
        return _datetime_ms if (table, column) in MS_COLUMNS else _datetime_s
    by_type: dict[str, Converter] = {"time": _time, "decimal": _decimal, **dict.fromkeys(_BINARY, _maybe_text)}
    return by_type.get(data_type)


def convert_rows(rows: list[tuple[Any, ...]], convs: list[Converter | None]) -> list[tuple[Any, ...]]:
    active = [(i, f) for i, f in enumerate(convs) if f is not None]
    if not active:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for i, f in active:
            if values[i] is not None:
                values[i] = f(values[i])
        out.append(tuple(values))
    return out


_BINARY = ("binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob")


def _datetime_s(text: str) -> str:
    return text[:19]


def _datetime_ms(text: str) -> str:
    return f"{text[:19]}.{text[20:23].ljust(3, '0')}"


def _epoch_ms(text: str) -> int:
    at = dt.datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    return int(at.timestamp()) * 1000 + int(text[20:23].ljust(3, "0"))


def _time(text: str) -> str:
    whole = text.split(".")[0]
    return whole[:-3] if whole.endswith(":00") and whole.count(":") == 2 else whole


def _decimal(text: str) -> int | float:
    return float(text) if "." in text or "e" in text.lower() else int(Decimal(text))


def _maybe_text(value: bytes) -> str | bytes:
    try:
        return bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        return bytes(value)
