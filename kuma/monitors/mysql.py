"""`mysql` (MySQL and MariaDB): connect with `databaseConnectionString`, run `databaseQuery` (default `SELECT 1`).

UP says `Rows: <n>`, or with conditions `Query did meet specified conditions`; DOWN is
`Database connection/query failed: <server or socket message>`. The password comes from `radius_password`
when set (Uptime Kuma keeps the form's password there), else from the URL. The driver is PyMySQL (pure
Python; connect/read/write timeouts are the monitor's) in a bounded worker thread.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from kuma.monitors._common import effective_timeout
from kuma.monitors._driver import transport_text
from kuma.monitors._sql import FAILED, close_quietly, query_of, rows_check
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register


@dataclass
class MysqlTarget:
    host: str
    port: int
    user: str
    password: str
    database: str | None
    ssl: ssl.SSLContext | None


def parse_connection_string(text: str, password: str | None) -> MysqlTarget:
    """`mysql://user:password@host:port/database`; `?ssl=true` (or an ssl JSON object) turns TLS on."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("mysql", "mariadb"):
        raise CheckFailed(FAILED + "Invalid connection string: it must start with mysql://")
    try:
        port = parts.port or 3306
    except ValueError:
        raise CheckFailed(FAILED + "Invalid connection string: bad port") from None
    flag = (parse_qs(parts.query).get("ssl") or [""])[0].strip().lower()
    context = None
    if flag and flag not in ("false", "0"):
        from kuma.monitors._http_tls import client_tls_context  # cached: building a context costs milliseconds

        context = client_tls_context('"rejectunauthorized":false' not in flag.replace(" ", ""), None)
    return MysqlTarget(
        host=parts.hostname or "localhost",
        port=port,
        user=unquote(parts.username or ""),
        password=password if password else unquote(parts.password or ""),
        database=unquote(parts.path.lstrip("/")) or None,
        ssl=context,
    )


def error_text(exc: BaseException, target: MysqlTarget) -> str:
    """The server's message (PyMySQL's `(code, message)` args), Node's socket wording, or the driver's text."""
    socket_text = transport_text(exc, target.host, target.port)
    if socket_text:
        return socket_text
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):
        return args[1]
    return str(exc) or type(exc).__name__


def run_query(target: MysqlTarget, query: str, timeout: float) -> tuple[list[Any] | None, int]:
    """Connect, run the query and fetch its rows (None: the statement returns no result set)."""
    import pymysql

    connection = pymysql.connect(
        host=target.host,
        port=target.port,
        user=target.user,
        password=target.password,
        database=target.database,
        ssl=target.ssl,
        ssl_disabled=target.ssl is None,  # as mysql2: no TLS unless asked (PyMySQL would try it)
        connect_timeout=timeout,
        read_timeout=timeout,
        write_timeout=timeout,
        charset="utf8mb4",
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            if cursor.description is None:
                return None, 0
            return list(cursor.fetchall()), len(cursor.description)
    finally:
        close_quietly(connection)


@register("mysql")
class Mysql(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        query = query_of(monitor)
        password = monitor.get("radius_password")
        target = parse_connection_string(str(monitor.get("database_connection_string") or ""), password)
        timeout = effective_timeout(monitor)
        return await rows_check(
            monitor, lambda: run_query(target, query, timeout), lambda exc: error_text(exc, target), timeout, "object"
        )
