"""`manual`: the status is whatever the user set in `manual_status` (spec §4.8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors._common import elapsed_ms
from kuma.monitors.base import DOWN, PENDING, UP, CheckContext, CheckResult, MonitorType, register

_MESSAGES: dict[int, str] = {UP: "Up", DOWN: "Down", PENDING: "Pending"}


def manual_result(manual_status: Any) -> tuple[int, str]:
    """(status, msg) for a `manual_status` column value; unset/unknown → PENDING."""
    try:
        status = int(manual_status)
    except (TypeError, ValueError):
        status = None
    if status in _MESSAGES:
        return status, _MESSAGES[status]
    return PENDING, "Manual monitoring - No status set"


@register("manual")
class Manual(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        start = trio.current_time()
        status, msg = manual_result(monitor.get("manual_status"))
        return CheckResult(status=status, msg=msg, ping=elapsed_ms(start))
