"""MonitoringService, the engine: runs the monitors, stores their beats, tells listeners (docs/CONTRACTS.md).

One beat = gather inputs (row, previous beat, maintenance, the check's outcome) → `beat.decide_*`
(pure) → one write job (heartbeat row + the three stat buckets + column updates) → listeners after
commit. Beats of one monitor (its loop and HTTP pushes) are serialised by a per-monitor lock, and the
latest stored beat is kept in memory, so the rules never read a stale "previous" from the database.
Every monitor type takes the same road: what differs (first check delayed, no beat this time, the
beat's duration) comes from its `MonitorType` attributes. Reads for the API live in `readings.Readings`
(`app.readings`), cached settings in `settings_cache.SettingsCache`.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import trio

from kuma.app import App
from kuma.monitoring import beat as rules
from kuma.monitoring import boot, retention, storing
from kuma.monitoring.beat import BeatEvent, Decision, Previous
from kuma.monitoring.checking import ErrorCarrier, response_of, run_check
from kuma.monitoring.first_checks import HELD, FirstChecks
from kuma.monitoring.readings import Readings
from kuma.monitoring.record import LastBeat, MonitorRecord
from kuma.monitoring.settings_cache import SettingsCache
from kuma.monitoring.supervisor import Supervisor
from kuma.monitors._http_tls import client_tls_context
from kuma.monitors.base import CheckContext, CheckResult, MonitorType, get_monitor_type, known_types
from kuma.process_env import subprocess_env
from kuma.store import heartbeats, monitors

log = logging.getLogger(__name__)

Listener = Callable[[BeatEvent], Awaitable[None]]

#: Listeners of one beat together get at most this long when the monitor is being stopped.
LISTENER_GRACE = 10.0


@dataclass(slots=True)
class _Running:
    """What a running monitor task holds between beats (loaded at its start)."""

    row: MonitorRecord
    ancestors: list[int]
    ctx: CheckContext
    mtype: MonitorType


@dataclass
class EngineCounters:
    """Figures for scripts/bench/monitors.py: beats stored, and (when asked) each loop check's lateness."""

    beats_written: int = 0
    column_updates: int = 0  # beats that also changed monitor columns (DNS results): the monitor list changed
    record_lateness: bool = False
    lateness: list[float] = field(default_factory=list)  # seconds each loop check started after its schedule


