"""The alert policy: what happens to an alert between the beat rules and the providers.

The notifier hands every committed beat here (`on_beat`). Beats that Uptime Kuma would alert on pass
through four gates, each a pure rule in `kuma/rules/`:

1. **dependencies** — a DOWN while an upstream is not up is *held*: the beat is stored and shown as
   usual, only its alert is not sent (and its UP, when it comes first, is not either). Once no
   upstream blocks, a still-DOWN dependant alerts after its own retries (maxretries + 1 DOWN beats).
   A DOWN of a dependant whose upstreams look fine waits a short grace (the upstreams' own time to
   declare DOWN, ≤ 120 s) so that the upstream, failing at the same moment, wins the race. The alert of
   an upstream names what is behind it.
2. **flapping** — too many changes in a window: one "flapping" alert, then quiet until stable;
3. **storm control** — server-wide: many alerts at once become one summary per channel;
4. **escalation** — an outage that lasts gets the escalation channels, and repeats until acknowledged.

Timers (grace, flapping settle, storm batch, escalation) run in `run()` on Trio's clock, so tests can
drive them with MockClock. With nothing configured every gate is open: alerts are exactly Uptime Kuma's.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from typing import Any, Protocol

import trio

from kuma.alerts.config import DEFAULT, MonitorAlerting, parse_monitor
from kuma.rules import dependencies, flapping, storm
from kuma.rules.escalation import Action, Outage, due, next_deadline
from kuma.status import DOWN, MAINTENANCE, UP
from kuma.store import alerting as store

log = logging.getLogger(__name__)

GRACE_CAP = 120.0  # seconds a dependant's DOWN waits at most for its upstream to fail too


class Sender(Protocol):
    """What the policy needs of the notifier."""

    async def send_alert(self, event: Any, *, extra: str = "", to: list[int] | None = None) -> None: ...
    async def send_text(self, monitor_id: int, msg: str, to: list[int] | None = None) -> None: ...


@dataclass
class Held:
    """A dependant whose DOWN alert was held back; `clear_downs` counts DOWN beats since nothing blocks."""

    event: Any
    clear_downs: int = 0


@dataclass
class Pending:
    """A DOWN waiting out the grace before it is sent (an upstream may still fail)."""

    event: Any
    until: float


class AlertPolicy:
    """Between the beat rules and the providers: each alert passes the four gates (dependencies,
    flapping, storm control, escalation; see the module docstring), so one outage's cascade reaches
    people as a few messages, not hundreds."""

    def __init__(self, app: Any, sender: Sender) -> None:
        self.app = app
        self.sender = sender
        self.edges: dict[int, list[int]] = {}
        self.settings: dict[int, MonitorAlerting] = {}
        self.storm = storm.StormSettings()
        self.status: dict[int, int] = {}  # latest status per monitor, from the beats seen (and the boot read)
        self.rows: dict[int, dict[str, Any]] = {}  # latest monitor row seen per monitor
        self.held: dict[int, Held] = {}
        self.pending: dict[int, Pending] = {}
        self.flaps: dict[int, flapping.FlapState] = {}
        self.outages: dict[int, tuple[Outage, Any]] = {}  # monitor → (outage, its DOWN event)
        self.batch: storm.Batch | None = None
        self._batch_events: dict[int, Any] = {}  # id(HeldAlert) → event, to send one on its own
        self._wake = trio.Event()

    # -- configuration ----------------------------------------------------------------------------
    async def load(self) -> None:
        """Read the dependencies and settings (at start and after every change)."""

        def read(db: Any) -> tuple[dict, dict, dict, dict]:
            edges = store.all_dependencies(db)
            upstreams = sorted({u for ups in edges.values() for u in ups})
            return (
                edges,
                store.all_monitor_settings(db),
                store.server_settings(db),
                store.latest_statuses(db, upstreams),
            )

        edges, raw, server, statuses = await self.app.db.read(read)
        self.edges = edges
        self.settings = {mid: self._parsed(mid, data) for mid, data in raw.items()}
        self.storm = storm.StormSettings(
            threshold=int(server.get("stormThreshold", 0)), window=float(server.get("stormWindowSeconds", 30))
        )
        for mid, status in statuses.items():
            self.status.setdefault(mid, status)
        self._wake.set()

    @staticmethod
    def _parsed(monitor_id: int, data: Any) -> MonitorAlerting:
        try:
            return parse_monitor(data)
        except ValueError:
            log.warning("alerting settings of monitor %s are unreadable; using the defaults", monitor_id)
            return DEFAULT

    def of(self, monitor_id: int) -> MonitorAlerting:
        """A monitor's settings; its upstreams are the dependency rows (which go when an upstream is deleted)."""
        settings = self.settings.get(monitor_id, DEFAULT)
        return replace(settings, depends_on=tuple(self.edges.get(monitor_id, ())))

    def is_flapping(self, monitor_id: int) -> bool:
        state = self.flaps.get(monitor_id)
        return bool(state and state.flapping)

    def _status_of(self, monitor_id: int) -> int | None:
        if self.app.maintenance.is_under_maintenance(monitor_id):
            return MAINTENANCE
        return self.status.get(monitor_id)

    def forget(self, monitor_id: int) -> None:
        """A deleted monitor: it neither depends nor blocks any more (its rows went with it)."""
        self.edges.pop(monitor_id, None)
        for upstreams in self.edges.values():
            if monitor_id in upstreams:
                upstreams.remove(monitor_id)
        for table in (self.settings, self.status, self.rows, self.held, self.pending, self.flaps, self.outages):
            table.pop(monitor_id, None)

    def acknowledge(self, monitor_id: int) -> bool:
        """Stop the repeats and escalation of the current outage; False when there is none."""
        found = self.outages.get(monitor_id)
        if found is None:
            return False
        found[0].acknowledged = True
        self._wake.set()
        return True

    # -- beats ------------------------------------------------------------------------------------
    async def on_beat(self, event: Any, alert: bool) -> None:
        """Every committed beat; `alert` says whether Uptime Kuma would send it."""
        monitor_id, status = self._note(event)
        if not alert:
            await self._quiet_beat(monitor_id, status)
            return
        if await self._dependency_gate(event, monitor_id, status):
            return
        await self._after_dependencies(event)

    def take_quiet_beat(self, event: Any) -> bool:
        """A beat without an alert, taken at once (True) unless a held dependant may be due now (False: it
        goes through `on_beat`, which may send)."""
        if int(event.beat["status"]) == DOWN and int(event.monitor["id"]) in self.held:
            return False
        self._note(event)
        return True

    def _note(self, event: Any) -> tuple[int, int]:
        """What every beat updates: the monitor's status and row; an UP ends its grace wait."""
        monitor_id, status = int(event.monitor["id"]), int(event.beat["status"])
        self.status[monitor_id] = status
        self.rows[monitor_id] = event.monitor
        if status == UP:
            self.pending.pop(monitor_id, None)
        return monitor_id, status

    async def _quiet_beat(self, monitor_id: int, status: int) -> None:
        """A beat without an alert: a held dependant may be due to alert now."""
        held = self.held.get(monitor_id)
        if held is None or status != DOWN:
            return
        if dependencies.blocking_upstreams(monitor_id, self.edges, self._status_of):
            held.clear_downs = 0
            return
        held.clear_downs += 1
        if held.clear_downs > int(held.event.monitor.get("maxretries") or 0):
            del self.held[monitor_id]
            await self._after_dependencies(held.event)

    async def _dependency_gate(self, event: Any, monitor_id: int, status: int) -> bool:
        """True when the dependency rule takes the alert (held, dropped, or waiting out the grace)."""
        if status == UP and self.held.pop(monitor_id, None) is not None:
            return True  # its DOWN was never sent: neither is this UP
        if status != DOWN or not self.edges.get(monitor_id):
            return False
        if dependencies.blocking_upstreams(monitor_id, self.edges, self._status_of):
            self.held[monitor_id] = Held(event)
            return True
        grace = self._grace(monitor_id)
        if grace > 0 and event.previous_status != DOWN:
            self.pending[monitor_id] = Pending(event, trio.current_time() + grace)
            self._wake.set()
            return True
        return False

    def _grace(self, monitor_id: int) -> float:
        """How long an upstream needs to declare DOWN, with one interval to spare: interval × (retries + 2), capped."""
        longest = 0.0
        for upstream in self.edges.get(monitor_id, ()):
            row = self.rows.get(upstream)
            if row is None:
                continue
            longest = max(longest, float(row.get("interval") or 0) * (int(row.get("maxretries") or 0) + 2))
        return min(longest, GRACE_CAP)

    async def _after_dependencies(self, event: Any) -> None:
        monitor_id, status = int(event.monitor["id"]), int(event.beat["status"])
        if event.previous_status != status:
            verdict = flapping.observe_change(
                self._flap_state(monitor_id), trio.current_time(), self.of(monitor_id).flapping
            )
            if verdict is not flapping.Verdict.SEND:
                self._wake.set()  # the settle deadline moved
            if verdict is flapping.Verdict.HOLD:
                return
            if verdict is flapping.Verdict.START:
                await self._send_flapping(event)
                return
        elif self.is_flapping(monitor_id):
            return  # a resend of a flapping monitor
        self._track_outage(event, monitor_id, status)
        await self._dispatch(event)

    def _flap_state(self, monitor_id: int) -> flapping.FlapState:
        return self.flaps.setdefault(monitor_id, flapping.FlapState())

    def _track_outage(self, event: Any, monitor_id: int, status: int) -> None:
        if status == DOWN and monitor_id not in self.outages and self.of(monitor_id).escalation.enabled:
            now = trio.current_time()
            self.outages[monitor_id] = (Outage(since=now, last_sent=now), event)
            self._wake.set()
        elif status == UP:
            self.outages.pop(monitor_id, None)

    # -- sending ----------------------------------------------------------------------------------
    async def _dispatch(self, event: Any) -> None:
        """Send now, or into the storm batch when storm control is on."""
        status = int(event.beat["status"])
        if not self.storm.enabled or status not in (DOWN, UP):
            await self._send(event)
            return
        channels = await self.app.db.read(lambda db: store.linked_notification_ids(db, int(event.monitor["id"])))
        held = storm.HeldAlert(
            monitor_id=int(event.monitor["id"]),
            name=str(event.monitor.get("name") or ""),
            status=status,
            msg=str(event.beat.get("msg") or ""),
            time=str(event.beat.get("time") or ""),
            channels=tuple(channels),
        )
        if self.batch is None:
            self.batch = storm.Batch(opened_at=trio.current_time())
            self._wake.set()
        self.batch.alerts.append(held)
        self._batch_events[id(held)] = event

    async def _send(self, event: Any, to: list[int] | None = None) -> None:
        """One alert, with the dependants named when it is an upstream's DOWN."""
        extra = ""
        monitor_id = int(event.monitor["id"])
        if int(event.beat["status"]) == DOWN:
            behind = dependencies.dependants_of(monitor_id, self.edges)
            if behind:
                names = await self.app.db.read(lambda db: store.monitor_names(db, behind))
                extra = f"\nDependants affected ({len(behind)}): " + ", ".join(names[i] for i in behind if i in names)
        await self.sender.send_alert(event, extra=extra, to=to)

    async def _send_flapping(self, event: Any) -> None:
        settings = self.of(int(event.monitor["id"])).flapping
        name = event.monitor.get("name") or ""
        msg = (
            f"[{name}] [〰️ Flapping] more than {settings.threshold} state changes in {settings.window / 60:g} min; "
            f"alerts are paused until it is stable for {settings.stable / 60:g} min"
        )
        await self.sender.send_text(int(event.monitor["id"]), msg)

    # -- timers -----------------------------------------------------------------------------------
    async def run(self) -> None:
        """Sleep until the next deadline (or a change), then do what is due. Runs for the notifier's life."""
        while True:
            deadline = self._next_deadline()
            with trio.move_on_at(deadline):
                await self._wake.wait()
            self._wake = trio.Event()
            try:
                await self._due(trio.current_time())
            except Exception:
                log.exception("alert timers failed")

    def _next_deadline(self) -> float:
        times = [p.until for p in self.pending.values()]
        if self.batch is not None:
            times.append(storm.closes_at(self.batch, self.storm))
        for monitor_id, state in self.flaps.items():
            settle = flapping.settle_deadline(state, self.of(monitor_id).flapping)
            if settle is not None:
                times.append(settle)
        for monitor_id, (outage, _) in self.outages.items():
            at = next_deadline(outage, self.of(monitor_id).escalation)
            if at is not None:
                times.append(at)
        return min(times, default=math.inf)

    async def _due(self, now: float) -> None:
        for monitor_id, waiting in list(self.pending.items()):
            if waiting.until <= now:
                del self.pending[monitor_id]
                await self._release_pending(monitor_id, waiting.event)
        for monitor_id, state in list(self.flaps.items()):
            if flapping.settled(state, now, self.of(monitor_id).flapping):
                await self._send_settled(monitor_id)
        if self.batch is not None and storm.closes_at(self.batch, self.storm) <= now:
            batch, self.batch = self.batch, None
            await self._release_batch(batch)
        for monitor_id, (outage, event) in list(self.outages.items()):
            for action in due(outage, now, self.of(monitor_id).escalation):
                to = list(self.of(monitor_id).escalation.channels) if action is Action.ESCALATE else None
                await self._send(event, to=to)
                if action is Action.REPEAT and outage.escalated:
                    await self._send(event, to=list(self.of(monitor_id).escalation.channels))

    async def _release_pending(self, monitor_id: int, event: Any) -> None:
        if self.status.get(monitor_id) != DOWN:
            return  # recovered meanwhile: its DOWN and UP both stay unsent
        if dependencies.blocking_upstreams(monitor_id, self.edges, self._status_of):
            self.held[monitor_id] = Held(event)
            return
        await self._after_dependencies(event)

    async def _send_settled(self, monitor_id: int) -> None:
        row = self.rows.get(monitor_id, {})
        status = self.status.get(monitor_id)
        word = "✅ Up" if status == UP else "🔴 Down" if status == DOWN else "Pending"
        await self.sender.send_text(monitor_id, f"[{row.get('name') or ''}] [{word}] stable again after flapping")

    async def _release_batch(self, batch: storm.Batch) -> None:
        events, self._batch_events = self._batch_events, {}
        decided = storm.release(batch, self.storm)
        for alert in decided.single:
            await self._send(events[id(alert)])
        for channel, status, alerts in decided.summaries:
            await self.sender.send_text(alerts[0].monitor_id, storm.summary_message(status, alerts), to=[channel])
