"""`http`: UP when the request answers with an accepted status code (spec §4.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kuma.monitors._http_request import perform, success
from kuma.monitors.base import CheckContext, CheckResult, MonitorType, register


@register("http")
class Http(MonitorType):
    self_timed = True  # `perform` runs the request inside the monitor's timeout

    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        outcome = await perform(monitor, ctx)
        return success(outcome.status_msg, monitor, outcome)
