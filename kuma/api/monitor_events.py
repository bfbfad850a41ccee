"""Live events after every stored beat (transcript 07): to the monitor owner's room, in this order —
`maintenanceList` (important beats only), `heartbeat`, `avgPing`, `uptime` 24 / 720 / "1y", then
`certInfo` when TLS info is stored. The monitor id is a NUMBER here (a string only in the login burst).
Nothing is read or sent while the owner has no connected socket.
"""
from __future__ import annotations

import logging
from typing import Any

from kuma.app import import_area
from kuma.shapes.heartbeat import live_beat

log = logging.getLogger(__name__)

TLS_TYPES = {"http", "keyword", "json-query", "port", "smtp", "websocket-upgrade", "real-browser", "grpc-keyword"}


def _stored_tls_info(db, monitor_id: int) -> str | None:
    row = db.conn.execute("SELECT info_json FROM monitor_tls_info WHERE monitor_id = ?", (monitor_id,)).fetchone()
    return None if row is None else row[0]


async def _stats(app, service, monitor_id: int) -> dict[str, Any]:
    """{"avgPing", "24", "720", "1y"} from the engine (one read when it offers `stats`)."""
    if hasattr(service, "stats"):
        return await service.stats(monitor_id)
    return {
        "avgPing": await service.avg_ping(monitor_id),
        "24": await service.uptime(monitor_id, 24),
        "720": await service.uptime(monitor_id, 720),
        "1y": await service.uptime(monitor_id, "1y"),
    }


def make_listener(app):
    """The BeatEvent listener (kept separate from `register` so tests can drive it directly)."""

    async def on_beat(event) -> None:
        hub = app.extensions.get("hub")
        service = app.extensions.get("monitoring")
        monitor = event.monitor
        user_id = monitor.get("user_id")
        if hub is None or user_id is None:
            return
        room = str(user_id)
        if hub.room_size(room) <= 0:
            return
        monitor_id = int(monitor["id"])
        if event.important:
            shapes = import_area("kuma.shapes.maintenance")
            maintenance_list = getattr(shapes, "maintenance_list", None)
            if maintenance_list is not None:
                await hub.emit("maintenanceList", await maintenance_list(app, user_id), room=room)
        set_keys = getattr(event, "set_keys", None)
        await hub.emit("heartbeat", live_beat(event.beat, monitor.get("type"), set_keys=set_keys or None), room=room)
        if service is not None:
            stats = await _stats(app, service, monitor_id)
            await hub.emit("avgPing", monitor_id, stats["avgPing"], room=room)
            await hub.emit("uptime", monitor_id, 24, stats["24"], room=room)
            await hub.emit("uptime", monitor_id, 720, stats["720"], room=room)
            await hub.emit("uptime", monitor_id, "1y", stats["1y"], room=room)
        if monitor.get("type") in TLS_TYPES:
            info = await app.db.read(lambda db: _stored_tls_info(db, monitor_id))
            if info is not None:
                await hub.emit("certInfo", monitor_id, info, room=room)

    return on_beat


def register(hub, app) -> None:
    service = app.extensions.get("monitoring")
    if service is not None and hasattr(service, "add_beat_listener"):
        service.add_beat_listener(make_listener(app))
