"""The login burst's heartbeat lists as JSON text built by SQLite itself (one statement per list kind).

`heartbeatList` / `importantHeartbeatList` for a thousand monitors are ~100,000 rows; shaping each row
into a dict and encoding it in Python cost seconds. Here SQLite writes each monitor's array text
directly. The bytes must equal what Uptime Kuma (JSON.stringify) sends for the same rows:
- strings: `json_object` escapes exactly as JSON.stringify does (`\\"`, `\\\\`, `\\b\\f\\n\\r\\t`, other
  control characters as `\\u00xx`, everything else as it is);
- integers: decimal, as JavaScript prints them;
- REAL values: SQLite's own JSON float text differs where it is integral (`15.0`), in exponent form
  (`1.0e+21`) or needs more than 15 digits; those go through `kuma_js_number` (registered on every
  connection by `kuma.store.db.connect`), which prints Number#toString's shortest round-trip form
  (`15`, `1e+21`, `null` for ±Infinity). Only pings and durations hold REALs.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable

import sqlite_utils

from kuma.columns import HEARTBEAT_COLUMNS

SQL_FUNCTION = "kuma_js_number"


def js_number_text(value: float) -> str:
    """A float as JavaScript's Number#toString writes it (JSON.stringify: non-finite → null)."""
    if not math.isfinite(value):
        return "null"
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    text = repr(value)
    if "e" not in text:
        # below 1e16 Python's repr is JavaScript's text, but for an integral 2^53 ≤ |x| it adds ".0"
        return text[:-2] if text.endswith(".0") else text
    mantissa, _, exp_text = text.partition("e")
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "")
    n = int(exp_text) + 1  # JavaScript's n: value = 0.digits × 10^n
    if len(digits) <= n <= 21:
        return sign + digits + "0" * (n - len(digits))
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    rest = "." + digits[1:] if len(digits) > 1 else ""
    return f"{sign}{digits[0]}{rest}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


def register(conn: sqlite3.Connection) -> None:
    """Make `kuma_js_number(x)` callable in this connection's SQL."""
    conn.create_function(SQL_FUNCTION, 1, js_number_text, deterministic=True)


def _number(column: str) -> str:
    """SQL for a numeric column as a JSON value printed as JavaScript does. Integers and most REALs are left
    to `json_object` (its 15-digit text is JavaScript's when it round-trips, the value is not integral and
    1e-4 ≤ |x| < 1e15); integral REALs become integers; the rest go through `kuma_js_number`. Pings of at
    most three decimals (most REAL pings) skip the `printf` test: such an x is the double nearest to a decimal
    k/1000 of at most 15 digits, and `%.15g` gives back exactly that decimal, its shortest form."""
    c = column
    return (
        f"(CASE typeof({c}) WHEN 'real' THEN CASE"
        f" WHEN abs({c}) < 9007199254740992 AND {c} = CAST({c} AS INTEGER) THEN CAST({c} AS INTEGER)"
        f" WHEN abs({c}) < 1e12 AND round({c} * 1000) / 1000.0 = {c} THEN {c}"
        f" WHEN abs({c}) >= 1e-4 AND abs({c}) < 1e15 AND CAST(printf('%.15g', {c}) AS REAL) = {c} THEN {c}"
        f" ELSE json({SQL_FUNCTION}({c})) END ELSE {c} END)"
    )


def _zero_or(column: str) -> str:
    """`row.column || 0` as a JSON number."""
    return f"(CASE WHEN {column} IS NULL OR {column} = 0 THEN 0 ELSE {_number(column)} END)"


def _object(pairs: list[tuple[str, str]]) -> str:
    return "json_object(" + ", ".join(f"'{key}', {sql}" for key, sql in pairs) + ")"


#: Columns that hold REAL values (pings, push durations); the others are integers or text.
REAL_COLUMNS = frozenset({"ping", "duration"})
_IMPORTANT_FLAG = "(CASE WHEN important THEN 1 ELSE 0 END)"
#: A raw heartbeat row (`heartbeatList`): every column in table order, `important` 0/1.
RAW_ROW_SQL = _object(
    [(c, _IMPORTANT_FLAG if c == "important" else _number(c) if c in REAL_COLUMNS else c) for c in HEARTBEAT_COLUMNS]
)
#: An item of `importantHeartbeatList` (kuma.shapes.heartbeat.important_beat).
IMPORTANT_ROW_SQL = _object(
    [
        ("monitorID", "monitor_id"),
        ("status", "status"),
        ("time", "time"),
        ("msg", "msg"),
        ("ping", _number("ping")),
        ("important", _IMPORTANT_FLAG),
        ("duration", _zero_or("duration")),
        ("retries", "(CASE WHEN retries IS NULL OR retries = 0 THEN 0 ELSE retries END)"),
        ("response", "response"),
    ]
)


def _lists(db: sqlite_utils.Database, sql: str, ids: list[int], limit: int) -> dict[int, str]:
    rows = db.conn.execute(sql, (limit, json.dumps(ids))).fetchall()
    return {int(row[0]): "[" + (row[1] or "") + "]" for row in rows}


def recent_json_many(db: sqlite_utils.Database, monitor_ids: Iterable[int], limit: int = 100) -> dict[int, str]:
    """Each monitor's last `limit` beats as the JSON array text of raw rows, oldest first ("[]" if none)."""
    sql = (
        "SELECT m.value, (SELECT group_concat(j, ',') FROM (SELECT j FROM ("
        f"SELECT {RAW_ROW_SQL} AS j, time AS t, id AS i FROM heartbeat WHERE monitor_id = m.value "
        "ORDER BY time DESC, id DESC LIMIT ?1) ORDER BY t, i)) FROM json_each(?2) m"
    )
    return _lists(db, sql, [int(i) for i in monitor_ids], limit)


def important_json_many(db: sqlite_utils.Database, monitor_ids: Iterable[int], limit: int = 500) -> dict[int, str]:
    """Each monitor's last `limit` important beats as JSON array text, NEWEST first ("[]" if none)."""
    sql = (
        "SELECT m.value, (SELECT group_concat(j, ',') FROM ("
        f"SELECT {IMPORTANT_ROW_SQL} AS j FROM heartbeat WHERE monitor_id = m.value AND important = 1 "
        "ORDER BY time DESC, id DESC LIMIT ?1)) FROM json_each(?2) m"
    )
    return _lists(db, sql, [int(i) for i in monitor_ids], limit)


#: The part of a heartbeat row kuma's dashboard shows before a monitor's bar is fetched (its light start).
BRIEF_ROW_SQL = _object([("status", "status"), ("time", "time"), ("msg", "msg"), ("ping", _number("ping"))])


def latest_brief_json_many(db: sqlite_utils.Database, monitor_ids: Iterable[int]) -> dict[int, str]:
    """Each monitor's latest beat as the JSON object text of its status, time, msg and ping (monitors
    without a beat are left out): kuma's light start, where a whole row per monitor is mostly unused."""
    sql = (
        f"SELECT m.value, (SELECT {BRIEF_ROW_SQL} FROM heartbeat WHERE monitor_id = m.value "
        "ORDER BY time DESC, id DESC LIMIT 1) FROM json_each(?1) m"
    )
    rows = db.conn.execute(sql, (json.dumps([int(i) for i in monitor_ids]),)).fetchall()
    return {int(row[0]): row[1] for row in rows if row[1] is not None}
