"""Live events after every stored beat (transcript 07): to the monitor owner's room, in this order —
`maintenanceList` (important beats only), `heartbeat`, `avgPing`, `uptime` 24 / 720 / "1y", then
`certInfo` when TLS info is stored. The monitor id is a NUMBER here (a string only in the login burst).
Nothing is read or sent while the owner has no connected socket.
"""

from __future__ import annotations

import logging

from kuma.shapes.heartbeat import live_beat
from kuma.shapes.jsnum import js_number
from kuma.store.monitors import stored_tls_info
from kuma.views.maintenance import maintenance_list

log = logging.getLogger(__name__)

TLS_TYPES = {"http", "keyword", "json-query", "port", "smtp", "websocket-upgrade", "real-browser", "grpc-keyword"}


def make_listener(app):
    """The BeatEvent listener (kept separate from `register` so tests can drive it directly).

    Everything is read first and then sent under one lock, so the events of two beats that finish at
    the same moment never interleave on the wire.
    """
    import trio

    send_lock = trio.Lock()

    async def on_beat(event) -> None:
        hub = app.hub
        monitor = event.monitor
        user_id = monitor.get("user_id")
        if user_id is None:
            return
        room = str(user_id)
        if hub.room_size(room) <= 0:
            return
        monitor_id = int(monitor["id"])
        outgoing: list[tuple] = []
        if event.important:
            outgoing.append(("maintenanceList", await maintenance_list(app, user_id)))
        set_keys = getattr(event, "set_keys", None)
        outgoing.append(("heartbeat", live_beat(event.beat, monitor.get("type"), set_keys=set_keys)))
        stats = await app.readings.stats(monitor_id)
        outgoing += [
            ("avgPing", monitor_id, js_number(stats["avgPing"])),
            ("uptime", monitor_id, 24, js_number(stats["24"])),
            ("uptime", monitor_id, 720, js_number(stats["720"])),
            ("uptime", monitor_id, "1y", js_number(stats["1y"])),
        ]
        if monitor.get("type") in TLS_TYPES:
            info = await app.db.read(lambda db: stored_tls_info(db, monitor_id))
            if info is not None:
                outgoing.append(("certInfo", monitor_id, info))
        async with send_lock:
            for name, *args in outgoing:
                await hub.emit(name, *args, room=room)

    return on_beat


def register(hub, app) -> None:
    app.monitoring.add_beat_listener(make_listener(app))
