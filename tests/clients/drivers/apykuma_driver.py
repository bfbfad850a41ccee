"""Drive apykuma's public functions (`ping`, `start`) against a running kuma's push route. Runs in apykuma's
own venv; prints `RESULTS {...}`."""
from __future__ import annotations

import asyncio
import inspect
import json
import sys

import aiohttp
import apykuma

CONFIG = json.loads(sys.argv[1])
results: dict[str, dict] = {}


async def main() -> None:
    functions = sorted(n for n, f in inspect.getmembers(apykuma, inspect.isfunction)
                       if not n.startswith("_") and f.__module__ == "apykuma")
    async with aiohttp.ClientSession() as session:
        response = await apykuma.ping(session, CONFIG["push"] + "?status=up&msg=ping-once&ping=5")
        results["ping"] = {"ok": True, "value": {"status": response.status}}
        missing = await apykuma.ping(session, CONFIG["missing"])
        results["ping(unknown token)"] = {"ok": True, "value": {"status": missing.status}}
    errors: list[str] = []

    async def on_error(exc: Exception) -> None:
        errors.append(type(exc).__name__)

    real_ping, pings = apykuma.ping, []

    async def counted(session, url):  # the loop looks `ping` up on the module at each round
        response = await real_ping(session, url)
        pings.append(response.status)
        return response

    apykuma.ping = counted
    task = await apykuma.start(CONFIG["push"] + "?status=up&msg=from-start", interval=1)
    failing = await apykuma.start(CONFIG["closed"], interval=1, handle_exception=on_error)
    for _ in range(600):  # the first round at once, the next after `interval` (bounded: 60 s on a busy machine)
        if len(pings) >= 2 and len(errors) >= 2:
            break
        await asyncio.sleep(0.1)
    for running in (task, failing):
        running.cancel()
    await asyncio.gather(task, failing, return_exceptions=True)
    results["start"] = {"ok": True, "value": {"errors": errors[:2], "pings": pings[:2]}}
    print("RESULTS " + json.dumps({"methods": functions, "results": results}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
