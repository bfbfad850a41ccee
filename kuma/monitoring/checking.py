"""Running one check of any monitor type: never raising, never hanging past its timeout, never garbage.

The engine gets a `CheckOutcome` for the beat rules and the check's result (or a stand-in carrying what a
raised exception saved: response body, column updates, TLS info).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitoring import beat as rules
from kuma.monitoring.beat import CheckOutcome
from kuma.monitors.base import CheckContext, CheckResult, MonitorType

#: A hung check is cut this long after the monitor's own timeout.
CUT_MARGIN = 10.0


def error_message(exc: BaseException) -> str:
    """The text a raised error leaves in the beat's msg."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc)
    return text if text else type(exc).__name__


class ErrorCarrier:
    """Stands in for a CheckResult when the check raised: carries the exception's saved response."""

    def __init__(self, exc: BaseException) -> None:
        self.response = getattr(exc, "response", None)
        self.monitor_updates = getattr(exc, "monitor_updates", None) or {}
        self.tls_info = getattr(exc, "tls_info", None)


async def run_check(
    mtype: MonitorType, row: Mapping[str, Any], ctx: CheckContext
) -> tuple[CheckOutcome, CheckResult | ErrorCarrier | None]:
    """Run the type's check, cut at its timeout + CUT_MARGIN (unless the type times itself: `self_timed`);
    a non-CheckResult or unknown status is DOWN."""
    timeout = rules.effective_timeout(row)
    started = trio.current_time()
    try:
        if mtype.self_timed:
            result, cut = await mtype.check(row, ctx), False
        else:
            with trio.move_on_after(timeout + CUT_MARGIN) as scope:
                result = await mtype.check(row, ctx)
            cut = scope.cancelled_caught
    except Exception as exc:
        return CheckOutcome.failed(error_message(exc)), ErrorCarrier(exc)
    if cut:
        return CheckOutcome.failed(f"timeout by AbortSignal ({rules.js_number(timeout)}s)"), None
    if not isinstance(result, CheckResult) or result.status not in rules.STATUSES:
        return CheckOutcome.failed(f"Invalid check result: {type(result).__name__}"), None
    ping = rules.normalize_ping(result.ping)
    if ping is None and mtype.elapsed_ping:  # types that report no ping get the elapsed time (§4.9)
        ping = round((trio.current_time() - started) * 1000)
    msg = result.msg if isinstance(result.msg, str) else str(result.msg)
    return CheckOutcome(status=result.status, msg=msg, ping=ping), result


def response_of(result: Any) -> str | None:
    """A saved response body (already encoded text) the check attached, if any."""
    if result is None:
        return None
    value = getattr(result, "response", None)
    return value if isinstance(value, str) else None
