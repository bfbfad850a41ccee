"""Replaying golden transcripts: read them, split them into steps, compare what we got with what they show."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.helpers.paths import TRANSCRIPTS

#: Events driven by the monitoring engine's timing (beats), not by the request being replayed.
BEAT_EVENTS = {"heartbeat", "avgPing", "uptime", "certInfo", "domainInfo", "maintenanceList", "heartbeatList"}


@dataclass
class Step:
    event: str
    args: list[Any]
    ack: list[Any] | None  # None: the emit was never acked
    events: list[dict[str, Any]] = field(default_factory=list)  # server events between emit and ack


def load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (TRANSCRIPTS / name).read_text().splitlines() if line.strip()]


def steps_after_login(name: str) -> list[Step]:
    """Client emits after the login ack, each with its ack and the non-beat events that came before it."""
    lines = load(name)
    start = next(i for i, e in enumerate(lines) if e["kind"] == "ack" and e["event"] == "login") + 1
    steps: list[Step] = []
    pending: Step | None = None
    for entry in lines[start:]:
        if entry["dir"] == "out":
            pending = Step(entry["event"], entry["args"], None)
            steps.append(pending)
        elif entry["kind"] == "ack" and pending is not None and entry["event"] == pending.event:
            pending.ack = entry["args"]
            pending = None
        elif entry["kind"] == "event" and entry["event"] not in BEAT_EVENTS and pending is not None:
            pending.events.append(entry)
    return steps


def shape(value: Any) -> Any:
    """The type skeleton of a value: dict keys (in order) and element shapes, no values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def as_wire(value: Any) -> Any:
    """What a value looks like after a JSON round trip (tuples → lists, key order kept)."""
    return json.loads(json.dumps(value))


#: Acks whose lists depend on how many beats ran: lengths may differ, emptiness may not.
BEAT_DEPENDENT_ACKS = {"getMonitorBeats", "getMonitorChartData", "monitorImportantHeartbeatListCount",
                       "monitorImportantHeartbeatListPaged"}


def socket_replay(url: str, name: str, *, substitute=None, login: dict | None = None,
                  beats_first: bool = True) -> tuple[list[str], list]:
    """Replay a transcript's post-login emits over a real Socket.IO connection, one call at a time.

    For each emit: the non-beat events kuma sent before the ack must be the captured ones (names, order,
    argument counts, key sets and order, types, stable values — tests.helpers.transcripts.compare_values),
    and so must the ack. Returns (differences, [(event, ack args)…]).
    """
    from tests.helpers.transcripts import Message, WireClient, compare_streams

    client = WireClient(url, reactions={})
    client.connect()
    diffs: list[str] = []
    acks: list = []
    try:
        assert client.call("login", login or {"username": "admin", "password": "secret123", "token": ""})[0]["ok"]
        with client._cond:
            client.messages.clear()
        for step in steps_after_login(name):
            args = substitute(step.event, list(step.args)) if substitute else list(step.args)
            if step.event in BEAT_DEPENDENT_ACKS and beats_first:
                # the capture waited seconds for checks to run; wait for the first live beat instead
                assert client.wait_for(lambda: client.events("heartbeat"), 20), "no heartbeat arrived"
            start = len(client.messages)
            ack = client.call(step.event, *args)
            with client._cond:
                got = [m for m in client.messages[start:] if not (m.kind == "event" and m.event in BEAT_EVENTS)]
            expected = [Message("event", e["event"], e["args"]) for e in step.events]
            expected.append(Message("ack", step.event, step.ack or []))
            strict = step.event not in BEAT_DEPENDENT_ACKS
            diffs += [f"{step.event}: {d}" for d in compare_streams(expected, got, strict_lengths=strict)]
            acks.append((step.event, ack))
    finally:
        client.disconnect()
    return diffs, acks
