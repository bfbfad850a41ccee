"""Monitor input from clients → column values, and the checks Uptime Kuma runs before storing.

Which client keys are stored where: kuma/rules/monitor_keys.py; JSON text checks worded as V8 words them:
kuma/rules/js_json.py.

Pure functions: no I/O. Errors are `MonitorInputError(msg)` whose message is the ack's `msg`, with
Uptime Kuma's texts where the captures show them (socketio-events.md §3.2.1, monitoring-semantics §10).
Liberal in what we accept: older clients omit newer fields (their column defaults are filled), unknown
keys are ignored, ids may arrive as strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kuma.rules.js_json import js_json_error
from kuma.rules.monitor_keys import EDITABLE_KEYS, FRONTEND_KEYS, JSON_COLUMNS, OUTPUT_ONLY_KEYS, column_for

MIN_INTERVAL_SECONDS = 1
MAX_INTERVAL_SECONDS = 2073600  # 24 days: the longest timer a JavaScript runtime can hold
MAX_RESPONSE_LENGTH = 1048576


class MonitorInputError(ValueError):
    """Bad monitor input; `str(exc)` is the message for `{ok: false, msg}`."""


@dataclass(frozen=True)
class Column:
    name: str
    notnull: bool
    has_default: bool


# -- input conversion ---------------------------------------------------------------------------------


def check_accepted_statuscodes(value: Any) -> str:
    """The list as stored JSON text, or Uptime Kuma's errors for a missing/non-string list."""
    if value is None:
        raise MonitorInputError("Cannot read properties of undefined (reading 'every')")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MonitorInputError("Accepted status codes are not all strings")
    return json.dumps(value, separators=(",", ":"))


def notification_ids(value: Any) -> list[int]:
    """`{"1": true, "2": false}` → [1]; a list of ids is taken as ids; anything else → []."""
    items: list[Any]
    if isinstance(value, dict):
        items = [k for k, v in value.items() if v]
    elif isinstance(value, list):
        items = list(value)
    else:
        return []
    out: list[int] = []
    for item in items:
        number = _int_or_none(item)
        if number is not None and number not in out:
            out.append(number)
    return out


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        match = re.match(r"\s*([+-]?\d+)", value)  # parseInt semantics: leading digits
        return int(match.group(1)) if match else None
    return None


def _to_column_value(column: str, value: Any) -> Any:
    if column in JSON_COLUMNS:
        if value is None:
            return JSON_COLUMNS[column]
        if isinstance(value, str):
            error = js_json_error(value)
            if error:
                raise MonitorInputError(f"{column} must be valid JSON: {error}")
            return value
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return value


def _special(column: str, value: Any) -> Any:
    if column == "port":
        return _int_or_none(value)
    if column == "proxy_id":
        return value if isinstance(value, int) and not isinstance(value, bool) else _int_or_none(value)
    if column in ("parent", "docker_host", "remote_browser"):
        return None if value in (None, "") else _int_or_none(value)
    if column == "retry_only_on_status_code_failure":
        return int(bool(value))
    return value


def _fill_not_null(fields: dict[str, Any], columns: Mapping[str, Column]) -> dict[str, Any]:
    """A null sent for a NOT NULL column with a default means "use the default": drop it."""
    out = {}
    for column, value in fields.items():
        info = columns.get(column)
        if info is None:
            continue  # unknown key: ignore (newer client field)
        if value is None and info.notnull and info.has_default:
            continue
        out[column] = value
    return out


def add_input(payload: Any, columns: Mapping[str, Column]) -> tuple[dict[str, Any], list[int], bool]:
    """`add` payload → (column values, notification ids, start it?)."""
    if not isinstance(payload, dict):
        raise MonitorInputError("Cannot read properties of undefined (reading 'every')")
    notifications = notification_ids(payload.get("notificationIDList"))
    fields: dict[str, Any] = {
        "accepted_statuscodes_json": check_accepted_statuscodes(payload.get("accepted_statuscodes"))
    }
    for key, value in payload.items():
        if key in FRONTEND_KEYS or key in OUTPUT_ONLY_KEYS or key == "accepted_statuscodes":
            continue
        column = column_for(key)
        fields[column] = _to_column_value(column, _special(column, value))
        if key == "retryOnlyOnStatusCodeFailure":
            fields["retry_only_on_status_code_failure"] = int(bool(value))
    for column, default in JSON_COLUMNS.items():  # older clients omit them
        fields.setdefault(column, default)
    if fields.get("retry_interval") is None and fields.get("interval") is not None:
        fields["retry_interval"] = fields["interval"]  # what the web UI pre-fills; the column default 0 is invalid
    active = payload.get("active")
    start = active is not False and active != 0
    if not start:
        fields["active"] = 0
    return _fill_not_null(fields, columns), notifications, start


def edit_input(payload: Any, columns: Mapping[str, Column]) -> dict[str, Any]:
    """`editMonitor` payload → column values to update (only the editable keys that were sent)."""
    if not isinstance(payload, dict):
        raise MonitorInputError("Cannot read properties of undefined (reading 'id')")
    # Uptime Kuma checks the list on every edit, so a client must always send it
    fields: dict[str, Any] = {
        "accepted_statuscodes_json": check_accepted_statuscodes(payload.get("accepted_statuscodes"))
    }
    for key in EDITABLE_KEYS:
        if key == "accepted_statuscodes" or key not in payload:
            continue
        column = column_for(key)
        fields[column] = _to_column_value(column, _special(column, payload[key]))
    return _fill_not_null(fields, columns)


