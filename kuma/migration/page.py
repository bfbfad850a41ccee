"""What the port answers while `kuma serve` migrates: a page that says how far it is ("migrating: 63 %,
about 2 min left", reloading itself) instead of refusing connections, and the same as JSON at
`/api/migration` for scripts. A bare ASGI app: the real web app is not built until the database is ready."""

from __future__ import annotations

import html
import json
from collections.abc import Awaitable, Callable
from typing import Any

from kuma.migration.progress import Progress, Snapshot, human_duration

PHASES = {
    "starting": "looking at the database",
    "backup": "backing up the database",
    "schema": "updating the schema",
    "stats": "building the statistics from the heartbeat history",
    "done": "starting",
}


def headline(snap: Snapshot) -> str:
    if snap.phase != "stats":
        return f"migrating: {PHASES.get(snap.phase, snap.phase)}"
    left = f", about {human_duration(snap.eta_s)} left" if snap.eta_s is not None else ""
    return f"migrating: {snap.percent:.0f} %{left}"


def status_json(snap: Snapshot) -> dict[str, Any]:
    return {
        "migrating": True,
        "phase": snap.phase,
        "percent": round(snap.percent, 1),
        "done": snap.done,
        "total": snap.total,
        "rowsPerSecond": round(snap.rate),
        "etaSeconds": None if snap.eta_s is None else round(snap.eta_s),
        "msg": headline(snap),
    }


def status_html(snap: Snapshot) -> str:
    text = html.escape(headline(snap))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">'
        f'<title>kuma – {text}</title></head><body style="font-family:sans-serif;margin:3em">'
        f"<h1>kuma is {text}</h1><p>The Uptime Kuma 1.x database is being brought to 2.x; "
        "this page reloads itself and the dashboard opens when it is done.</p></body></html>"
    )


Send = Callable[[dict[str, Any]], Awaitable[None]]


def progress_app(progress: Progress) -> Callable[..., Awaitable[None]]:
    """A bare ASGI app showing the migration's progress while it runs, before the real app exists."""

    async def app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]], send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        snap = progress.snapshot
        if scope.get("path") == "/api/migration":
            body, kind = json.dumps(status_json(snap)).encode(), b"application/json; charset=utf-8"
        else:
            body, kind = status_html(snap).encode(), b"text/html; charset=utf-8"
        headers = [(b"content-type", kind), (b"retry-after", b"3"), (b"cache-control", b"no-store")]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app
