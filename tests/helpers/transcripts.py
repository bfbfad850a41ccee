"""Replay a captured Uptime Kuma 2.5.3 Socket.IO transcript against kuma and compare what comes back.

The transcripts (fixtures/.../transcripts/*.jsonl, README there) hold what a python-socketio client sent
(`out/emit`) and received (`in/event`, `in/ack`) in order. `replay()` sends the same emits to a running
kuma and records every packet kuma sends IN WIRE ORDER (python-socketio hands each message to its own
thread, so its handlers may see them out of order; we read the Engine.IO packets in the read loop instead).
`compare_streams()` then checks: same events in the same order, same argument counts, same types, same
key sets in the same key order; values are compared only where they do not depend on time, ids or
secrets (booleans, nulls, `msg`, and a few more keys, see VALUE_KEYS).

Typical use (other areas reuse it):

    result = replay(server.url, "13-api-keys", substitute=my_substitute)
    assert not result.diffs, "\\n".join(result.diffs)

`substitute(event, args, ctx) -> args` may rewrite an emit's arguments from earlier replies (a token from
the login ack, a fresh TOTP code, a new id); `ctx.acks[event]` holds the last ack args of each event.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from tests.helpers.paths import TRANSCRIPTS

#: Events the web UI answers by itself: (event received) → (event, args) emitted back without an ack.
DEFAULT_REACTIONS: dict[str, tuple[str, tuple]] = {"initServerTimezone": ("initServerTimezone", ("UTC",))}
#: kuma-only additions that a 2.5.3 capture cannot contain.
DEFAULT_IGNORED = frozenset({"importantHeartbeatList"})
#: Runs of these events may come in any order (Uptime Kuma sends them concurrently).
DEFAULT_UNORDERED = (frozenset({"info", "maintenanceList", "notificationList"}),)
#: Dict keys whose string/number values must be equal, not only of the same type.
VALUE_KEYS = frozenset({"msg", "ok", "msgi18n", "version", "dbType", "tokenRequired", "valid", "type",
                        "supportsConditions", "name", "title", "strategy", "protocol", "dockerType"})


def is_live_event(message: "Message") -> bool:
    """Traffic of running monitors (not a reply to anything): a `heartbeat`, or stats with a NUMBER id
    (the login burst sends string ids). Pass `drop=is_live_event` when replaying on an instance whose
    monitors run, so that the comparison sees only the scripted part."""
    if message.kind != "event":
        return False
    if message.event in ("heartbeat", "certInfo", "domainInfo"):
        return True
    return message.event in ("avgPing", "uptime") and bool(message.args) and not isinstance(message.args[0], str)


def load(name: str) -> list[dict[str, Any]]:
    """Entries of a transcript by file name with or without `.jsonl` (e.g. "03-login-burst")."""
    path = TRANSCRIPTS / (name if name.endswith(".jsonl") else f"{name}.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@dataclass
class Message:
    """One server → client packet: an event or the ack of one of our emits."""

    kind: str  # "event" | "ack"
    event: str
    args: list

    def __repr__(self) -> str:
        text = json.dumps(self.args)[:160]
        return f"{self.kind}:{self.event}{text}"


def expected_messages(entries: list[dict[str, Any]], ignored=DEFAULT_IGNORED) -> list[Message]:
    out = []
    for e in entries:
        if e["dir"] == "in" and e["event"] not in ignored:
            args = e["args"]
            if e["kind"] == "ack" and args == [None]:
                args = []  # the recorder writes an ack without arguments (logout) as [null]
            out.append(Message(e["kind"], e["event"], args))
    return out


class WireClient:
    """A python-socketio client that records received packets in wire order."""

    def __init__(self, url: str, *, reactions: dict[str, tuple[str, tuple]] | None = None,
                 ignored=DEFAULT_IGNORED, headers: dict | None = None,
                 drop: Callable[["Message"], bool] | None = None) -> None:
        self.url = url
        self.drop = drop
        self.reactions = DEFAULT_REACTIONS if reactions is None else reactions
        self.ignored = ignored
        self.headers = headers or {}
        self.messages: list[Message] = []
        self.acks: dict[str, list] = {}
        self._ack_names: dict[int, str] = {}
        self._cond = threading.Condition()
        self.sio: socketio.Client | None = None

    # -- connection --------------------------------------------------------------------------
    def connect(self) -> None:
        sio = socketio.Client(reconnection=False)
        original_receive = sio.eio._receive_packet
        original_send = sio._send_packet

        def receive(pkt):
            if pkt.packet_type == eio_packet.MESSAGE and isinstance(pkt.data, str):
                self._record(pkt.data)
            return original_receive(pkt)

        def send(pkt):
            if pkt.packet_type == sio_packet.EVENT and pkt.id is not None:
                self._ack_names[pkt.id] = pkt.data[0]
            return original_send(pkt)

        sio.eio._receive_packet = receive
        sio._send_packet = send
        sio.connect(self.url, transports=["websocket"], headers=self.headers, wait_timeout=10)
        self.sio = sio

    def disconnect(self) -> None:
        if self.sio is not None:
            self.sio.disconnect()
            self.sio = None

    def _record(self, data: str) -> None:
        try:
            pkt = sio_packet.Packet(encoded_packet=data)
        except Exception:
            return
        if pkt.packet_type == sio_packet.EVENT:
            name, args = pkt.data[0], list(pkt.data[1:])
            message = Message("event", name, args)
            reaction = self.reactions.get(name)
        elif pkt.packet_type == sio_packet.ACK:
            name = self._ack_names.pop(pkt.id, "?")
            message = Message("ack", name, list(pkt.data or []))
            reaction = None
        else:
            return
        with self._cond:
            if message.event not in self.ignored and not (self.drop and self.drop(message)):
                self.messages.append(message)
            if message.kind == "ack":
                self.acks[message.event] = message.args
            self._cond.notify_all()
        if reaction is not None and self.sio is not None:
            event, args = reaction
            threading.Thread(target=self.sio.emit, args=(event, args), daemon=True).start()

    # -- sending and waiting -----------------------------------------------------------------
    def emit(self, event: str, args: list | tuple, *, ack: bool = True) -> None:
        """Send without blocking; the ack (if asked for) shows up in `messages`."""
        assert self.sio is not None, "not connected"
        self.sio.emit(event, tuple(args), callback=(lambda *a: None) if ack else None)

    def call(self, event: str, *args: Any, timeout: float = 30) -> list:
        """Send and wait for the ack's arguments (a generous bound for a busy machine; never an earlier
        ack of the same event when this one does not come)."""
        count = self.count_acks(event)
        self.emit(event, args)
        if not self.wait_for(lambda: self.count_acks(event) > count, timeout):
            raise AssertionError(f"no ack of {event} within {timeout} s")
        return self.acks[event]

    def count_acks(self, event: str) -> int:
        with self._cond:
            return sum(1 for m in self.messages if m.kind == "ack" and m.event == event)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))  # also notices changes that do not notify
        return True

    def wait_count(self, n: int, timeout: float = 30) -> bool:
        return self.wait_for(lambda: len(self.messages) >= n, timeout)

    def events(self, name: str) -> list[list]:
        with self._cond:
            return [m.args for m in self.messages if m.kind == "event" and m.event == name]


@dataclass
class ReplayContext:
    acks: dict[str, list] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # anything a substitute wants to keep


@dataclass
class ReplayResult:
    expected: list[Message]
    actual: list[Message]
    diffs: list[str]
    context: ReplayContext

    def report(self) -> str:
        lines = list(self.diffs[:40])
        lines.append("expected: " + ", ".join(f"{m.kind}:{m.event}" for m in self.expected))
        lines.append("actual:   " + ", ".join(f"{m.kind}:{m.event}" for m in self.actual))
        return "\n".join(lines)


def _emit_wants_ack(entries: list[dict[str, Any]], index: int) -> bool:
    """An emit had an ack id if its ack (or a no-ack-timeout note) follows before the same event is sent again."""
    event = entries[index]["event"]
    for e in entries[index + 1:]:
        if e["dir"] == "out" and e["event"] == event:
            return False
        if e["dir"] == "in" and e["kind"] == "ack" and e["event"] == event:
            return True
        if e["dir"] == "meta" and e["event"] == "no-ack-timeout" and e["args"] and e["args"][0] == event:
            return True
    return False


def _is_reaction(entries: list[dict[str, Any]], index: int, reactions) -> bool:
    """An emit the client made in answer to the event just before it (e.g. initServerTimezone)."""
    e = entries[index]
    if e["event"] not in {v[0] for v in reactions.values()}:
        return False
    for prev in reversed(entries[:index]):
        if prev["dir"] == "in" and prev["kind"] == "event":
            return prev["event"] in reactions and reactions[prev["event"]][0] == e["event"]
        if prev["dir"] == "out":
            return False
    return False


def replay(
    url: str,
    name_or_entries: str | list[dict[str, Any]],
    *,
    substitute: Callable[[str, list, ReplayContext], list] | None = None,
    ignored=DEFAULT_IGNORED,
    unordered=DEFAULT_UNORDERED,
    reactions: dict[str, tuple[str, tuple]] | None = None,
    timeout: float = 30,
    no_ack_wait: float = 1.0,
    compare: Callable[..., list[str]] | None = None,
    context: ReplayContext | None = None,
    drop: Callable[[Message], bool] | None = None,
) -> ReplayResult:
    """Replay the transcript's emits against `url` and compare kuma's packets with the captured ones."""
    entries = load(name_or_entries) if isinstance(name_or_entries, str) else name_or_entries
    reactions = DEFAULT_REACTIONS if reactions is None else reactions
    ctx = context or ReplayContext()
    client = WireClient(url, reactions=reactions, ignored=ignored, drop=drop)
    expected = [m for m in expected_messages(entries, ignored) if not (drop and drop(m))]
    actual: list[Message] = []  # messages of closed connections
    seen_in = 0  # expected messages up to the current entry
    connected = False
    try:
        for index, entry in enumerate(entries):
            if entry["dir"] == "in":
                if entry["event"] not in ignored and not (drop and drop(Message(entry["kind"], entry["event"], entry["args"]))):
                    seen_in += 1
                continue
            if entry["dir"] == "meta":
                if entry["event"] == "connect" and not connected:
                    client.connect()
                    connected = True
                elif entry["event"] == "disconnect" and connected:
                    client.wait_count(seen_in - len(actual), timeout)
                    actual.extend(client.messages)
                    client.disconnect()
                    client = WireClient(url, reactions=reactions, ignored=ignored, drop=drop)
                    connected = False
                continue
            # out/emit
            if _is_reaction(entries, index, reactions):
                continue  # the WireClient answers by itself
            if not connected:  # a new socket without a recorded connect: its connect events were not captured
                client.connect()
                connected = True
                client.wait_for(lambda: any(m.event in ("loginRequired", "autoLogin") for m in client.messages), timeout)
                with client._cond:
                    client.messages.clear()
            client.wait_count(seen_in - len(actual), timeout)
            ctx.acks.update(client.acks)
            args = list(entry["args"])
            if substitute is not None:
                args = substitute(entry["event"], args, ctx)
            wants_ack = _emit_wants_ack(entries, index)
            client.emit(entry["event"], args, ack=wants_ack)
            if any(e["dir"] == "meta" and e["event"] == "no-ack-timeout" and e["args"][:1] == [entry["event"]]
                   for e in entries[index + 1:index + 4]):
                time.sleep(no_ack_wait)  # an event that is never acked: give a wrong ack time to show up
        if connected:
            client.wait_count(seen_in - len(actual), timeout)
            actual.extend(client.messages)
        ctx.acks.update(client.acks)
    finally:
        client.disconnect()
    diffs = (compare or compare_streams)(expected, actual, unordered=unordered)
    return ReplayResult(expected, actual, diffs, ctx)


# -- comparison ---------------------------------------------------------------------------------
def _normalise_order(messages: list[Message], unordered) -> list[Message]:
    """Sort each maximal run of interchangeable events by name so that their order does not matter."""
    out: list[Message] = []
    i = 0
    while i < len(messages):
        group = next((g for g in unordered if messages[i].kind == "event" and messages[i].event in g), None)
        if group is None:
            out.append(messages[i])
            i += 1
            continue
        j = i
        while j < len(messages) and messages[j].kind == "event" and messages[j].event in group:
            j += 1
        out.extend(sorted(messages[i:j], key=lambda m: m.event))
        i = j
    return out


def _category(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _is_id_map(value: dict) -> bool:
    return bool(value) and all(isinstance(k, str) and k.isdigit() for k in value)


def compare_values(expected: Any, actual: Any, path: str = "", key: str | None = None,
                   *, strict_lengths: bool = True) -> list[str]:
    """Structural differences between a captured value and kuma's (see module docstring)."""
    diffs: list[str] = []
    ce, ca = _category(expected), _category(actual)
    if ce != ca:
        if not strict_lengths and "[" in path and "null" in (ce, ca):
            return []  # lenient mode: inside data lists a value may be null in one capture and set in another
        return [f"{path}: expected {ce} {json.dumps(expected)[:80]}, got {ca} {json.dumps(actual)[:80]}"]
    if ce == "object":
        if _is_id_map(expected) or _is_id_map(actual):
            if sorted(expected, key=int) != sorted(actual, key=int) and strict_lengths:
                diffs.append(f"{path}: ids {list(expected)[:20]} != {list(actual)[:20]}")
            for k in actual:
                template = expected.get(k) if k in expected else next(iter(expected.values()), None)
                if template is not None:
                    diffs += compare_values(template, actual[k], f"{path}.{k}", None, strict_lengths=strict_lengths)
            return diffs
        if list(expected) != list(actual):
            missing = [k for k in expected if k not in actual]
            extra = [k for k in actual if k not in expected]
            if missing or extra:
                diffs.append(f"{path}: missing keys {missing}, extra keys {extra}")
            else:
                diffs.append(f"{path}: key order {list(actual)} != {list(expected)}")
        for k in expected:
            if k in actual:
                diffs += compare_values(expected[k], actual[k], f"{path}.{k}", k, strict_lengths=strict_lengths)
        return diffs
    if ce == "list":
        if strict_lengths and len(expected) != len(actual):
            diffs.append(f"{path}: {len(actual)} items, expected {len(expected)}")
        if (len(expected) == 0) != (len(actual) == 0):
            if not strict_lengths:
                diffs.append(f"{path}: {len(actual)} items, expected {len(expected)}")
            return diffs
        for i, item in enumerate(actual):
            template = expected[min(i, len(expected) - 1)]
            diffs += compare_values(template, item, f"{path}[{i}]", key, strict_lengths=strict_lengths)
        return diffs
    if ce == "bool" and expected != actual:
        return [f"{path}: expected {expected}, got {actual}"]
    if key in VALUE_KEYS and "[" not in path and expected != actual:  # values inside lists are data
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return diffs


