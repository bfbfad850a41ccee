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
from kuma.shapes.jsnum import js_number

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
    """The BeatEvent listener (kept separate from `register` so tests can drive it directly).

    Everything is read first and then sent under one lock, so the events of two beats that finish at
    the same moment never interleave on the wire.
    """
    import trio

    send_lock = trio.Lock()

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
        outgoing: list[tuple] = []
        if event.important:
            shapes = import_area("kuma.shapes.maintenance")
            maintenance_list = getattr(shapes, "maintenance_list", None)
            if maintenance_list is not None:
                outgoing.append(("maintenanceList", await maintenance_list(app, user_id)))
        set_keys = getattr(event, "set_keys", None)
        outgoing.append(("heartbeat", live_beat(event.beat, monitor.get("type"), set_keys=set_keys)))
        if service is not None:
            stats = await _stats(app, service, monitor_id)
            outgoing += [
                ("avgPing", monitor_id, js_number(stats["avgPing"])),
                ("uptime", monitor_id, 24, js_number(stats["24"])),
                ("uptime", monitor_id, 720, js_number(stats["720"])),
                ("uptime", monitor_id, "1y", js_number(stats["1y"])),
            ]
        if monitor.get("type") in TLS_TYPES:
            info = await app.db.read(lambda db: _stored_tls_info(db, monitor_id))
            if info is not None:
                outgoing.append(("certInfo", monitor_id, info))
        async with send_lock:
            for name, *args in outgoing:
                await hub.emit(name, *args, room=room)

    return on_beat


def register(hub, app) -> None:
    service = app.extensions.get("monitoring")
    if service is not None and hasattr(service, "add_beat_listener"):
        service.add_beat_listener(make_listener(app))