class MonitoringService:
    def __init__(
        self,
        app: App,
        *,
        settings: SettingsCache | None = None,
        wall_clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.app = app
        # epoch seconds for beat times: the app's one clock (pinnable); tests derive theirs from MockClock
        self.wall = wall_clock or app.clock.time
        self.settings = settings or SettingsCache(app.db)
        self.counters = EngineCounters()
        self._env_cache: dict[str, str] | None = None
        self._plain_context: CheckContext | None = None
        self.supervisor = Supervisor(self._run_monitor)
        #: when a monitor the API starts makes its first check (held during bursts of starts)
        self.first_checks = FirstChecks(self.supervisor.timer.sleep, self.supervisor.spawn)
        self._listeners: list[Listener] = []
        self._running: dict[int, _Running] = {}
        self._push_tokens: dict[str, int] = {}  # push token → id of the running monitor holding it
        self._previous: dict[int, LastBeat | None] = {}  # monitor id → (what is kept of) its latest stored beat
        self._beat_locks: dict[int, trio.Lock] = {}
        self._rng = rng or random.Random()
        self._preloaded: dict[int, tuple[Mapping[str, Any], list[int], dict[str, Any] | None]] = {}
        #: seconds from boot until the last boot-time first check starts (set by the boot)
        self.boot_window = 0.0
        self.booted = trio.Event()  # set once the boot has started every active monitor's task
        self._types_loaded = trio.Event()  # set once `warm_up` has run (`_load_types`)
        self._loading_types = False
        #: ids started or stopped through the API while the boot waits or reads: the boot leaves them alone
        self._touched: set[int] | None = None

    # -- public API (docs/CONTRACTS.md) ---------------------------------------------------------
    def add_beat_listener(self, fn: Listener) -> None:
        self._listeners.append(fn)

    async def start_monitor(
        self, monitor_id: int, loaded: tuple | None = None, latest: tuple[dict[str, Any] | None] | None = None
    ) -> bool:
        """(Re)start the monitor's task with its row as stored now. False if it is missing or paused.
        `loaded`: `boot.load_running`'s (row, ancestors, proxy), read by the caller's write job just now;
        `latest`: (its latest stored beat or None,) read by that job too, so the first beat reads nothing."""
        monitor_id = int(monitor_id)
        self._touch(monitor_id)
        if loaded is not None:
            row = loaded[0]
        else:
            row = await self.app.db.read(lambda d: monitors.get(d, monitor_id))
        if row is None or not row.get("active"):
            await self.stop_monitor(monitor_id)
            return False
        remembered = self._previous.pop(monitor_id, None)
        if latest is not None and remembered is None:  # a beat stored meanwhile (a push) is read again instead
            self._previous[monitor_id] = LastBeat.of(latest[0])
        if not self.supervisor.running:  # not started yet / shutting down: boot or nobody will run it
            log.warning("monitor %s: monitoring service not running, not started", monitor_id)
            return False
        if loaded is not None:
            self._preloaded[monitor_id] = loaded
        await self.supervisor.start(monitor_id, HELD if self.first_checks.admit() else 0.0)
        return True

    async def stop_monitor(self, monitor_id: int) -> None:
        monitor_id = int(monitor_id)
        self._touch(monitor_id)
        await self.supervisor.stop(monitor_id)
        self._previous.pop(monitor_id, None)

    async def restart_monitor(self, monitor_id: int) -> bool:
        return await self.start_monitor(monitor_id)

    def is_running(self, monitor_id: int) -> bool:
        return self.supervisor.is_running(int(monitor_id))

    def push_target(self, token: str) -> Mapping[str, Any] | None:
        """The row of the running monitor holding this push token, from memory; None: not known here
        (not running, booting, or the token changed), so the caller asks the database."""
        monitor_id = self._push_tokens.get(token)
        if monitor_id is None:
            return None
        running = self._running.get(monitor_id)
        if running is None or running.row.get("push_token") != token:
            self._push_tokens.pop(token, None)
            return None
        return running.row

    def writes_besides_beats(self) -> int:
        """A number that changes whenever a write other than a stored beat was committed (page, link or
        monitor changes, deletes): caches of things beats do not touch compare it to know they are fresh
        (beats are written `routine`; the count moves at the commit, before any caller wakes)."""
        return self.app.db.changes

    def forget(self, monitor_id: int) -> None:
        """Drop the cached latest beat (call after deleting a monitor's heartbeats)."""
        self._previous.pop(int(monitor_id), None)

    async def record_push(
        self, monitor_row: Mapping[str, Any], status: int | str, msg: str, ping: float | None
    ) -> dict[str, Any]:
        """Store a beat received on /api/push; committed (and listeners told) before it returns."""
        monitor_id = int(monitor_row["id"])
        pushed = rules.UP if status in (rules.UP, "up") else rules.DOWN
        async with self._beat_lock(monitor_id):
            now = self.wall()
            previous = await self._latest(monitor_id)
            maintenance = self._under_maintenance(monitor_id, self._ancestors_of(monitor_id, monitor_row))
            decision = rules.decide_push_beat(
                monitor_row,
                Previous.from_row(previous),
                pushed,
                msg,
                rules.normalize_ping(ping),
                under_maintenance=maintenance,
            )
            set_keys = {"ping"}
            duration = 0
            if previous is not None:
                duration = max(0, math.floor(now - heartbeats.parse_time(previous["time"])))
                set_keys.add("duration")
            row = self._beat_row(monitor_id, decision, now, duration, None)
            job = storing.beat_job(row, now, None, None, push_token=monitor_row.get("push_token") or None)
            event = await self._store(
                monitor_row, row, decision, previous, frozenset(set_keys), "push", job, urgent=True
            )
            return dict(event.beat)

    # -- service life cycle ---------------------------------------------------------------------
    async def run(self, *, boot_after: trio.Event | None = None, task_status=trio.TASK_STATUS_IGNORED) -> None:
        """The service task: supervisor, boot start of active monitors (spread), retention jobs.
        `boot_after` (the server's "HTTP is listening"): the service counts as started at once and the boot
        waits for the event, so reading and starting 1,000s of monitors never delays the app's readiness."""
        async with trio.open_nursery() as nursery:
            await nursery.start(self.supervisor.run)
            if boot_after is not None:
                self._touched = set()
                task_status.started()
                await boot_after.wait()
            await self._boot()
            nursery.start_soon(retention.run_jobs, self.app.db, self.wall, self.settings)
            if boot_after is None:
                task_status.started()

    async def _boot(self) -> None:
        """Start every active monitor's task with its first check spread over the boot window."""
        plan, preloaded, latest = await self.app.db.read(boot.boot_plan)
        if plan:
            await self._load_types()
        await trio.lowlevel.checkpoint()  # a shutdown during the reads (threads finish anyway) ends it here
        touched, self._touched = self._touched or set(), None
        plan = [(monitor_id, interval) for monitor_id, interval in plan if monitor_id not in touched]
        for monitor_id, _ in plan:
            self._preloaded[monitor_id] = preloaded[monitor_id]
            self._previous.setdefault(monitor_id, LastBeat.of(latest[monitor_id]))
        for monitor_id, delay in self._boot_delays(plan):
            self.supervisor.start_new(monitor_id, delay)
            self.boot_window = max(self.boot_window, delay)
        log.info("monitoring: started %d monitors", len(plan))
        self.booted.set()

    async def wait_booted(self) -> float:
        """Wait until the boot has started every monitor; returns the boot window (seconds)."""
        await self.booted.wait()
        return self.boot_window

    def _touch(self, monitor_id: int) -> None:
        if self._touched is not None:
            self._touched.add(monitor_id)

    def _boot_delays(self, plan: list[tuple[int, float]]) -> list[tuple[int, float]]:
        return boot.boot_delays(plan, self._rng)

    # -- the monitor loop -------------------------------------------------------------------------
    async def _load_types(self) -> None:
        """`warm_up` once, in a worker thread: the event loop never imports a check module. The boot runs it
        when there are monitors; else the first monitor task does (a fresh, idle server stays small)."""
        if not self._loading_types:
            self._loading_types = True
            try:
                await trio.to_thread.run_sync(warm_up)  # not abandoned on cancel: the event is always set
            finally:
                self._types_loaded.set()
        await self._types_loaded.wait()

    async def _run_monitor(self, monitor_id: int, first_delay: float) -> None:
        if not self._types_loaded.is_set():
            await self._load_types()
        loaded = self._preloaded.pop(monitor_id, None)  # boot: every row was read in one go
        running = self._enter_running(monitor_id, loaded) if loaded is not None else None
        try:
            if running is None:
                if first_delay > 0:
                    await self.supervisor.timer.sleep(first_delay)
                    first_delay = 0.0
                loaded = await self.app.db.read(lambda d: boot.load_running(d, monitor_id))
                if loaded is None:
                    log.info("monitor %s: not found, not started", monitor_id)
                    return
                running = self._enter_running(monitor_id, loaded)
            await self._loop(monitor_id, running, first_delay)
        finally:
            if running is not None and self._running.get(monitor_id) is running:
                del self._running[monitor_id]

    def _enter_running(self, monitor_id: int, loaded: tuple) -> _Running:
        """What the task holds from now on; a push token is served from memory while it runs."""
        row, ancestors, proxy = loaded
        row = MonitorRecord.of(row)
        running = _Running(row, ancestors, self._context(proxy), get_monitor_type(row.get("type") or ""))
        self._running[monitor_id] = running
        token = row.get("push_token")
        if token:
            holder = self._push_tokens.get(token)
            if holder is None or holder > monitor_id or holder not in self._running:  # lowest id, as the SQL
                self._push_tokens[token] = monitor_id
        return running

    async def _loop(self, monitor_id: int, running: _Running, first_delay: float = 0.0) -> None:
        """Check after `first_delay` (+ one interval for the types that say so: one sleep, one wake-up), then
        every interval from each check's start. `HELD`: the first check waits for `first_checks`."""
        timer = self.supervisor.timer
        delayed = running.mtype.first_check_delayed
        wait = max(0.0, first_delay) + (rules.effective_interval(running.row) if delayed else 0.0)
        if first_delay == HELD and wait == 0:
            await self.first_checks.wait()
        scheduled = trio.current_time() + wait
        if wait > 0:
            await timer.sleep_until(scheduled)
        counters = self.counters
        while True:
            started = trio.current_time()
            if counters.record_lateness:
                counters.lateness.append(started - scheduled)
            try:
                delay = await self._loop_beat(monitor_id, running)
            except Exception:
                log.exception("monitor %s: beat failed", monitor_id)
                delay = rules.effective_interval(running.row)
            scheduled = max(started + delay, trio.current_time() + 0.001)
            await timer.sleep_until(scheduled)

    async def _loop_beat(self, monitor_id: int, running: _Running) -> float:
        """One beat of the monitor loop; returns seconds until the next one (from this beat's start)."""
        row = running.row
        interval = rules.effective_interval(row)
        async with self._beat_lock(monitor_id):
            now = self.wall()
            previous = await self._latest(monitor_id)
            maintenance = self._under_maintenance(monitor_id, running.ancestors)
            set_keys: set[str] = set()
            duration = 0
            result: CheckResult | ErrorCarrier | None = None
            if maintenance:
                outcome = None
            else:
                outcome, result = await run_check(running.mtype, row, running.ctx)
                if isinstance(result, CheckResult) and result.skip_beat:
                    # e.g. push: the last beat still covers the window — no row this time (§4.5)
                    wait = result.next_check_in
                    return max(0.001, float(wait)) if wait is not None else interval
                age = now - heartbeats.parse_time(previous["time"]) if previous else None
                typed_duration = running.mtype.beat_duration(row, age, interval)
                if typed_duration is not None:
                    duration = typed_duration
                    set_keys.add("duration")
            decision = rules.decide_check_beat(row, Previous.from_row(previous), outcome, under_maintenance=maintenance)
            if decision.ping is not None:
                set_keys.add("ping")
            response = response_of(result)
            if response is not None:
                set_keys.add("response")
            beat_row = self._beat_row(monitor_id, decision, now, duration, response)
            updates = dict(result.monitor_updates) if result is not None and result.monitor_updates else {}
            tls_info = result.tls_info if result is not None else None
            job = storing.beat_job(beat_row, now, updates, tls_info)
            await self._store(
                row, beat_row, decision, previous, frozenset(set_keys), "check", job, tls_info, urgent=False
            )
            if updates:
                self.counters.column_updates += 1
                running.row = row.updated(updates)
        return rules.next_delay(decision.status, row)

    # -- storing ----------------------------------------------------------------------------------
    def _beat_row(
        self, monitor_id: int, decision: Decision, now: float, duration: int, response: str | None
    ) -> dict[str, Any]:
        return storing.beat_row(monitor_id, decision, now, max(now, self.wall()), duration, response)

    async def _store(
        self,
        monitor_row: Mapping[str, Any],
        beat_row: dict[str, Any],
        decision: Decision,
        previous: LastBeat | None,
        set_keys: frozenset[str],
        source: str,
        job: storing.BeatJob,
        tls_info: dict[str, Any] | None = None,
        *,
        urgent: bool,
    ) -> BeatEvent:
        """Run the beat's write job (`storing.beat_job`) and tell the listeners.

        Shielded: a monitor stopped mid-beat still finishes storing the beat it already made; the listeners
        get LISTENER_GRACE (the same scope's deadline, set once the beat is stored: one scope per beat)."""
        monitor_id = beat_row["monitor_id"]
        with trio.CancelScope(shield=True) as scope:
            beat_row["id"] = await self.app.db.write(job, urgent=urgent, routine=True, many=job.many)
            self.counters.beats_written += 1
            self._previous[monitor_id] = LastBeat.of(beat_row)
            event = BeatEvent(
                monitor=monitor_row,
                beat=beat_row,
                important=decision.important,
                notify=decision.notify,
                previous_status=int(previous["status"]) if previous else None,
                is_first=previous is None,
                set_keys=set_keys,
                source=source,
                tls_info=tls_info,
            )
            scope.deadline = trio.current_time() + LISTENER_GRACE
            await self._tell_listeners(event)
        return event

    async def _tell_listeners(self, event: BeatEvent) -> None:
        for listener in list(self._listeners):
            try:
                await listener(event)
            except Exception:
                log.exception("beat listener %r failed", getattr(listener, "__qualname__", listener))

    # -- inputs -----------------------------------------------------------------------------------
    @asynccontextmanager
    async def _beat_lock(self, monitor_id: int) -> AsyncIterator[None]:
        """Hold the monitor's beat lock; it exists only while held or waited for (10,000 idle locks cost 5 MB)."""
        lock = self._beat_locks.get(monitor_id)
        if lock is None:
            lock = self._beat_locks[monitor_id] = trio.Lock()
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and self._beat_locks.get(monitor_id) is lock:
                del self._beat_locks[monitor_id]

    async def _latest(self, monitor_id: int) -> LastBeat | None:
        """The latest stored beat: from memory, else the database (call with the beat lock held)."""
        if monitor_id in self._previous:
            return self._previous[monitor_id]
        row = await self.app.db.read(lambda d: heartbeats.latest(d, monitor_id))
        kept = self._previous[monitor_id] = LastBeat.of(row)
        return kept

    def _ancestors_of(self, monitor_id: int, row: Mapping[str, Any]) -> list[int]:
        running = self._running.get(monitor_id)
        if running is not None:
            return running.ancestors
        if row.get("parent") is None:
            return []
        return self.app.db.read_now(lambda d: monitors.ancestors(d, monitor_id))

    def _under_maintenance(self, monitor_id: int, ancestors: list[int]) -> bool:
        try:
            return any(self.app.maintenance.is_under_maintenance(i) for i in [monitor_id, *ancestors])
        except Exception:
            log.exception("maintenance lookup failed for monitor %s", monitor_id)
            return False

    def _context(self, proxy: dict[str, Any] | None) -> CheckContext:
        """The checks' context: one for every monitor without a proxy (checks never change it)."""
        if proxy is None:
            if self._plain_context is None:
                self._plain_context = self._new_context(None)
            return self._plain_context
        return self._new_context(proxy)

    def _new_context(self, proxy: dict[str, Any] | None) -> CheckContext:
        return CheckContext(
            settings=self.settings,
            children_status=self._children_status,
            seconds_since_last_beat=self._seconds_since_last_beat,
            last_beat=self._last_beat,
            proxy=proxy,
            subprocess_env=self._subprocess_env(),
            wall_clock=self.wall,
            steam_api_url=self.app.config.steam_api_url,
            globalping_api_url=self.app.config.globalping_api_url,
            docker_host=self._docker_host,
            remote_browser=self._remote_browser,
            data_dir=self.app.config.data_dir,
            jwt_secret=lambda: self.app.accounts.jwt_secret,
        )

    async def _docker_host(self, host_id: int) -> dict[str, Any] | None:
        return await self.app.db.read(lambda d: monitors.linked_row(d, "docker_host", host_id))

    async def _remote_browser(self, browser_id: int) -> dict[str, Any] | None:
        return await self.app.db.read(lambda d: monitors.linked_row(d, "remote_browser", browser_id))

    def _subprocess_env(self) -> dict[str, str]:
        """Computed once: it copies and fixes the whole environment (costly × 1,000 monitors)."""
        if self._env_cache is None:
            self._env_cache = subprocess_env()
        return self._env_cache

    async def _children_status(self, monitor_id: int) -> list[tuple[dict[str, Any], int | None]]:
        def read(d):
            kids = monitors.children(d, monitor_id)
            statuses = heartbeats.latest_status(d, [k["id"] for k in kids])
            return kids, statuses

        kids, statuses = await self.app.db.read(read)
        result = []
        for kid in kids:
            cached = self._previous.get(kid["id"])
            status = int(cached["status"]) if cached else statuses.get(kid["id"])
            result.append((kid, status))
        return result

    async def _last_beat(self, monitor_id: int) -> dict[str, Any] | None:
        if monitor_id in self._previous:
            kept = self._previous[monitor_id]
            return None if kept is None else dict(kept)
        return await self.app.db.read(lambda d: heartbeats.latest(d, monitor_id))

    async def _seconds_since_last_beat(self, monitor_id: int) -> float | None:
        previous = await self._last_beat(monitor_id)
        if previous is None:
            return None
        return max(0.0, self.wall() - heartbeats.parse_time(previous["time"]))


def warm_up() -> None:
    """What the first check would otherwise load on the event loop (`MonitoringService._load_types` runs it
    in a worker thread): the check modules (~0.15–0.35 s without bytecode caches), the HTTP client they
    import lazily (~0.1 s) and its verifying TLS context (the CA bundle, ~40 ms)."""
    known_types()
    import httpcore  # noqa: F401  (imported for the side effect: loaded before the first check)
    import httpx  # noqa: F401

    client_tls_context(True, None)


def setup(app: App) -> None:
    """The engine at `app.monitoring` (with its service task) and the read model at `app.readings`."""
    service = MonitoringService(app, settings=SettingsCache(app.db))
    app.monitoring = service
    app.readings = Readings(app.db, app.clock.time)
    app.add_service("monitoring", partial(service.run, boot_after=app.listening))
