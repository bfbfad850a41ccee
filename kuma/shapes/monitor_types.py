"""`monitorTypeList`: which monitor types support conditions, and their variables (afterLogin burst)."""

from __future__ import annotations

from typing import Any

_STRING_OPERATORS = [
    ("equals", "equals"),
    ("not_equals", "not equals"),
    ("contains", "contains"),
    ("not_contains", "not contains"),
    ("starts_with", "starts with"),
    ("not_starts_with", "not starts with"),
    ("ends_with", "ends with"),
    ("not_ends_with", "not ends with"),
]
_NUMBER_OPERATORS = [
    ("num_equals", "equals"),
    ("num_not_equals", "not equals"),
    ("lt", "less than"),
    ("gt", "greater than"),
    ("lte", "less than or equal to"),
    ("gte", "greater than or equal to"),
]

#: Types in Uptime Kuma 2.5.3's wire order, with their condition variables (id, numeric operators too?).
_TYPES: list[tuple[str, list[tuple[str, bool]]]] = [
    ("real-browser", []),
    ("tailscale-ping", []),
    ("websocket-upgrade", []),
    ("dns", [("record", False)]),
    ("postgres", []),
    ("mqtt", [("topic", False), ("message", False), ("json_value", True)]),
    ("smtp", []),
    ("group", []),
    ("snmp", []),
    ("grpc-keyword", []),
    ("mongodb", []),
    ("rabbitmq", []),
    ("sip-options", []),
    ("gamedig", []),
    ("steam", []),
    ("port", []),
    ("manual", []),
    ("globalping", []),
    ("redis", []),
    ("pm2", []),
    ("system-service", []),
    ("sqlserver", [("result", False)]),
    ("mysql", [("result", False)]),
    ("oracledb", [("result", False)]),
    ("ntp", []),
]


def _variable(variable_id: str, numeric: bool) -> dict[str, Any]:
    operators = _STRING_OPERATORS + (_NUMBER_OPERATORS if numeric else [])
    return {"id": variable_id, "operators": [{"id": op, "caption": caption} for op, caption in operators]}


def monitor_type_list() -> dict[str, dict[str, Any]]:
    """The `monitorTypeList` payload (a fresh dict each call)."""
    return {
        name: {"supportsConditions": bool(variables), "conditionVariables": [_variable(v, n) for v, n in variables]}
        for name, variables in _TYPES
    }
