"""`json-query`: an HTTP check whose JSON body, queried with JSONata, must compare true (spec §4.1)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from kuma.monitors._http_request import failure, perform, success
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "contains")


def js_string(value: Any) -> str:
    """JavaScript's String(value) for JSON values (true → "true", 1.0 → "1", None → "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    return str(value)


def js_number(text: str) -> float:
    """JavaScript's Number(text): blank → 0, unparsable → NaN."""
    stripped = text.strip()
    if stripped == "":
        return 0.0
    try:
        return float(stripped)
    except ValueError:
        return math.nan


def compare(result: str, operator: str, expected: str) -> bool:
    """Both sides are strings; ordering operators compare them as numbers (NaN compares false)."""
    if operator == "==":
        return result == expected
    if operator == "!=":
        return result != expected
    if operator == "contains":
        return expected in result
    left, right = js_number(result), js_number(expected)
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}.get(operator, False)


def evaluate_query(expression: str, data: Any) -> Any:
    """The JSONata result, which must be a primitive (string, number, boolean)."""
    if expression.strip():
        import jsonata

        result = jsonata.Jsonata(expression).evaluate(data)
    else:
        result = data
    if result is None:
        raise ValueError("Empty or undefined response. Check query syntax and response structure")
    if isinstance(result, list):
        shown = json.dumps(result, separators=(",", ":"))
        shown = shown if len(shown) <= 100 else shown[:100] + "..."
        raise ValueError(
            f"JSON query returned the array {shown}, but a primitive value is required. "
            "Use [0] for the first element or an aggregation like $count(), $sum() or $boolean()"
        )
    if isinstance(result, dict):
        raise ValueError(
            "The JSON query result is of type object, which cannot be directly compared to the expected value"
        )
    return result


def json_query_verdict(body: str, expression: str, operator: str, expected: str) -> str:
    """UP message, or CheckFailed: `JSON query passes/does not pass (comparing <result> <op> <expected>)`."""
    try:
        data = json.loads(body)
    except ValueError:
        data = body
    try:
        result = js_string(evaluate_query(expression, data))
    except Exception as exc:  # JSONata syntax/runtime errors and non-primitive results
        raise CheckFailed(f"Error evaluating JSON query: {exc}. Response from server was: {body[:100]}") from None
    op = operator if operator in OPERATORS else "=="
    comparing = f"(comparing {result} {op} {expected})"
    if compare(result, op, expected):
        return f"JSON query passes {comparing}"
    raise CheckFailed(f"JSON query does not pass {comparing}")


@register("json-query")
class JsonQuery(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        outcome = await perform(monitor, ctx)
        expected = monitor.get("expected_value")
        try:
            msg = json_query_verdict(
                outcome.text,
                str(monitor.get("json_path") or ""),
                str(monitor.get("json_path_operator") or "=="),
                js_string(expected if expected is not None else ""),
            )
        except CheckFailed as exc:
            raise failure(str(exc), monitor, outcome) from None
        return success(msg, monitor, outcome)
