"""`oracledb`: connect to `databaseConnectionString` (an Easy Connect string or descriptor) as
`basic_auth_user`/`basic_auth_pass`, run `databaseQuery` (default `SELECT 1 FROM DUAL`).

Messages as Uptime Kuma's: `Rows: <n>`, `Rows affected: <n>`, `Query executed successfully`, conditions on a
single value, `Database connection/query failed: …`. The driver is python-oracledb in thin mode (no Oracle
client libraries). Its blocking connect has no read timeout, so its asyncio API runs in a bounded worker
thread under `asyncio.wait_for`: a listener that never answers cannot keep the thread.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors._common import effective_timeout, elapsed_ms
from kuma.monitors._driver import run_blocking, timeout_text
from kuma.monitors._sql import FAILED, conditions_message, conditions_of
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

_CONNECTION_ID = re.compile(r"\s*\(CONNECTION_ID=[^)]*\)")


def error_text(exc: BaseException) -> str:
    """The driver's DPY/ORA text on one line, without the per-attempt CONNECTION_ID or help links."""
    lines = [line for line in _CONNECTION_ID.sub("", str(exc)).splitlines() if not line.startswith("Help:")]
    return " ".join(line.strip() for line in lines if line.strip()) or type(exc).__name__


async def _query(dsn: str, user: str, password: str, query: str, timeout: float) -> tuple[Any, int, int | None]:
    import oracledb

    connection = await oracledb.connect_async(user=user, password=password, dsn=dsn, tcp_connect_timeout=timeout)
    try:
        with connection.cursor() as cursor:
            await cursor.execute(query)
            if cursor.description:
                return [tuple(row) for row in await cursor.fetchall()], len(cursor.description), None
            return None, 0, cursor.rowcount
    finally:
        await connection.close()


def run_query(dsn: str, user: str, password: str, query: str, timeout: float) -> tuple[Any, int, int | None] | str:
    """In a worker thread: its own asyncio loop, cut at `timeout`; the DOWN text on failure."""
    import asyncio

    try:
        return asyncio.run(asyncio.wait_for(_query(dsn, user, password, query, timeout), timeout))
    except TimeoutError:
        return timeout_text(timeout)
    except Exception as exc:  # the driver's errors become the DOWN message
        return error_text(exc)


@register("oracledb")
class OracleDb(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        query = str(monitor.get("database_query") or "").strip() or "SELECT 1 FROM DUAL"
        dsn = str(monitor.get("database_connection_string") or "").strip()
        user = str(monitor.get("basic_auth_user") or "").strip()
        password = str(monitor.get("basic_auth_pass") or "").strip()
        timeout = effective_timeout(monitor)
        start = trio.current_time()
        outcome = await run_blocking(lambda: run_query(dsn, user, password, query, timeout), timeout + 1, FAILED)
        ping = elapsed_ms(start)
        if isinstance(outcome, str):
            raise CheckFailed(FAILED + outcome)
        rows, columns, affected = outcome
        if conditions_of(monitor):
            return CheckResult(msg=conditions_message(monitor, rows, columns), ping=ping)
        if rows is not None:
            return CheckResult(msg=f"Rows: {len(rows)}", ping=ping)
        if isinstance(affected, int) and affected >= 0:
            return CheckResult(msg=f"Rows affected: {affected}", ping=ping)
        return CheckResult(msg="Query executed successfully", ping=ping)
