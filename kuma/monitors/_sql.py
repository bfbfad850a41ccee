"""What the SQL types share: the query, a quiet close, conditions on a single-value result, row counts.

Pure functions over rows a driver fetched. Uptime Kuma's rules: without conditions the UP message is
`Rows: <n>`; with conditions the query must return exactly one row with one column, whose text (JavaScript's
String()) is the condition variable `result`. Driver errors are prefixed `Database connection/query failed: `.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Mapping
from typing import Any

import trio

from kuma.monitors._common import elapsed_ms
from kuma.monitors._driver import run_blocking
from kuma.monitors.base import CheckFailed, CheckResult
from kuma.monitors.dns import evaluate_conditions, parse_conditions
from kuma.monitors.json_query import js_string

FAILED = "Database connection/query failed: "
#: What a driver's query returns: its rows (None: the statement has no result set) and column count.
Rows = tuple[list[Any] | None, int]


def query_of(monitor: Mapping[str, Any]) -> str:
    """The monitor's query; Uptime Kuma's default when it has none."""
    return str(monitor.get("database_query") or "").strip() or "SELECT 1"


def close_quietly(connection: Any) -> None:
    """Close a driver connection after a check; a failing close must not replace the check's result."""
    try:
        connection.close()
    except Exception:
        pass


def conditions_of(monitor: Mapping[str, Any]) -> list[dict[str, Any]]:
    return parse_conditions(monitor.get("conditions"))


def js_text(value: Any) -> str:
    """String(value) of the value a Node driver would have returned for this column."""
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return js_string(value)


def single_value(rows: list[Any] | None, columns: int) -> Any:
    """The one value of a one-row, one-column result; the wording of Uptime Kuma's errors otherwise."""
    if not rows:
        raise CheckFailed(FAILED + "Query returned no results")
    if len(rows) > 1:
        raise CheckFailed(FAILED + "Multiple values were found, expected only one value")
    if columns > 1:
        raise CheckFailed(FAILED + "Multiple columns were found, expected only one value")
    return rows[0][0]


def conditions_message(monitor: Mapping[str, Any], rows: list[Any] | None, columns: int) -> str:
    """UP message of a query checked against the monitor's conditions, or CheckFailed."""
    result = js_text(single_value(rows, columns))
    if not evaluate_conditions(conditions_of(monitor), {"result": result}):
        raise CheckFailed(f"Query result did not meet the specified conditions ({result})")
    return "Query did meet specified conditions"


def rows_result(
    monitor: Mapping[str, Any], outcome: tuple[list[Any] | None, int] | str, ping: float, not_array: str
) -> CheckResult:
    """A SQL check's beat from what the driver returned (rows and column count) or the error text it left:
    the conditions' message, `Rows: <n>`, or Uptime Kuma's "not an array" text naming the driver's type."""
    if isinstance(outcome, str):
        raise CheckFailed(FAILED + outcome)
    rows, columns = outcome
    if conditions_of(monitor):
        return CheckResult(msg=conditions_message(monitor, rows, columns), ping=ping)
    if rows is None:
        return CheckResult(msg=f"No Error, but the result is not an array. Type: {not_array}", ping=ping)
    return CheckResult(msg=f"Rows: {len(rows)}", ping=ping)


async def rows_check(
    monitor: Mapping[str, Any],
    query: Callable[[], Rows],
    failure: Callable[[Exception], str],
    cut: float,
    not_array: str,
) -> CheckResult:
    """Run a blocking driver's `query` in the drivers' threads (given up after `cut` seconds), its errors
    worded by `failure`, and judge the rows as `rows_result` does: the one body of the mysql and
    sqlserver checks."""
    start = trio.current_time()

    def work() -> Rows | str:
        try:
            return query()
        except Exception as exc:  # the driver's errors become the DOWN message
            return failure(exc)

    outcome = await run_blocking(work, cut, FAILED)
    return rows_result(monitor, outcome, elapsed_ms(start), not_array)
