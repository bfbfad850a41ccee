"""Flapping: a monitor that changes state too often sends one "flapping" alert, then is quiet until stable.

A *change* is a notifying beat (DOWN after UP, UP after DOWN: the beats that would send an alert). The
monitor is flapping once more than `threshold` changes fall within the last `window` seconds. While
flapping, its alerts are held; once no change has happened for `stable` seconds, it is stable again and
one alert says so with the state it settled in. Time is passed in (seconds); nothing here reads a clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class FlapSettings:
    """Per monitor. Off unless enabled, so alerts stay exactly Uptime Kuma's until the user asks."""

    enabled: bool = False
    threshold: int = 5  # more than this many changes …
    window: float = 600.0  # … within this many seconds → flapping
    stable: float = 600.0  # no change for this long → stable again


class Verdict(Enum):
    SEND = "send"  # not flapping: the alert goes out as usual
    START = "start"  # this change made it flapping: send the one flapping alert instead
    HOLD = "hold"  # flapping: say nothing


@dataclass
class FlapState:
    changes: deque[float] = field(default_factory=deque)
    flapping: bool = False
    last_change: float | None = None


def observe_change(state: FlapState, now: float, settings: FlapSettings) -> Verdict:
    """Record one change at `now` and say what to do with its alert."""
    if not settings.enabled:
        return Verdict.SEND
    state.changes.append(now)
    state.last_change = now
    while state.changes and state.changes[0] < now - settings.window:
        state.changes.popleft()
    if state.flapping:
        return Verdict.HOLD
    if len(state.changes) > settings.threshold:
        state.flapping = True
        return Verdict.START
    return Verdict.SEND


def settled(state: FlapState, now: float, settings: FlapSettings) -> bool:
    """True once (and clears the state) when a flapping monitor has had no change for `stable` seconds."""
    if not state.flapping or state.last_change is None:
        return False
    if now - state.last_change < settings.stable:
        return False
    state.flapping = False
    state.changes.clear()
    return True


def settle_deadline(state: FlapState, settings: FlapSettings) -> float | None:
    """When `settled` may next turn true; None when not flapping."""
    if not state.flapping or state.last_change is None:
        return None
    return state.last_change + settings.stable
