"""Full lists after changes, for clients made for Uptime Kuma 1.x (issue #13 point 6).

Uptime Kuma 1.23 sent the whole `monitorList` to the user's room after every monitor change, and
`statusPageList` after a status page was added, saved or deleted. 2.x sends only
`updateMonitorIntoList` / `deleteMonitorFromList` (and nothing for status pages). Clients written for
1.x (`uptime-kuma-api` 1.2.1 under the Ansible collection, most command-line tools on PyPI) keep their
caches only from the full lists, so against 2.x their `get_monitors()` goes stale after `add`,
`delete_monitor` says "monitor does not exist" and a second client never sees a new monitor.

`LegacyLists` (at `app.legacy_lists`) sends those full lists again, coalesced:
- a handler marked `@announces("monitorList")` (or `"statusPageList"`) asks for the list once it is done;
  the request is made after the handler returned, i.e. after its `updateMonitorIntoList` /
  `deleteMonitorFromList` events and, since the hub sends the ack right after the handler returns
  without yielding, after its ack;
- the first request of a burst starts ONE timer per (user room, list): once no request has come for
  `INTERVAL` (and at the latest `MAX_DEFER` after the first) the list is built once and sent to the room;
  requests while the timer runs ride along. So a room gets one such list per pause in its changes, and at
  most one per `INTERVAL`, however many changes the burst holds: a script adding monitors one at a time
  gets its list when it pauses, not a growing list every `INTERVAL` while it adds (scripts/bench/add.py: a
  list a few hundred ms was ~0.45 ms of server CPU per add at 1,000). And after a list that took t seconds
  to build and hand over, none for `SPACING` × t nor `PER_ITEM` × its length: big installations spend little;
- the list never goes out while a handler that announces changes or a login burst (`busy`) runs in that
  room: it waits until the room is quiet (at most `MAX_HOLD`), and is rebuilt when a burst started while
  it was being read (a burst sends its own fresh `monitorList`; an older list must not follow it);
- nobody of that user connected: nothing is read;
- the room's last `monitorList` (up to `KEEP_MONITORS` monitors) is kept with what it showed besides the
  rows (`_list_key`: the non-additive write count, the engine's column updates, the monitors under
  maintenance): while only monitors without a parent were added since (`Database.changes_besides_additions`
  unchanged), the next list is that one plus the new monitors' JSON, read alone. It is kept encoded, so a
  burst of adds costs one read and one encoding of each new monitor, not of the whole list per list sent
  (scripts/bench/add.py).

2.x clients (and kuma's dashboard) take a `monitorList` as a full replacement, so the extra list changes
nothing for them but bytes. `KUMA_LEGACY_LIST_EVENTS=0` (`Config.legacy_list_events`) turns it off for
very large installations: then `app.legacy_lists` is None and the wire is exactly Uptime Kuma 2.5.3's.
Cost: `scripts/bench/legacy_lists.py`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import trio

from kuma.api import light_start
from kuma.api.common import Handler, current_user_id
from kuma.realtime.socketio import event_frame_from_json, object_members, object_text
from kuma.realtime.wire import Wire
from kuma.views.monitors import monitor_entries_after, monitor_list
from kuma.views.status_pages import status_page_list

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)
to_thread = trio.to_thread.run_sync

#: Seconds from the first change of a burst to its list (and so the least gap between two lists).
INTERVAL = 0.3
#: Seconds from the first change of a burst a list waits at most for a pause of INTERVAL in its changes.
MAX_DEFER = 2.0
#: Seconds a due list waits at most for a busy room to become quiet.
MAX_HOLD = 2.0
#: After a list that took t seconds to build and hand over, the next one of that room waits ≥ SPACING × t:
#: with thousands of monitors a list costs ~0.4 s of CPU, and a script's steady stream of changes must not
#: spend more than ~1/(1+SPACING) of the server on them (scripts/bench/legacy_lists.py).
SPACING = 4.0
#: ... and ≥ PER_ITEM seconds per item of the list (encoding and sending it happen after the hand-over):
#: 2,000 monitors → at most one list per 2 s; a few hundred → the plain INTERVAL.
PER_ITEM = 0.001
#: A room's last `monitorList` is kept (as JSON text, ~1–2 kB a monitor) for the next one up to this many monitors.
KEEP_MONITORS = 5000

ListBuilder = Callable[["App", int], Awaitable[Any]]
BUILDERS: dict[str, ListBuilder] = {
    "monitorList": monitor_list,
    "statusPageList": lambda app, user_id: status_page_list(app),
}


class LegacyLists:
    """The coalescer: `changed(user_id, event)` asks for a full list; `busy(user_id)` holds lists back."""

    def __init__(self, app: App, interval: float = INTERVAL, max_hold: float = MAX_HOLD) -> None:
        self.app = app
        self.interval = interval
        self.max_hold = max_hold
        self._due: set[tuple[str, str]] = set()  # (room, event) with a timer running
        #: (room, event) -> trio time of its last request (a few keys per user: kept)
        self._last_change: dict[tuple[str, str], float] = {}
        self._sending: set[tuple[str, str]] = set()  # (room, event) being read and sent right now
        self._not_before: dict[tuple[str, str], float] = {}  # (room, event) -> earliest trio time of the next
        self._busy: dict[str, int] = {}  # room -> handlers / login bursts in progress
        self._quiet: dict[str, trio.Event] = {}  # room -> set when its busy count drops to 0
        #: room -> (its _list_key, last id, members) of the room's last `monitorList`, kept encoded
        self._kept: dict[str, tuple[Any, int, list[str]]] = {}
        #: room -> {monitor id: (the _list_key before its add was written, its member as encoded for its
        #: `updateMonitorIntoList`)}: what the next extended list takes instead of reading and encoding it
        self._added: dict[str, dict[int, tuple[Any, str]]] = {}
        self.sent = 0  # lists sent (for tests and the benchmark)
        self.extended = 0  # monitorLists made from the kept one plus the monitors added since
        self.reused = 0  # new monitors' members those took from their `add` (neither read nor encoded again)

    def changed(self, user_id: int, event: str = "monitorList") -> None:
        """Ask for `event`'s full list in the user's room (no await: callable right before the ack)."""
        key = (str(user_id), event)
        if key in self._due:
            self._last_change[key] = trio.current_time()
            return
        if self.app.nursery is None:
            return
        self._last_change[key] = trio.current_time()
        self._due.add(key)
        self.app.nursery.start_soon(self._send_later, key)

    @contextmanager
    def busy(self, user_id: Any) -> Iterator[None]:
        """A handler or login burst runs in the user's room: no legacy list goes out meanwhile."""
        room = str(user_id)
        self._busy[room] = self._busy.get(room, 0) + 1
        try:
            yield
        finally:
            left = self._busy[room] - 1
            if left:
                self._busy[room] = left
            else:
                del self._busy[room]
                quiet = self._quiet.pop(room, None)
                if quiet is not None:
                    quiet.set()

    async def _until_quiet(self, room: str, deadline: float) -> None:
        with trio.move_on_at(deadline):
            while self._busy.get(room):
                await self._quiet.setdefault(room, trio.Event()).wait()

    async def _send_later(self, key: tuple[str, str]) -> None:
        room, event = key
        sending = False
        try:
            await self._until_pause(key)
            while key in self._sending or self._not_before.get(key, 0.0) > trio.current_time():
                await trio.sleep_until(max(self._not_before.get(key, 0.0), trio.current_time() + 0.05))
            deadline = trio.current_time() + self.max_hold
            self._sending.add(key)
            sending = True
            while True:
                await self._until_quiet(room, deadline)
                self._due.discard(key)  # changes from here on get a list of their own
                if self.app.hub.room_size(room) == 0:
                    self._kept.pop(room, None)
                    self._added.pop(room, None)
                    return
                started = trio.current_time()
                built, size = await self._build(room, event)
                if not self._busy.get(room) or trio.current_time() >= deadline:
                    break
            await self._emit(room, event, built)
            self.sent += 1
            now = trio.current_time()
            self._not_before[key] = now + max(SPACING * (now - started), PER_ITEM * size)
        except Exception:
            log.exception("legacy %s for room %s failed", event, room)
        finally:
            self._due.discard(key)
            if sending:
                self._sending.discard(key)

    async def _until_pause(self, key: tuple[str, str]) -> None:
        """Until no request for `key` has come for `interval` (at most MAX_DEFER from now): one list per
        pause in a stream of changes."""
        latest = trio.current_time() + max(MAX_DEFER, self.interval)
        while True:
            due = min(self._last_change.get(key, 0.0) + self.interval, latest)
            if due <= trio.current_time():
                return
            await trio.sleep_until(due)

    def list_key(self) -> Any:
        """Taken by an `add` before its write: its encoded entry is valid for a kept list of this key."""
        return self._list_key()

    def added(self, user_id: int, monitor_id: int, member: str, key: Any) -> None:
        """An `add` without a parent sent `member` (its `"<id>":{…}` text) to the room; `key`: `list_key()`
        from before its write (any other change since then makes the next list read it instead)."""
        room = str(user_id)
        stash = self._added.setdefault(room, {})
        if len(stash) < KEEP_MONITORS and room in self._kept:
            stash[int(monitor_id)] = (key, member)

    def _list_key(self) -> Any:
        """What a kept `monitorList` shows besides the monitor rows that additive writes leave alone."""
        app = self.app
        return (
            app.db.changes_besides_additions,
            app.monitoring.counters.column_updates,
            app.maintenance.covered_monitors(),
        )

    async def _build(self, room: str, event: str) -> tuple[Any, int]:
        """(what to send, its item count): a `monitorList` as its encoded members (joined once it is sent)
        from the kept one when only monitors were added since, and the slim list when kuma's dashboard is
        in the room; other lists as objects."""
        if event != "monitorList":
            payload = await BUILDERS[event](self.app, int(room))
            return payload, len(payload)
        key = self._list_key()  # taken before the read: a change after it makes the next key differ
        kept = self._kept.get(room)
        stash = self._added.pop(room, {})
        if kept is not None and kept[0] == key:
            known = {i: member for i, (at, member) in stash.items() if at == key}
            ids, fresh = await monitor_entries_after(self.app, int(room), kept[1], known)
            new = [known[i] if i in known else _member(i, fresh[str(i)]) for i in ids if i in known or str(i) in fresh]
            last, members = ids[-1] if ids else kept[1], kept[2] + new
            self.extended += 1
            self.reused += sum(1 for i in ids if i in known)
        else:
            payload = await monitor_list(self.app, int(room))
            # thousands of monitors: encoded in a worker thread, never one long turn of the event loop
            last, members = int(next(reversed(payload))) if payload else 0, await to_thread(object_members, payload)
        later = {i: v for i, v in self._added.get(room, {}).items() if i > last}  # adds made during the read
        stash = {i: v for i, v in stash.items() if i > last}
        stash.update(later)
        if stash:
            self._added[room] = stash
        else:
            self._added.pop(room, None)
        if len(members) <= KEEP_MONITORS:
            self._kept[room] = (key, last, members)
        else:
            self._kept.pop(room, None)
        # megabytes joined and serialized off the loop (a list built while the room is busy is built again)
        full = await to_thread(_list_wire, members)
        return (full, await light_start.slim_list_for(self.app, room)), len(members)

    async def _emit(self, room: str, event: str, built: Any) -> None:
        if event == "monitorList":  # slim to kuma's dashboard (light start), as every monitorList
            full, slim = built
            await light_start.emit_monitor_list_wire(self.app, room, full, slim)
        else:
            await self.app.hub.emit(event, built, room=room)


