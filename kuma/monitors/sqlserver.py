"""`sqlserver`: connect with an ADO-style (`Server=host,port;Database=…;User Id=…;Password=…`) or
`mssql://` connection string, run `databaseQuery` (default `SELECT 1`).

Messages as for mysql (`Rows: <n>`, conditions on a single value, `Database connection/query failed: …`).
The driver is python-tds (pure Python TDS 7.4; login and query timeouts are the monitor's) in a bounded
worker thread. `Encrypt` defaults to true as in Node's mssql: TLS (pyOpenSSL under python-tds), verified
against the CA bundle unless `TrustServerCertificate=true`; `Encrypt=false` talks in the clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from kuma.monitors._common import effective_timeout
from kuma.monitors._driver import transport_text
from kuma.monitors._sql import FAILED, close_quietly, query_of, rows_check
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

_TRUE = ("true", "yes", "1", "on")


@dataclass
class MssqlTarget:
    host: str
    port: int
    instance: str | None
    user: str
    password: str
    database: str | None
    encrypt: bool
    trust_certificate: bool


def _ado_pairs(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            pairs[key.strip().lower()] = value.strip()
    return pairs


def _server(value: str) -> tuple[str, int, str | None]:
    """`tcp:host,port`, `host\\instance` or `host` → (host, port, instance)."""
    value = value.strip()
    if value.lower().startswith("tcp:"):
        value = value[4:]
    host, _, port_text = value.partition(",")
    host, _, instance = host.partition("\\")
    try:
        port = int(port_text) if port_text.strip() else 1433
    except ValueError:
        raise CheckFailed(FAILED + f"Invalid port in connection string: {port_text}") from None
    return host.strip() or "localhost", port, instance or None


def parse_connection_string(text: str) -> MssqlTarget:
    """Where and how to connect, from either form Uptime Kuma accepts: a `mssql://` URL or ADO-style
    `Server=…;User Id=…` pairs."""
    text = text.strip()
    if text.lower().startswith(("mssql://", "sqlserver://")):
        parts = urlsplit(text)
        query = {k.lower(): v[0] for k, v in parse_qs(parts.query).items()}
        pairs = {
            "server": f"{parts.hostname or 'localhost'},{parts.port or 1433}",
            "user id": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "database": unquote(parts.path.lstrip("/")),
            **query,
        }
    else:
        pairs = _ado_pairs(text)
    server = pairs.get("server") or pairs.get("data source") or pairs.get("address") or pairs.get("addr") or ""
    host, port, instance = _server(server)
    return MssqlTarget(
        host=host,
        port=port,
        instance=instance,
        user=pairs.get("user id") or pairs.get("uid") or pairs.get("user") or "",
        password=pairs.get("password") or pairs.get("pwd") or "",
        database=pairs.get("database") or pairs.get("initial catalog") or None,
        encrypt=(pairs.get("encrypt") or "true").lower() in _TRUE,
        trust_certificate=(pairs.get("trustservercertificate") or "false").lower() in _TRUE,
    )


class QueryFailed(Exception):
    """Raised from the query phase (after login), so a timeout there reads as a request timeout."""


def error_text(exc: BaseException, target: MssqlTarget, timeout: float) -> str:
    """tedious's words: `Failed to connect to h:p - connect ECONNREFUSED h:p`, or the server's message."""
    address = f"{target.host}:{target.port}"
    if isinstance(exc, QueryFailed) and exc.__cause__ is not None:
        cause = exc.__cause__
        text = getattr(cause, "text", None) or (cause.args[0] if cause.args and isinstance(cause.args[0], str) else "")
        if isinstance(cause, TimeoutError) or "timeout" in type(cause).__name__.lower():
            return f"Timeout: Request failed to complete in {round(timeout * 1000)}ms"
        return str(text or cause) or type(cause).__name__
    socket_text = transport_text(exc, target.host, target.port)
    if socket_text and "ETIMEDOUT" in socket_text:
        return f"Failed to connect to {address} in {round(timeout * 1000)}ms"
    if socket_text:
        return f"Failed to connect to {address} - {socket_text}"
    if isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower():
        return f"Failed to connect to {address} in {round(timeout * 1000)}ms"
    text = getattr(exc, "text", None) or (exc.args[0] if exc.args and isinstance(exc.args[0], str) else "")
    return str(text or exc) or type(exc).__name__


def run_query(target: MssqlTarget, query: str, timeout: float) -> tuple[list[Any] | None, int]:
    """Connect, run the query and fetch its rows (None: the statement returns no result set)."""
    import pytds

    from kuma.monitors import _tds_tls

    connection = pytds.connect(
        dsn=target.host + (f"\\{target.instance}" if target.instance else ""),
        port=target.port,
        database=target.database,
        user=target.user,
        password=target.password,
        login_timeout=timeout,
        timeout=timeout,
        autocommit=True,
        appname="Uptime Kuma",
        cafile=_tds_tls.cafile(target.trust_certificate) if target.encrypt else None,
        validate_host=not target.trust_certificate,
        disable_connect_retry=True,
    )
    try:
        with connection.cursor() as cursor:
            try:
                cursor.execute(query)
                if not cursor.description:
                    return None, 0
                return [tuple(row) for row in cursor.fetchall()], len(cursor.description)
            except Exception as exc:
                raise QueryFailed(str(exc)) from exc
    finally:
        close_quietly(connection)


@register("sqlserver")
class SqlServer(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        query = query_of(monitor)
        target = parse_connection_string(str(monitor.get("database_connection_string") or ""))
        timeout = effective_timeout(monitor)
        return await rows_check(  # cut 1 s after the timeout: the driver's own timeouts answer first
            monitor,
            lambda: run_query(target, query, timeout),
            lambda exc: error_text(exc, target, timeout),
            timeout + 1,
            "undefined",
        )
