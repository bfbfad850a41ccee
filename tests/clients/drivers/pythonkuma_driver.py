"""Drive every public method of pythonkuma (`UptimeKuma.metrics`, `UpdateChecker.latest_release`) against a
running kuma that the pytest side set up (an admin, monitors with beats, an API key). Runs in pythonkuma's
own venv; prints `RESULTS {...}`: per call `{"ok", "value" | "error"}`.

`latest_release` asks GitHub's API, not the server: its base URL is pointed at the local stand-in, which
answers as GitHub's `releases/latest` does."""
from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
import sys
import traceback

import aiohttp
import pythonkuma
import pythonkuma.update
from yarl import URL

CONFIG = json.loads(sys.argv[1])
results: dict[str, dict] = {}


def plain(value):
    def convert(o):
        if hasattr(o, "to_dict"):
            return o.to_dict()
        return dataclasses.asdict(o) if dataclasses.is_dataclass(o) else str(o)

    return json.loads(json.dumps(value, default=convert))


async def rec(name: str, call):
    try:
        value = await call()
    except Exception as exc:  # noqa: BLE001 - the error is the result
        results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-1500:]}
        return None
    results[name] = {"ok": True, "value": plain(value)}
    return value


def methods() -> list[str]:
    return sorted(f"{cls.__name__}.{name}" for cls in (pythonkuma.UptimeKuma, pythonkuma.update.UpdateChecker)
                  for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_"))


async def main() -> None:
    async with aiohttp.ClientSession() as session:
        kuma = pythonkuma.UptimeKuma(session, CONFIG["url"], api_key=CONFIG["api_key"])
        monitors = await rec("UptimeKuma.metrics", kuma.metrics)
        if monitors is not None:
            results["UptimeKuma.metrics"]["version"] = kuma.version.to_dict()
            results["UptimeKuma.metrics"]["value"] = {str(k): {**v.to_dict(), "monitor_status": v.monitor_status.name,
                                                               "monitor_type": v.monitor_type.value}
                                                      for k, v in monitors.items()}
        await rec("UptimeKuma.metrics(wrong key)",
                  pythonkuma.UptimeKuma(session, CONFIG["url"], api_key="uk1_wrong").metrics)
        await rec("UptimeKuma.metrics(no key)", pythonkuma.UptimeKuma(session, CONFIG["url"]).metrics)
        pythonkuma.update.BASE_URL = URL(CONFIG["github"])
        await rec("UpdateChecker.latest_release", pythonkuma.update.UpdateChecker(session).latest_release)
    print("RESULTS " + json.dumps({"methods": methods(), "results": results}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
