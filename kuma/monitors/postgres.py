"""`postgres`: connect with `databaseConnectionString`, run `databaseQuery` (default `SELECT 1`).

UP has an empty message and the connect+query time as ping, as in Uptime Kuma; DOWN carries the server's
own error text (`password authentication failed for user "x"`) or Node's socket wording. The driver is
pg8000 (pure Python, its socket takes the monitor's timeout) in a bounded worker thread.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import trio

from kuma.monitors._common import effective_timeout, elapsed_ms
from kuma.monitors._driver import run_blocking, transport_text
from kuma.monitors._sql import close_quietly, query_of
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register


@dataclass
class PgTarget:
    host: str
    port: int
    user: str
    password: str
    database: str
    ssl: ssl.SSLContext | bool  # False: no SSL at all (pg8000's None would mean "prefer, unverified")


def _ssl_context(params: dict[str, list[str]]) -> ssl.SSLContext | bool:
    """`sslmode`/`ssl` as pg-connection-string reads them: disable → none, no-verify → unchecked, else verified."""
    from kuma.monitors._http_tls import client_tls_context  # cached: building a context costs milliseconds

    mode = (params.get("sslmode") or [""])[0].lower()
    flag = (params.get("ssl") or [""])[0].lower()
    if mode == "disable" or (not mode and flag in ("", "false", "0")):
        return False
    return client_tls_context(mode != "no-verify", None)


def parse_connection_string(text: str) -> PgTarget:
    """`postgres://user:password@host:port/database?sslmode=…`; an empty password is refused as pg does."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("postgres", "postgresql"):
        raise CheckFailed("Invalid connection string: it must start with postgres://")
    password = unquote(parts.password or "")
    if password == "":
        raise CheckFailed("Password is undefined.")
    try:
        port = parts.port or 5432
    except ValueError:
        raise CheckFailed("Invalid connection string: bad port") from None
    user = unquote(parts.username or "")
    database = unquote(parts.path.lstrip("/")) or user
    params = parse_qs(parts.query)
    return PgTarget(parts.hostname or "localhost", port, user, password, database, _ssl_context(params))


def error_text(exc: BaseException, target: PgTarget) -> str:
    """The server's message (field M of an ErrorResponse), Node's socket wording, or the driver's text."""
    args = getattr(exc, "args", ())
    if args and isinstance(args[0], dict) and args[0].get("M"):
        return str(args[0]["M"])
    if "Server refuses SSL" in str(exc):
        return "The server does not support SSL connections"
    return transport_text(exc, target.host, target.port) or str(exc) or type(exc).__name__


def run_query(target: PgTarget, query: str, timeout: float) -> None:
    """Connect, run the query, close (in a worker thread)."""
    import pg8000.native

    connection = pg8000.native.Connection(
        target.user,
        host=target.host,
        port=target.port,
        password=target.password,
        database=target.database,
        ssl_context=target.ssl,
        timeout=timeout,
        application_name="Uptime Kuma",
    )
    try:
        connection.run(query)
    finally:
        close_quietly(connection)


@register("postgres")
class Postgres(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        query = query_of(monitor)
        target = parse_connection_string(str(monitor.get("database_connection_string") or ""))
        timeout = effective_timeout(monitor)
        start = trio.current_time()

        def work() -> str | None:
            try:
                run_query(target, query, timeout)
            except Exception as exc:  # the driver's errors become the DOWN message
                return error_text(exc, target)
            return None

        failure = await run_blocking(work, timeout)
        if failure is not None:
            raise CheckFailed(failure)
        return CheckResult(msg="", ping=elapsed_ms(start))
