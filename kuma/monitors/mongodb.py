"""`mongodb`: connect with the URI, run `databaseQuery` as a command (default `{"ping": 1}`) on its database.

Then, as Uptime Kuma: `ok` must be 1; `jsonPath` (JSONata) over the reply must produce something; and
`expectedValue`, when set, must equal its text. The driver is PyMongo (the official one: SRV, TLS, auth
mechanisms), whose server selection and socket timeouts are the monitor's, in a bounded worker thread.
"""

from __future__ import annotations

import datetime
import errno as errno_module
import json
import re
from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors._common import effective_timeout, elapsed_ms
from kuma.monitors._driver import run_blocking, timeout_text
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register
from kuma.monitors.json_query import js_string

_SOCKET_ERROR = re.compile(r"([^\s,]+):(\d+): \[Errno (\d+)\]")


def plain(value: Any) -> Any:
    """BSON values as the JSON the Node driver's documents stringify to (numbers, strings, lists, objects)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="milliseconds").replace("+00:00", "") + "Z"
    return str(value)


def js_text(value: Any) -> str:
    """`value.toString()`: objects print as `[object Object]`, arrays joined by commas."""
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join("" if v is None else js_text(v) for v in value)
    return js_string(value)


def error_text(exc: BaseException, timeout: float) -> str:
    """A server error's `errmsg` (`Authentication failed.`), Node's socket wording, or the driver's text."""
    details = getattr(exc, "details", None)
    if isinstance(details, dict) and details.get("errmsg"):
        return str(details["errmsg"])
    text = str(exc)
    match = _SOCKET_ERROR.search(text)
    if match:
        name = errno_module.errorcode.get(int(match.group(3)), f"E{match.group(3)}")
        return f"connect {name} {match.group(1)}:{match.group(2)}"
    if type(exc).__name__ in ("NetworkTimeout", "ExecutionTimeout") or text.endswith("timed out"):
        return timeout_text(timeout)
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "getaddrinfo ENOTFOUND " + text.split(":", 1)[0]
    return text.split(" (configured timeouts", 1)[0].split(", Timeout: ", 1)[0] or type(exc).__name__


def run_command(uri: str, command: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Connect, run the command on the URI's database (`test` when it names none), close."""
    import pymongo

    ms = max(int(timeout * 1000), 1)
    client: Any = pymongo.MongoClient(
        uri, serverSelectionTimeoutMS=ms, connectTimeoutMS=ms, socketTimeoutMS=ms, appname="Uptime Kuma"
    )
    try:
        return dict(client.get_default_database("test").command(command))
    finally:
        client.close()


def verdict(monitor: Mapping[str, Any], reply: dict[str, Any]) -> str:
    """The UP message for a command's reply, or CheckFailed with Uptime Kuma's wording."""
    result: Any = plain(reply)
    if result.get("ok") != 1:
        raise CheckFailed("MongoDB command failed")
    msg = "Command executed successfully"
    if monitor.get("json_path"):
        import jsonata

        result = jsonata.Jsonata(str(monitor["json_path"])).evaluate(result)
        if result in (None, False, 0, "") or (isinstance(result, float) and result != result):
            raise CheckFailed("Queried value not found.")
        msg = "Command executed successfully and the jsonata expression produces a result."
    expected = monitor.get("expected_value")
    if expected:
        if js_text(result) != expected:
            shown = json.dumps(result, separators=(",", ":"), ensure_ascii=False)
            raise CheckFailed(f"Query executed, but value is not equal to expected value, value was: [{shown}]")
        msg = "Command executed successfully and expected value was found"
    return msg


def parse_command(text: Any) -> dict[str, Any]:
    if not text or not str(text).strip():
        return {"ping": 1}
    try:
        command = json.loads(str(text))
    except ValueError as exc:
        raise CheckFailed(f"MongoDB query must be valid JSON: {exc}") from None
    if not isinstance(command, dict) or not command:
        raise CheckFailed("MongoDB query must be a JSON object naming the command")
    return command


@register("mongodb")
class Mongodb(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        command = parse_command(monitor.get("database_query"))
        uri = str(monitor.get("database_connection_string") or "").strip()
        timeout = effective_timeout(monitor)
        start = trio.current_time()

        def work() -> dict[str, Any] | str:
            try:
                return run_command(uri, command, timeout)
            except Exception as exc:  # the driver's errors become the DOWN message
                return error_text(exc, timeout)

        reply = await run_blocking(work, timeout + 1)  # server selection gives up first, with its reason
        if isinstance(reply, str):
            raise CheckFailed(reply)
        return CheckResult(msg=verdict(monitor, reply), ping=elapsed_ms(start))
