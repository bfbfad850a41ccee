"""Storm control: many monitors changing at once become one summary per notification channel.

With storm control on, every DOWN/UP alert waits in a *batch* that closes `window` seconds after its
first alert. When the batch closes, each kind (DOWN, UP) with more than `threshold` alerts in it is sent
as one summary to every channel involved (listing that channel's monitors); a kind with fewer goes out
alert by alert, as it would have. The price is stated: with storm control on, alerts are late by up to
`window` seconds. Pure: the caller holds the batch and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kuma.status import DOWN, UP


@dataclass(frozen=True)
class StormSettings:
    threshold: int = 0  # 0: storm control off (alerts go out at once, as Uptime Kuma sends them)
    window: float = 30.0

    @property
    def enabled(self) -> bool:
        return self.threshold > 0


@dataclass(frozen=True)
class HeldAlert:
    """One alert as the notifier would have sent it; `send` is called to send it on its own."""

    monitor_id: int
    name: str
    status: int
    msg: str
    time: str
    channels: tuple[int, ...]


@dataclass
class Batch:
    opened_at: float
    alerts: list[HeldAlert] = field(default_factory=list)


@dataclass
class Release:
    single: list[HeldAlert]
    #: channel id → (status, the alerts of that status for monitors linked to it)
    summaries: list[tuple[int, int, list[HeldAlert]]]


def closes_at(batch: Batch, settings: StormSettings) -> float:
    return batch.opened_at + settings.window


def release(batch: Batch, settings: StormSettings) -> Release:
    """Decide, for a closed batch, what goes out alone and what as summaries."""
    single: list[HeldAlert] = []
    summaries: list[tuple[int, int, list[HeldAlert]]] = []
    for status in (DOWN, UP):
        alerts = [a for a in batch.alerts if a.status == status]
        if len(alerts) <= settings.threshold:
            single.extend(alerts)
            continue
        for channel in sorted({c for a in alerts for c in a.channels}):
            summaries.append((channel, status, [a for a in alerts if channel in a.channels]))
    single.extend(a for a in batch.alerts if a.status not in (DOWN, UP))
    return Release(single=single, summaries=summaries)


def summary_message(status: int, alerts: list[HeldAlert]) -> str:
    """The text of one summary: how many, which, since when (the first alert's time)."""
    word = "down" if status == DOWN else "up again"
    since = min(a.time for a in alerts) if alerts else ""
    lines = [f"{len(alerts)} monitors {word} since {since}:"]
    lines += [f"- {a.name}: {a.msg}" if a.msg else f"- {a.name}" for a in alerts]
    return "\n".join(lines)
