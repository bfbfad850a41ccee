"""The heartbeat shapes on the wire (data-model.md §5, socketio-events.md §5.3/§5.4).

- raw row: `heartbeatList` / `getMonitorBeats` — every column, snake_case, `important` 0/1;
- live beat: the `heartbeat` event — only the keys that were set on the beat, `important` boolean;
- important list item: `monitorImportantHeartbeatListPaged` — all nine keys, `important` integer;
- status-page beat: `{status, time, msg: "", ping}`.
"""

from __future__ import annotations

from typing import Any

from kuma.columns import HEARTBEAT_COLUMNS
from kuma.shapes.jsnum import js_number

RAW_COLUMNS = HEARTBEAT_COLUMNS

#: msg of a beat the push monitor's own loop writes (no push arrived): it carries no ping key.
PUSH_TIMEOUT_MSG = "No heartbeat in the time window"


def raw_row(row: dict[str, Any]) -> dict[str, Any]:
    """A heartbeat table row in column order, numbers as JavaScript prints them."""
    out = {column: js_number(row.get(column)) for column in RAW_COLUMNS}
    out["important"] = int(bool(out["important"]))
    return out


def live_beat(
    row: dict[str, Any], monitor_type: str | None = None, *, set_keys: frozenset[str] | set[str] | None = None
) -> dict[str, Any]:
    """The live `heartbeat` event.

    Key order `monitorID, status, time, msg, ping, important, duration, retries, response`, carrying only
    the optional keys that were set on the beat (`set_keys` from the engine's BeatEvent): `ping` when the
    check produced one (push beats carry it, `null` when no ping was pushed), `duration` for push
    monitors, `response` when a body was saved. Without `set_keys` the same is inferred from the row.
    """
    if set_keys is None:
        is_push = monitor_type == "push"
        inferred = set()
        if row.get("ping") is not None or (is_push and row.get("msg") != PUSH_TIMEOUT_MSG):
            inferred.add("ping")
        if is_push:
            inferred.add("duration")
        set_keys = inferred
    out: dict[str, Any] = {
        "monitorID": row.get("monitor_id", row.get("monitorID")),
        "status": row.get("status"),
        "time": row.get("time"),
        "msg": row.get("msg"),
    }
    if "ping" in set_keys:
        out["ping"] = js_number(row.get("ping"))
    out["important"] = bool(row.get("important"))
    if "duration" in set_keys:
        out["duration"] = js_number(row.get("duration") or 0)
    out["retries"] = row.get("retries") or 0
    if "response" in set_keys:
        out["response"] = row.get("response")
    return out


def important_beat(row: dict[str, Any]) -> dict[str, Any]:
    """An item of `monitorImportantHeartbeatListPaged` (and `importantHeartbeatList`)."""
    return {
        "monitorID": row.get("monitor_id"),
        "status": row.get("status"),
        "time": row.get("time"),
        "msg": row.get("msg"),
        "ping": js_number(row.get("ping")),
        "important": int(bool(row.get("important"))),
        "duration": js_number(row.get("duration") or 0),
        "retries": row.get("retries") or 0,
        "response": row.get("response"),
    }


def status_page_beat(row: dict[str, Any]) -> dict[str, Any]:
    """A beat as public status pages show it: no message."""
    return {"status": row.get("status"), "time": row.get("time"), "msg": "", "ping": js_number(row.get("ping"))}


#: Name the login burst looks for.
important_heartbeat = important_beat