def compare_streams(expected: list[Message], actual: list[Message], *, unordered=DEFAULT_UNORDERED,
                    strict_lengths: bool = True) -> list[str]:
    """Differences between two packet streams: names and order first, then each message's arguments."""
    exp = _normalise_order(expected, unordered)
    act = _normalise_order(actual, unordered)
    names_e = [f"{m.kind}:{m.event}" for m in exp]
    names_a = [f"{m.kind}:{m.event}" for m in act]
    if names_e != names_a:
        for i, (a, b) in enumerate(zip(names_e, names_a)):
            if a != b:
                return [f"message #{i}: expected {a}, got {b}",
                        f"expected …{names_e[max(0, i - 3):i + 6]}", f"actual   …{names_a[max(0, i - 3):i + 6]}"]
        return [f"expected {len(names_e)} messages, got {len(names_a)}: "
                f"expected tail {names_e[len(names_a):][:8]}, extra {names_a[len(names_e):][:8]}"]
    diffs: list[str] = []
    for i, (e, a) in enumerate(zip(exp, act)):
        where = f"#{i} {e.kind}:{e.event}"
        if len(e.args) != len(a.args):
            diffs.append(f"{where}: {len(a.args)} arguments, expected {len(e.args)}")
            continue
        for j, (ev, av) in enumerate(zip(e.args, a.args)):
            diffs += compare_values(ev, av, f"{where} arg{j}", strict_lengths=strict_lengths)
    return diffs