# -- validation of the merged row ---------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def validate_monitor(row: Mapping[str, Any], *, sent: set[str] | None = None) -> None:
    """Uptime Kuma's checks on the row about to be stored (monitoring-semantics §10).

    `sent`: the columns the client sent (edit); the retry interval is only checked when it was sent, so
    an old row holding the column default 0 can still be edited by a client that omits it.
    """
    interval = _number(row.get("interval"))
    if interval is not None:
        if interval > MAX_INTERVAL_SECONDS:
            raise MonitorInputError(f"Interval cannot be more than {MAX_INTERVAL_SECONDS} seconds")
        if interval < MIN_INTERVAL_SECONDS:
            raise MonitorInputError(f"Interval cannot be less than {MIN_INTERVAL_SECONDS} seconds")
    elif row.get("interval") is not None:
        raise MonitorInputError(f"Interval cannot be less than {MIN_INTERVAL_SECONDS} seconds")
    retry = _number(row.get("retry_interval"))
    if retry is not None and (sent is None or "retry_interval" in sent):
        if retry > MAX_INTERVAL_SECONDS:
            raise MonitorInputError(f"Retry interval cannot be more than {MAX_INTERVAL_SECONDS} seconds")
        if retry < MIN_INTERVAL_SECONDS:
            raise MonitorInputError(f"Retry interval cannot be less than {MIN_INTERVAL_SECONDS} seconds")

    length = _number(row.get("response_max_length"))
    if length is not None and not 0 <= length <= MAX_RESPONSE_LENGTH:
        raise MonitorInputError(f"Response max length must be between 0 and {MAX_RESPONSE_LENGTH}")

    headers = row.get("headers")
    if isinstance(headers, str) and headers.strip():
        error = js_json_error(headers)
        if error:
            raise MonitorInputError(f"Headers must be valid JSON: {error}")
    for column, label in (
        ("kafka_producer_brokers", "Kafka Producer Brokers"),
        ("kafka_producer_sasl_options", "Kafka Producer SASL Options"),
        ("rabbitmq_nodes", "RabbitMQ Nodes"),
        ("conditions", "Conditions"),
    ):
        text = row.get(column)
        if isinstance(text, str):
            error = js_json_error(text)
            if error:
                raise MonitorInputError(f"{label} must be valid JSON: {error}")

    monitor_type = row.get("type")
    if monitor_type in ("pm2", "system-service"):
        _validate_service_name(monitor_type, row.get("system_service_name"))
    if monitor_type == "ping":
        _validate_ping(row)
    if monitor_type == "real-browser":
        _validate_screenshot_delay(row.get("screenshot_delay"), interval)
    _validate_probe_fields(row)
    if monitor_type == "mongodb":
        query = row.get("database_query")
        if isinstance(query, str) and query.strip():
            error = js_json_error(query)
            if error:
                raise MonitorInputError(f"MongoDB query must be valid JSON: {error}")


# -- protocol probes (snmp, ntp, radius, sip-options, gamedig, steam, globalping) ---------------------------
SNMP_VERSIONS = ("1", "2c", "3")


def _validate_probe_fields(row: Mapping[str, Any]) -> None:
    """What the schema would refuse with a bare constraint error, said plainly (the column CHECKs the version)."""
    version = row.get("snmp_version")
    if version is not None and str(version) not in SNMP_VERSIONS:
        raise MonitorInputError("SNMP version must be 1, 2c or 3")
    if row.get("type") == "globalping" and row.get("subtype") not in (None, "", "ping", "http", "dns"):
        raise MonitorInputError("Globalping subtype must be ping, http or dns")


def _validate_service_name(monitor_type: str, value: Any) -> None:
    """Uptime Kuma's texts; the name is trimmed before it is judged (and stored trimmed by the check)."""
    name = str(value or "").strip()
    if not name:
        raise MonitorInputError(
            "PM2 process name is required." if monitor_type == "pm2" else "Service Name is required."
        )
    if monitor_type == "system-service" and not re.fullmatch(r"[a-zA-Z0-9._\-@]+", name):
        raise MonitorInputError("Invalid service name. Please use the internal Service Name (no spaces).")
    if monitor_type == "pm2" and re.search(r"[\x00-\x1f\x7f]", name):
        raise MonitorInputError("Invalid PM2 process name.")


def _validate_screenshot_delay(value: Any, interval: float | None) -> None:
    """Non-negative, below 0.8 × interval (the page load's own limit) and below 0.5 × interval."""
    if value is None:
        return
    delay = 0.0 if isinstance(value, str) and not value.strip() else _number(value)  # JS Number("") is 0
    if delay is None or delay < 0:
        raise MonitorInputError("Screenshot delay must be a non-negative number")
    if interval is None:
        return
    for share in (0.8, 0.5):
        limit = interval * 1000 * share
        if delay >= limit:
            raise MonitorInputError(f"Screenshot delay must be less than {_js_num(limit)}ms ({share} × interval)")


def _js_num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _validate_ping(row: Mapping[str, Any]) -> None:
    count = _number(row.get("ping_count"))
    if count is not None and not 1 <= count <= 100:
        raise MonitorInputError("Ping count must be between 1 and 100")
    size = _number(row.get("packet_size"))
    if size is not None and not 1 <= size <= 65500:
        raise MonitorInputError("Packet size must be between 1 and 65500")
    per_request = _number(row.get("ping_per_request_timeout"))
    if per_request is not None and not 1 <= per_request <= 60:
        raise MonitorInputError("Per-ping timeout must be between 1 and 60 seconds")
    timeout = _number(row.get("timeout"))
    if timeout is not None and timeout > 0:
        if not 1 <= timeout <= 300:
            raise MonitorInputError("Timeout must be between 1 and 300 seconds")
        if per_request is not None and timeout < per_request:
            raise MonitorInputError("Timeout must be greater than or equal to the per-ping timeout")
