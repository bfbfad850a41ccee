"""The alerting settings as clients send and receive them, checked and turned into the rules' settings.

Per monitor (event `getMonitorAlerting` / `setMonitorAlerting`, and the `kumaAlerting` key that `add` and
`editMonitor` accept):

    {"dependsOn": [3, 5],
     "flapping": {"enabled": false, "threshold": 5, "windowMinutes": 10, "stableMinutes": 10},
     "escalation": {"afterMinutes": null, "notificationIDList": [], "repeatMinutes": null}}

Server-wide (`getAlertSettings` / `setAlertSettings`): {"stormThreshold": 0, "stormWindowSeconds": 30}.
Missing keys take the defaults; wrong types and out-of-range values are refused with a message. Minutes
may be fractions (0.5 = 30 s). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kuma.rules.escalation import EscalationSettings
from kuma.rules.flapping import FlapSettings
from kuma.rules.storm import StormSettings

MAX_UPSTREAMS = 50
MAX_MINUTES = 7 * 24 * 60


class AlertingInputError(ValueError):
    """The message is what the client sees."""


@dataclass(frozen=True)
class MonitorAlerting:
    depends_on: tuple[int, ...] = ()
    flapping: FlapSettings = field(default_factory=FlapSettings)
    escalation: EscalationSettings = field(default_factory=EscalationSettings)


DEFAULT = MonitorAlerting()


def _number(value: Any, name: str, *, low: float, high: float, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise AlertingInputError(f"{name} must be a number from {low:g} to {high:g}")
    return float(value)


def _ids(value: Any, name: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_UPSTREAMS:
        raise AlertingInputError(f"{name} must be a list of at most {MAX_UPSTREAMS} monitor ids")
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 < v < 2**53 for v in value):
        raise AlertingInputError(f"{name} must hold monitor ids")
    return tuple(sorted(set(value)))


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AlertingInputError(f"{name} must be an object")
    return value


def parse_monitor(data: Any) -> MonitorAlerting:
    """The client's per-monitor object → settings (defaults for what is missing)."""
    data = _object(data, "alerting")
    flap = _object(data.get("flapping"), "flapping")
    esc = _object(data.get("escalation"), "escalation")
    default_flap = FlapSettings()
    enabled = flap.get("enabled", False)
    if not isinstance(enabled, bool):
        raise AlertingInputError("flapping.enabled must be true or false")
    threshold = _number(flap.get("threshold", default_flap.threshold), "flapping.threshold", low=1, high=1000)
    window = _number(
        flap.get("windowMinutes", default_flap.window / 60), "flapping.windowMinutes", low=0.01, high=MAX_MINUTES
    )
    stable = _number(
        flap.get("stableMinutes", default_flap.stable / 60), "flapping.stableMinutes", low=0.01, high=MAX_MINUTES
    )
    after = _number(esc.get("afterMinutes"), "escalation.afterMinutes", low=0, high=MAX_MINUTES, allow_none=True)
    repeat = _number(esc.get("repeatMinutes"), "escalation.repeatMinutes", low=0.01, high=MAX_MINUTES, allow_none=True)
    assert threshold is not None and window is not None and stable is not None
    return MonitorAlerting(
        depends_on=_ids(data.get("dependsOn"), "dependsOn"),
        flapping=FlapSettings(enabled=enabled, threshold=int(threshold), window=window * 60, stable=stable * 60),
        escalation=EscalationSettings(
            after=None if after is None else after * 60,
            channels=_ids(esc.get("notificationIDList"), "escalation.notificationIDList"),
            repeat=None if repeat is None else repeat * 60,
        ),
    )


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 4)


def monitor_json(settings: MonitorAlerting) -> dict[str, Any]:
    """What `getMonitorAlerting` sends and what is stored (the same object parse_monitor reads)."""
    flap, esc = settings.flapping, settings.escalation
    return {
        "dependsOn": list(settings.depends_on),
        "flapping": {
            "enabled": flap.enabled,
            "threshold": flap.threshold,
            "windowMinutes": _minutes(flap.window),
            "stableMinutes": _minutes(flap.stable),
        },
        "escalation": {
            "afterMinutes": _minutes(esc.after),
            "notificationIDList": list(esc.channels),
            "repeatMinutes": _minutes(esc.repeat),
        },
    }


def parse_server(data: Any, current: StormSettings | None = None) -> StormSettings:
    """`setAlertSettings`: only the keys sent change."""
    data = _object(data, "settings")
    base = current or StormSettings()
    threshold = _number(data.get("stormThreshold", base.threshold), "stormThreshold", low=0, high=100000)
    window = _number(data.get("stormWindowSeconds", base.window), "stormWindowSeconds", low=1, high=3600)
    assert threshold is not None and window is not None
    return StormSettings(threshold=int(threshold), window=window)


def server_json(settings: StormSettings) -> dict[str, Any]:
    return {"stormThreshold": settings.threshold, "stormWindowSeconds": settings.window}
