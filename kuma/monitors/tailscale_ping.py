"""`tailscale-ping`: `tailscale ping --c 1 <hostname>` reaches the peer; the ping is the reported time.

As Uptime Kuma: the program gets interval × 0.8 s; a `pong from … in 23ms` line → UP `OK` with ping 23; a
`timed out`, `no matching peer` or `is local Tailscale IP` line, other output, stderr with a failing exit,
or no output → DOWN `Error checking Tailscale ping: Error: …`. Without the program: `… tailscale is not
installed`. Parsing the output is a pure function.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kuma.monitors._common import interval_seconds
from kuma.monitors._process import ProgramMissing, ProgramTimedOut, run_program
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

PREFIX = "Error checking Tailscale ping: "


def parse_output(output: str) -> int:
    """The ping (ms) of the first `pong from` line; CheckFailed (without the prefix) for anything else."""
    for line in output.split("\n"):
        if "pong from" in line:
            after = line.split(" in ", 1)[1] if " in " in line else ""
            match = re.match(r"\s*(\d+)", after.split(" ")[0] if after else "")
            if match is None:
                raise CheckFailed(f'Unexpected output: "{line}"')
            return int(match.group(1))
        if "timed out" in line:
            raise CheckFailed(f'Ping timed out: "{line}"')
        if "no matching peer" in line:
            raise CheckFailed(f'Nonexistant or inaccessible due to ACLs: "{line}"')
        if "is local Tailscale IP" in line:
            raise CheckFailed(f'Tailscale only works if used on other machines: "{line}"')
        if line != "":
            raise CheckFailed(f'Unexpected output: "{line}"')
    raise CheckFailed("No output from Tailscale ping")


async def tailscale_output(hostname: str, ctx: CheckContext, timeout: float) -> str:
    try:
        done = await run_program(["tailscale", "ping", "--c", "1", hostname], ctx, timeout)
    except ProgramMissing:
        raise CheckFailed(PREFIX + "tailscale is not installed") from None
    except ProgramTimedOut:
        raise CheckFailed(PREFIX + f"Error: tailscale ping gave no answer in {timeout:g} s") from None
    if done.stderr and done.returncode != 0:
        raise CheckFailed(PREFIX + f"Error: Error in output: {done.stderr}")
    if not done.stdout:
        raise CheckFailed(PREFIX + "Error: No output from Tailscale ping")
    return done.stdout


@register("tailscale-ping")
class TailscalePing(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        timeout = interval_seconds(monitor) * 0.8
        output = await tailscale_output(str(monitor.get("hostname") or ""), ctx, timeout)
        try:
            ping = parse_output(output)
        except CheckFailed as exc:
            raise CheckFailed(PREFIX + f"Error: {exc}") from None
        return CheckResult(msg="OK", ping=ping)
