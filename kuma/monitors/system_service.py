"""`system-service`: a systemd unit is active, by `systemctl is-active <system_service_name>` (Linux).

As Uptime Kuma: the name must match `^[a-zA-Z0-9._\\-@]+$` (it is an argument, never shell text), the
program gets 5 s, exit 0 → UP `Service '<name>' is running.`, otherwise DOWN with systemctl's own output
(≤ 200 characters, e.g. `inactive`, `failed`) or `Service '<name>' is not running.`. Where systemd is
absent (no `systemctl`, or not Linux) the DOWN message says so.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

from kuma.monitors._process import ProgramMissing, ProgramTimedOut, run_program, truncated
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

NAME = re.compile(r"[a-zA-Z0-9._\-@]+")
TIMEOUT = 5.0


@register("system-service")
class SystemService(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        name = str(monitor.get("system_service_name") or "").strip()
        if not name:
            raise CheckFailed("Service Name is required.")
        if not sys.platform.startswith("linux"):
            raise CheckFailed(f"System Service monitoring is not supported on {sys.platform}")
        if not NAME.fullmatch(name):
            raise CheckFailed("Invalid service name. Please use the internal Service Name (no spaces).")
        try:
            done = await run_program(["systemctl", "is-active", name], ctx, TIMEOUT)
        except ProgramMissing:
            raise CheckFailed(f"Service '{name}' cannot be checked: systemctl is not installed (no systemd)") from None
        except ProgramTimedOut:
            raise CheckFailed(f"Service '{name}' is not running. (systemctl gave no answer in 5 s)") from None
        if done.returncode != 0:
            raise CheckFailed(truncated(done.stderr or done.stdout) or f"Service '{name}' is not running.")
        return CheckResult(msg=f"Service '{name}' is running.")
