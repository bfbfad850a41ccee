"""The notifier: turns committed beats into provider sends, off the monitor's path.

The engine's beat listener only drops the event into a queue (never delays a check). The dispatcher
hands each monitor's events to that monitor's lane, which handles them in order: it reads what the message needs (linked notifications, monitor JSON, last
DOWN time, server timezone) and starts one delivery task per provider; each delivery has a timeout
and a bounded number of retries, and a failure is logged without touching the others.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import trio

from kuma.alerts.policy import AlertPolicy
from kuma.notifications import cert_expiry
from kuma.notifications.base import NotificationError, send_notification
from kuma.notifications.payloads import event_message, heartbeat_json, should_notify
from kuma.store import notifications as store
from kuma.store.settings import get_setting, server_timezone
from kuma.views.monitors import monitor_public_json

if TYPE_CHECKING:
    from kuma.monitoring.beat import BeatEvent

log = logging.getLogger(__name__)

Sender = Callable[[dict, str, dict | None, dict | None], Awaitable[str]]


class Notifier:
    """Turns committed beats into provider sends off the monitor's path: one lane per monitor keeps its
    order, a shared limiter caps the sockets an outage opens (see the module docstring)."""

    def __init__(
        self,
        app: Any,
        *,
        send: Sender = send_notification,
        attempts: int = 3,
        timeout: float = 30.0,
        retry_delay: float = 2.0,
        max_parallel: int = 32,
    ) -> None:
        self.app = app
        self.send = send
        self.attempts = attempts
        self.timeout = timeout
        self.retry_delay = retry_delay
        self._events_in, self._events_out = trio.open_memory_channel[Any](math.inf)
        self._nursery: trio.Nursery | None = None
        self._limiter = trio.CapacityLimiter(max_parallel)  # an outage of 1,000 monitors ≠ 1,000 sockets at once
        self._lanes: dict[int, trio.MemorySendChannel] = {}  # per-monitor queues keep each monitor's order
        self._fingerprints: dict[int, str] = {}  # leaf certificate seen last, per monitor
        self._linked: set[int] | None = None  # monitors with a notification linked, as of `_linked_stamp`
        self._linked_stamp = -1
        self.deliveries = 0  # counters for tests and benchmarks
        self.failures = 0
        #: dependencies, flapping, storm control, escalation (kuma/alerts/policy.py): between beat and send
        self.policy = AlertPolicy(app, self)

    # -- entry points ----------------------------------------------------------------------------
    async def on_beat(self, event: Any) -> None:
        """Beat listener: queue and return at once (the alert policy sees every beat)."""
        self._events_in.send_nowait(event)

    async def run(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        """The dispatcher service: one lane per monitor handles its beats in order (monitors in parallel);
        deliveries run in their own tasks."""
        await self.policy.load()
        async with trio.open_nursery() as nursery:
            self._nursery = nursery
            nursery.start_soon(self.policy.run)
            task_status.started()
            async for event in self._events_out:
                monitor_id = event.monitor["id"]
                lane = self._lanes.get(monitor_id)
                if lane is None:
                    if self._handled_at_once(event):
                        continue
                    lane, lane_out = trio.open_memory_channel[Any](math.inf)
                    self._lanes[monitor_id] = lane
                    nursery.start_soon(self._run_lane, monitor_id, lane_out)
                lane.send_nowait(event)

    async def _run_lane(self, monitor_id: int, events: trio.MemoryReceiveChannel) -> None:
        """Handle one monitor's queued beats in order; the lane ends when it is empty."""
        while True:
            try:
                event = events.receive_nowait()
            except trio.WouldBlock:
                del self._lanes[monitor_id]  # no await since the check: no event can slip in between
                return
            try:
                await self.handle_beat(event)
            except Exception:
                log.exception("notification dispatch failed for a beat of monitor %s", monitor_id)

    async def notify_monitor(self, monitor_id: int, msg: str) -> int:
        """Send a plain message (expiry warnings) to every notification linked to a monitor."""
        rows = await self.app.db.read(lambda db: store.notifications_of_monitor(db, monitor_id))
        for row in rows:
            self._spawn(store.parse_config(row), msg, None, None, f"notification {row['id']}")
        return len(rows)

    # -- beats -----------------------------------------------------------------------------------
    async def handle_beat(self, event: BeatEvent) -> None:
        await self.policy.on_beat(event, self._alert(event))
        if self._may_warn(event):
            await self.check_certificate(event.monitor, event.tls_info)

    def _handled_at_once(self, event: BeatEvent) -> bool:
        """A beat that sends nothing (no alert, no certificate check, nothing held by the policy) is done here,
        without a lane task: most beats are such (issue #14). False: it goes through a lane."""
        try:
            if self._alert(event) or (self._may_warn(event) and not self._surely_unlinked(event.monitor["id"])):
                return False
            return self.policy.take_quiet_beat(event)
        except Exception:
            log.exception("notification dispatch failed for a beat of monitor %s", event.monitor.get("id"))
            return True

    def _alert(self, event: BeatEvent) -> bool:
        """Whether Uptime Kuma would send this beat (before the alert policy)."""
        return should_notify(
            notify=event.notify,
            is_first=event.is_first,
            status=event.beat["status"],
            under_maintenance=self._under_maintenance(event.monitor["id"]),
        )

    @staticmethod
    def _may_warn(event: BeatEvent) -> bool:
        """Whether this beat gets a certificate expiry check (UP, enabled, not a push: it has no certificate)."""
        monitor = event.monitor
        return (
            event.beat.get("status") == 1
            and bool(monitor.get("expiry_notification"))
            and not monitor.get("ignore_tls")
            and event.source != "push"
        )

    async def _has_links(self, monitor_id: int) -> bool:
        """Whether any notification is linked to the monitor, from a set read again after any write that is
        not a beat (`Database.changes`, beats are written `routine`): 10,000 monitors going DOWN at once cost
        one read, not 10,000."""
        stamp = self.app.db.changes
        if self._linked is None or stamp != self._linked_stamp:
            self._linked = set(await self.app.db.read(store.linked_monitor_ids))
            self._linked_stamp = stamp
        return monitor_id in self._linked

    def _surely_unlinked(self, monitor_id: int) -> bool:
        """No notification linked, by a still-valid `_has_links` set (a stale one: False, the lane reads it)."""
        if self._linked is None or self.app.db.changes != self._linked_stamp:
            return False
        return monitor_id not in self._linked

    async def send_alert(self, event: BeatEvent, *, extra: str = "", to: list[int] | None = None) -> None:
        """A beat's alert as Uptime Kuma sends it (the policy decided it goes out); `extra` is appended to
        the message, `to` names other notifications than the monitor's own (escalation, storm summaries)."""
        await self._send_beat(event.monitor, event.beat, event.set_keys, extra=extra, to=to)

    async def send_text(self, monitor_id: int, msg: str, to: list[int] | None = None) -> None:
        """A plain message (no heartbeat/monitor payload) to the monitor's notifications or to `to`."""
        rows = await self.app.db.read(lambda db: self._targets(db, monitor_id, to))
        for row in rows:
            self._spawn(store.parse_config(row), msg, None, None, f"notification {row['id']}")

    @staticmethod
    def _targets(db: Any, monitor_id: int, to: list[int] | None) -> list[dict]:
        if to is None:
            return store.notifications_of_monitor(db, monitor_id)
        found = (store.get_notification(db, notification_id) for notification_id in to)
        return [row for row in found if row is not None]

    async def _send_beat(
        self,
        monitor: Mapping[str, Any],
        beat: dict,
        set_keys: frozenset[str] | None = None,
        *,
        extra: str = "",
        to: list[int] | None = None,
    ) -> None:
        monitor_id = monitor["id"]
        if to is None and not await self._has_links(monitor_id):
            return

        def load(db):
            rows = self._targets(db, monitor_id, to)
            if not rows:
                return rows, None, None
            down = store.last_important_down_time(db, monitor_id, beat.get("time")) if beat.get("status") == 1 else None
            return rows, down, server_timezone(db)

        rows, last_down, tz_name = await self.app.db.read(load)
        if not rows:
            return
        monitor_json = await public_monitor_json(self.app, monitor)
        hb = heartbeat_json(beat, monitor.get("type"), tz_name, last_down, set_keys, now=self.app.clock.utcnow())
        msg = event_message(monitor.get("name") or "", int(beat["status"]), beat.get("msg") or "") + extra
        for row in rows:
            self._spawn(store.parse_config(row), msg, monitor_json, hb, f"notification {row['id']}")

    async def check_certificate(self, monitor: Mapping[str, Any], tls_info: dict | None = None) -> None:
        """Expiry warnings for the TLS chain the check saw (the event's, else the stored one)."""
        monitor_id = monitor["id"]
        if not await self._has_links(monitor_id):
            return

        def load(db):
            linked = store.notifications_of_monitor(db, monitor_id)
            if not linked:
                return None, None
            return (tls_info or store.tls_info(db, monitor_id)), get_setting(db, "tlsExpiryNotifyDays")

        info, days_setting = await self.app.db.read(load)
        if not info:
            return
        fingerprint = cert_expiry.leaf_fingerprint(info)
        previous = self._fingerprints.get(monitor_id)
        if fingerprint:
            self._fingerprints[monitor_id] = fingerprint
        if previous and fingerprint and previous != fingerprint:
            await self.app.db.write(lambda db: store.clear_cert_warnings(db, monitor_id))
        sent = await self.app.db.read(lambda db: store.sent_certificate_days(db, monitor_id))
        due = cert_expiry.due_warnings(
            monitor.get("name") or "",
            monitor.get("url") or "",
            info,
            cert_expiry.thresholds(days_setting),
            lambda days: any(d <= days for d in sent),
        )
        for days, msg in due:
            await self.app.db.write(lambda db, d=days: store.record_cert_warning(db, monitor_id, d))
            await self.notify_monitor(monitor_id, msg)

    # -- delivery --------------------------------------------------------------------------------
    def _spawn(self, config: dict, msg: str, monitor_json: dict | None, hb: dict | None, label: str) -> None:
        nursery = self._nursery or self.app.nursery
        if nursery is None:
            log.warning("notifier not running: %s dropped", label)
            return
        nursery.start_soon(self.deliver, config, msg, monitor_json, hb, label)

    async def deliver(
        self, config: dict, msg: str, monitor_json: dict | None, hb: dict | None, label: str = "notification"
    ) -> bool:
        """Send once, retrying a bounded number of times; True when a provider accepted it."""
        for attempt in range(1, self.attempts + 1):
            error: str
            async with self._limiter:
                with trio.move_on_after(self.timeout) as scope:
                    try:
                        await self.send(config, msg, monitor_json, hb)
                        self.deliveries += 1
                        return True
                    except NotificationError as exc:
                        error = str(exc)
                    except Exception as exc:  # a provider bug must not kill the dispatcher
                        error = f"{type(exc).__name__}: {exc}"
            if scope.cancelled_caught:
                error = f"timed out after {self.timeout:g}s"
            log.warning("%s (%s) failed, attempt %d/%d: %s", label, config.get("type"), attempt, self.attempts, error)
            if attempt < self.attempts:
                await trio.sleep(self.retry_delay * attempt)
        self.failures += 1
        return False

    def _under_maintenance(self, monitor_id: int) -> bool:
        try:
            return bool(self.app.maintenance.is_under_maintenance(monitor_id))
        except Exception:
            return False


async def public_monitor_json(app: Any, monitor: Mapping[str, Any]) -> dict | None:
    """The non-sensitive Monitor JSON; a minimal one from the row when the monitor was deleted meanwhile."""
    found = await monitor_public_json(app, monitor["id"])
    if found is not None:
        return found
    return {
        "id": monitor.get("id"),
        "name": monitor.get("name"),
        "description": monitor.get("description"),
        "url": monitor.get("url"),
        "method": monitor.get("method"),
        "hostname": monitor.get("hostname"),
        "port": monitor.get("port"),
        "type": monitor.get("type"),
        "includeSensitiveData": False,
    }
