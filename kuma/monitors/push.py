"""`push`: nothing is fetched; the check only notices when pushes stop arriving (spec §4.5).

Pushes themselves arrive over HTTP (`/api/push/<token>`) and are recorded by the monitoring service.
What the engine's loop does differently for push comes from this type's attributes, as for any type:
`first_check_delayed` (first check after one interval), `skip_beat` on the CheckResult (no beat while the
last one still covers the window) and `beat_duration` (the timeout DOWN beat carries a duration).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kuma.monitors._common import as_bool, interval_seconds
from kuma.monitors.base import DOWN, UP, CheckContext, CheckFailed, CheckResult, MonitorType, register

NO_HEARTBEAT = "No heartbeat in the time window"
#: Uptime Kuma allows a push to be this late before it counts as missing.
GRACE_SECONDS = 1.0


def push_window(interval: float, age: float | None, last_status: int | None, upside_down: bool) -> float | None:
    """Seconds until the next check when the last beat still covers the window, else None (= missing)."""
    wanted = DOWN if upside_down else UP
    if age is None or last_status != wanted or age > interval + GRACE_SECONDS:
        return None
    return max(0.001, interval - age + GRACE_SECONDS)


@register("push")
class Push(MonitorType):
    first_check_delayed = True

    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        monitor_id = int(monitor["id"])
        age = await ctx.seconds_since_last_beat(monitor_id) if ctx.seconds_since_last_beat else None
        last = await ctx.last_beat(monitor_id) if ctx.last_beat else None
        if last is not None:
            last_status = last.get("status")
        else:  # no last_beat reader given: trust the age alone
            last_status = (DOWN if as_bool(monitor.get("upside_down")) else UP) if age is not None else None
        wait = push_window(interval_seconds(monitor), age, last_status, as_bool(monitor.get("upside_down")))
        if wait is None:
            raise CheckFailed(NO_HEARTBEAT)
        return CheckResult(status=UP, skip_beat=True, next_check_in=wait)

    def beat_duration(self, monitor: Mapping[str, Any], since_previous: float | None, interval: float) -> int | None:
        """The missing-push DOWN beat's duration: seconds since the latest beat, the interval for the first."""
        if since_previous is None:
            return int(interval)
        return max(0, math.floor(since_previous))