def _list_wire(members: list[str]) -> Wire:
    """The room's `monitorList` frame from its kept members, its websocket bytes made too (in a thread)."""
    wire = Wire([event_frame_from_json("monitorList", [object_text(members)])])
    wire.websocket_bytes()
    return wire


def _member(monitor_id: int, entry: dict[str, Any]) -> str:
    return object_members({str(monitor_id): entry})[0]


def busy(app: App, user_id: Any) -> AbstractContextManager[None]:
    """`with busy(app, user_id):` holds legacy lists back in that room (a no-op when they are off)."""
    legacy = app.legacy_lists
    if legacy is None or user_id is None:
        return nullcontext()
    return legacy.busy(user_id)


def announces(*lists: str) -> Callable[[Handler], Handler]:
    """Decorate a handler `fn(app, sock, *args)` whose changes 1.x clients learn from full lists: while it
    runs the room is busy; when it returns (or fails) each of `lists` is asked for in the caller's room."""

    def decorator(fn: Handler) -> Handler:
        @functools.wraps(fn)
        async def handler(app: App, sock: Any, *args: Any) -> Any:
            legacy = app.legacy_lists
            user_id = current_user_id(sock)
            if legacy is None or user_id is None:
                return await fn(app, sock, *args)
            with legacy.busy(user_id):
                try:
                    return await fn(app, sock, *args)
                finally:
                    for event in lists:
                        legacy.changed(int(user_id), event)

        return handler

    return decorator


def setup(app: App) -> None:
    """`app.legacy_lists`: the coalescer, or None when `KUMA_LEGACY_LIST_EVENTS=0`."""
    app.legacy_lists = LegacyLists(app) if app.config.legacy_list_events else None
