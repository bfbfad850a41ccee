"""`group`: the status summarises the direct children's latest beats (spec §4.6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors._common import as_bool, elapsed_ms
from kuma.monitors.base import DOWN, PENDING, UP, CheckContext, CheckResult, MonitorType, register


def group_result(children: list[tuple[dict[str, Any], int | None]]) -> tuple[int, str]:
    """(status, msg) from (child row, latest status or None) pairs. Pure, so the rule is easy to test.

    Paused children are ignored; a child without a beat counts as pending; MAINTENANCE counts as up.
    """
    if not children:
        return PENDING, "Group empty"
    down: list[str] = []
    pending: list[str] = []
    for row, status in children:
        if not as_bool(row.get("active", 1)):
            continue
        name = str(row.get("name") or row.get("id"))
        if status is None or status == PENDING:
            pending.append(name)
        elif status == DOWN:
            down.append(name)
    if down:
        msg = "Child monitors down: " + ", ".join(down)
        if pending:
            msg += "; pending: " + ", ".join(pending)
        return DOWN, msg
    if pending:
        return PENDING, "Pending child monitors: " + ", ".join(pending)
    return UP, "All children up and running"


@register("group")
class Group(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        start = trio.current_time()
        if ctx.children_status is None:
            children: list[tuple[dict[str, Any], int | None]] = []
        else:
            children = await ctx.children_status(int(monitor["id"]))
        status, msg = group_result(children)
        return CheckResult(status=status, msg=msg, ping=elapsed_ms(start))
