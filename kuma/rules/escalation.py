"""Escalation and repeat-until-acknowledged for one outage of one monitor.

An *outage* starts with the DOWN alert that was sent (or held) and ends with the monitor's next UP.
While it lasts and nobody acknowledged it:
- after `after` seconds, the DOWN alert goes once to the escalation channels (e.g. SMS after ntfy);
- every `repeat` seconds, the DOWN alert is sent again (to the usual channels, and to the escalation
  channels once escalated).
Acknowledging stops both for this outage. Pure: the caller keeps the Outage and passes the time in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class EscalationSettings:
    after: float | None = None  # seconds DOWN before the escalation channels get it; None: never
    channels: tuple[int, ...] = ()
    repeat: float | None = None  # seconds between repeats until acknowledged; None: no repeats

    @property
    def enabled(self) -> bool:
        return bool(self.after is not None and self.channels) or bool(self.repeat)


class Action(Enum):
    ESCALATE = "escalate"
    REPEAT = "repeat"


@dataclass
class Outage:
    since: float
    last_sent: float
    acknowledged: bool = False
    escalated: bool = False


def due(outage: Outage, now: float, settings: EscalationSettings) -> list[Action]:
    """What is due at `now` (and records it as done)."""
    if outage.acknowledged:
        return []
    actions: list[Action] = []
    if (
        settings.after is not None
        and settings.channels
        and not outage.escalated
        and now >= outage.since + settings.after
    ):
        outage.escalated = True
        actions.append(Action.ESCALATE)
    if settings.repeat and now >= outage.last_sent + settings.repeat:
        outage.last_sent = now
        actions.append(Action.REPEAT)
    return actions


def next_deadline(outage: Outage, settings: EscalationSettings) -> float | None:
    """The next instant `due` may return something; None when nothing more can come."""
    if outage.acknowledged:
        return None
    times = []
    if settings.after is not None and settings.channels and not outage.escalated:
        times.append(outage.since + settings.after)
    if settings.repeat:
        times.append(outage.last_sent + settings.repeat)
    return min(times) if times else None
