"""Live events after every stored beat (transcript 07): to the monitor owner's room, in this order —
`maintenanceList` (important beats only), `heartbeat`, `avgPing`, `uptime` 24 / 720 / "1y", then
`certInfo` when TLS info is stored. The monitor id is a NUMBER here (a string only in the login burst).
Nothing is read or sent while the owner has no connected socket.

The engine's listener (`LiveBeats.on_beat`) only queues the beat, so a push is answered without waiting
for the fan-out; one task then sends everything queued: the stats of all its monitors in one read, the
events of each room in one `emit_many`, in the order the beats were stored.
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


class LiveBeats:
    """Queues stored beats whose owner is connected and sends them in batches (arrival order kept)."""

    def __init__(self, app) -> None:
        self.app = app
        self.pending: list = []
        self.flushing = False

    async def on_beat(self, event) -> None:
        user_id = event.monitor.get("user_id")
        if user_id is None or self.app.hub.room_size(str(user_id)) <= 0:
            return
        self.pending.append(event)
        if not self.flushing:
            self.flushing = True
            self.app.start_soon(self._flush)

    async def _flush(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                try:
                    await send_batch(self.app, batch)
                except Exception:
                    log.exception("live beat events of %d beats failed", len(batch))
        finally:
            self.flushing = False


async def send_batch(app, batch: list) -> None:
    """The events of many beats: one read for every monitor's stats and TLS info, one emit per room."""
    ids = sorted({int(e.monitor["id"]) for e in batch})
    tls_ids = [int(e.monitor["id"]) for e in batch if e.monitor.get("type") in TLS_TYPES]
    reader = app.readings.stats_many_reader(ids)

    def read(db):
        return reader(db), {i: stored_tls_info(db, i) for i in tls_ids}

    stats_by_id, tls_by_id = await app.db.read(read)
    maintenance: dict = {}
    by_room: dict[str, list] = {}
    for event in batch:
        monitor = event.monitor
        user_id, monitor_id = monitor["user_id"], int(monitor["id"])
        outgoing = by_room.setdefault(str(user_id), [])
        if event.important:
            if user_id not in maintenance:
                maintenance[user_id] = await maintenance_list(app, user_id)
            outgoing.append(("maintenanceList", (maintenance[user_id],)))
        outgoing.append(("heartbeat", (live_beat(event.beat, monitor.get("type"), set_keys=event.set_keys),)))
        stats = stats_by_id[monitor_id]
        outgoing += [
            ("avgPing", (monitor_id, js_number(stats["avgPing"]))),
            ("uptime", (monitor_id, 24, js_number(stats["24"]))),
            ("uptime", (monitor_id, 720, js_number(stats["720"]))),
            ("uptime", (monitor_id, "1y", js_number(stats["1y"]))),
        ]
        info = tls_by_id.get(monitor_id)
        if info is not None:
            outgoing.append(("certInfo", (monitor_id, info)))
    for room, events in by_room.items():
        await app.hub.emit_many(events, room=room)


def register(hub, app) -> None:
    app.monitoring.add_beat_listener(LiveBeats(app).on_beat)
