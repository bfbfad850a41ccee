"""`GET /api/v1/health`: the server answers and its database reads (any valid key)."""

from __future__ import annotations

from typing import Any

from kuma import __version__
from kuma.rest.v1.routing import Api, Call
from kuma.rest.v1.schema import Field, Schema
from kuma.store.monitors_write import active_monitor_ids

api = Api()

HEALTH = Schema(
    "Health",
    {
        "ok": Field("boolean", required=True),
        "version": Field("string", required=True),
        "activeMonitors": Field("integer", required=True),
    },
)


@api.get("/health", "Is the server up and its database readable", "health", response=HEALTH)
async def health(call: Call) -> dict[str, Any]:
    active = await call.app.db.read(active_monitor_ids)
    return {"ok": True, "version": __version__, "activeMonitors": len(active)}
