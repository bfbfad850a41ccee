"""`pm2`: a PM2 process (by name or id, in `system_service_name`) is `online`, from `pm2 jlist`.

As Uptime Kuma: `pm2 jlist` gets 5 s; its JSON array becomes (id, name, status) entries; the process is
found by name or by id → UP `PM2 process '<name>' is online.`, else DOWN `… is <status>.` or `… was not
found.`; a failing or missing `pm2` → `Unable to query PM2 process list (<why>).`. The list parsing is pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kuma.monitors._process import ProgramMissing, ProgramTimedOut, run_program, truncated
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

TIMEOUT = 5.0


def process_list(stdout: str, stderr: str) -> list[dict[str, str]]:
    """`pm2 jlist` output → [{id, name, status}] (status lower-cased, `unknown` when absent)."""
    try:
        parsed = json.loads(stdout)
    except ValueError:
        raise CheckFailed(truncated(stderr) or "Unable to parse PM2 process list output.") from None
    if not isinstance(parsed, list):
        raise CheckFailed("Unexpected PM2 process list output.")
    entries = []
    for item in parsed:
        if not isinstance(item, dict):
            continue
        pm_id = str(item["pm_id"]) if item.get("pm_id") is not None else None
        name = str(item["name"]) if item.get("name") else None
        if not pm_id and not name:
            continue
        env = item.get("pm2_env")
        status = env.get("status") if isinstance(env, dict) else None
        text = str(status).lower() if status not in (None, "") else ""
        entries.append({"id": pm_id or name or "", "name": name or pm_id or "", "status": text or "unknown"})
    return entries


def verdict(entries: list[dict[str, str]], wanted: str) -> str:
    entry = next((e for e in entries if wanted in (e["name"], e["id"])), None)
    if entry is None:
        raise CheckFailed(f"PM2 process '{wanted}' was not found.")
    if entry["status"] == "online":
        return f"PM2 process '{wanted}' is online."
    raise CheckFailed(f"PM2 process '{wanted}' is {entry['status']}.")


async def jlist(ctx: CheckContext) -> list[dict[str, str]]:
    try:
        done = await run_program(["pm2", "jlist"], ctx, TIMEOUT)
    except ProgramMissing:
        raise CheckFailed("Unable to query PM2 process list (pm2 is not installed).") from None
    except ProgramTimedOut:
        raise CheckFailed("Unable to query PM2 process list (no answer in 5 s).") from None
    if done.returncode != 0:
        raise CheckFailed(f"Unable to query PM2 process list ({truncated(done.stderr) or done.returncode}).")
    return process_list(done.stdout, done.stderr)


@register("pm2")
class Pm2(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        wanted = str(monitor.get("system_service_name") or "").strip()
        return CheckResult(msg=verdict(await jlist(ctx), wanted))
