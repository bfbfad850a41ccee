"""The beat rules of monitoring-semantics §2, §3 and §4.5 as pure functions, and the BeatEvent.

Nothing here does I/O or reads a clock: the service gathers the inputs (monitor row, previous beat,
what the check said, maintenance) and stores what these functions decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kuma.status import DOWN as DOWN  # the one definition, re-exported here
from kuma.status import MAINTENANCE as MAINTENANCE
from kuma.status import PENDING as PENDING
from kuma.status import UP as UP

STATUSES = (DOWN, UP, PENDING, MAINTENANCE)

MAINTENANCE_MSG = "Monitor under maintenance"
FLIP_MSG = "Flip UP to DOWN"
JSON_QUERY_FAIL = "JSON query does not pass"
PUSH_WINDOW_MSG = "No heartbeat in the time window"

#: (previous, new) pairs that are important when the beat is not the first one (§3).
_IMPORTANT = {
    (UP, DOWN),
    (DOWN, UP),
    (PENDING, DOWN),
    (UP, MAINTENANCE),
    (DOWN, MAINTENANCE),
    (MAINTENANCE, UP),
    (MAINTENANCE, DOWN),
}
#: (previous, new) pairs that send notifications (§3), a subset of _IMPORTANT.
_NOTIFY = {(UP, DOWN), (DOWN, UP), (PENDING, DOWN), (MAINTENANCE, DOWN)}


def is_important(is_first: bool, previous: int | None, new: int) -> bool:
    """Stored as `important = 1`: the first beat, and the state changes of §3."""
    return is_first or (previous, new) in _IMPORTANT


def is_important_for_notification(is_first: bool, previous: int | None, new: int) -> bool:
    return is_first or (previous, new) in _NOTIFY


def flip(status: int) -> int:
    """Upside-down mode swaps UP and DOWN; PENDING and MAINTENANCE stay."""
    swapped: dict[int, int] = {UP: DOWN, DOWN: UP}
    return swapped.get(status, status)


@dataclass(frozen=True)
class Previous:
    """What the rules need from the monitor's latest stored beat."""

    status: int
    retries: int = 0
    down_count: int = 0

    @classmethod
    def from_row(cls, row: Mapping[str, Any] | None) -> Previous | None:
        if row is None:
            return None
        return cls(int(row["status"]), int(row.get("retries") or 0), int(row.get("down_count") or 0))


@dataclass(frozen=True)
class CheckOutcome:
    """What one check produced: a status it reported (`error` None) or the error text it raised."""

    status: int = UP
    msg: str = ""
    ping: float | None = None
    error: str | None = None  # set when the check raised (or was cut / returned garbage)

    @classmethod
    def failed(cls, msg: str) -> CheckOutcome:
        return cls(status=DOWN, msg=msg, ping=None, error=msg)


@dataclass(frozen=True)
class Decision:
    """The beat to store and what to do about it."""

    status: int
    msg: str
    ping: float | None
    retries: int
    down_count: int
    important: bool
    notify: bool


def _notification_rules(
    is_first: bool, previous: Previous | None, status: int, down_count: int, resend_interval: int
) -> tuple[bool, bool, int]:
    """§2 step 6: important flag, whether to notify, and the new down_count."""
    prev_status = previous.status if previous else None
    important = is_important(is_first, prev_status, status)
    notify = False
    if important:
        notify = is_important_for_notification(is_first, prev_status, status)
        if is_first and status != DOWN:
            notify = False  # a first beat only notifies when it is DOWN
        down_count = 0
    elif status == DOWN and resend_interval > 0:
        down_count += 1
        if down_count >= resend_interval:
            notify = True
            down_count = 0
    return important, notify, down_count


def decide_check_beat(
    monitor: Mapping[str, Any],
    previous: Previous | None,
    outcome: CheckOutcome | None,
    *,
    under_maintenance: bool = False,
) -> Decision:
    """One monitor-loop beat (§2). `outcome` is ignored (may be None) when under maintenance."""
    is_first = previous is None
    retries = previous.retries if previous else 0
    down_count = previous.down_count if previous else 0
    upside_down = bool(monitor.get("upside_down"))
    maxretries = int(monitor.get("maxretries") or 0)
    ping: float | None = None

    if under_maintenance:
        status, msg, error = MAINTENANCE, MAINTENANCE_MSG, None
    else:
        assert outcome is not None
        status = UP if upside_down else DOWN  # step 2: the status before the check
        msg, error = outcome.msg, outcome.error
        if error is None:
            status, ping = outcome.status, outcome.ping
            if upside_down:
                status = flip(status)
                if status == DOWN:
                    error = msg = FLIP_MSG
                    ping = None

    if error is None:
        retries = 0
    elif upside_down and status == UP:
        retries = 0  # with upside-down, a check that raised means UP
    elif (
        monitor.get("type") == "json-query"
        and monitor.get("retry_only_on_status_code_failure")
        and JSON_QUERY_FAIL in error
    ):
        status, retries = DOWN, 0
    elif maxretries > 0 and retries < maxretries:
        status, retries = PENDING, retries + 1
    else:
        status, retries = DOWN, retries + 1

    important, notify, down_count = _notification_rules(
        is_first, previous, status, down_count, int(monitor.get("resend_interval") or 0)
    )
    return Decision(status, msg, ping, retries, down_count, important, notify)


def push_status(pushed: int, previous: Previous | None, maxretries: int) -> tuple[int, int]:
    """§4.5 `determineStatus` for an HTTP push (after the upside-down flip): (status, retries)."""
    if previous is None:
        if pushed == DOWN and maxretries > 0:
            return PENDING, 1
        return pushed, 0
    if previous.status == UP and pushed == DOWN:
        if maxretries > 0 and previous.retries < maxretries:
            return PENDING, previous.retries + 1
        return DOWN, 0
    if previous.status == PENDING and pushed == DOWN and previous.retries < maxretries:
        return PENDING, previous.retries + 1
    if pushed == DOWN:
        return DOWN, previous.retries + 1
    return UP, 0


def decide_push_beat(
    monitor: Mapping[str, Any],
    previous: Previous | None,
    pushed: int,
    msg: str,
    ping: float | None,
    *,
    under_maintenance: bool = False,
) -> Decision:
    """A beat received on /api/push (rest-endpoints §2)."""
    is_first = previous is None
    down_count = previous.down_count if previous else 0
    if under_maintenance:
        status, retries = MAINTENANCE, 0
    else:
        if monitor.get("upside_down"):
            pushed = flip(pushed)
        status, retries = push_status(pushed, previous, int(monitor.get("maxretries") or 0))
    important, notify, down_count = _notification_rules(
        is_first, previous, status, down_count, int(monitor.get("resend_interval") or 0)
    )
    return Decision(status, msg, ping, retries, down_count, important, notify)


def push_window_open(previous_status: int | None, age: float | None, interval: float, upside_down: bool) -> bool:
    """§4.5: a push monitor's loop writes nothing while its latest beat is "good" and recent enough."""
    if previous_status is None or age is None:
        return False
    good = DOWN if upside_down else UP
    return previous_status == good and age <= interval + 1


def next_delay(decision_status: int, monitor: Mapping[str, Any]) -> float:
    """Seconds from this beat's start to the next check (§1): retry interval while PENDING."""
    interval = effective_interval(monitor)
    retry_interval = float(monitor.get("retry_interval") or 0)
    if decision_status == PENDING and retry_interval > 0:
        return retry_interval
    return interval


def effective_interval(monitor: Mapping[str, Any]) -> float:
    """Interval 0/empty runs as 1 s."""
    try:
        interval = float(monitor.get("interval") or 0)
    except (TypeError, ValueError):
        interval = 0.0
    return interval if interval > 0 else 1.0


def effective_timeout(monitor: Mapping[str, Any]) -> float:
    """`timeout` ≤ 0/NULL means interval × 0.8 (§1)."""
    try:
        timeout = float(monitor.get("timeout") or 0)
    except (TypeError, ValueError):
        timeout = 0.0
    return timeout if timeout > 0 else effective_interval(monitor) * 0.8


def js_number(value: float) -> str:
    """Format a number the way JavaScript prints it in messages (16 → "16", 2.5 → "2.5")."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def normalize_ping(ping: Any) -> float | int | None:
    """Integral pings are stored (and sent) as integers, others as floats; garbage → None."""
    if ping is None or isinstance(ping, bool):
        return None
    try:
        value = float(ping)
    except (TypeError, ValueError):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if value.is_integer() else value


@dataclass
class BeatEvent:
    """Given to beat listeners after the beat's row is committed.

    `beat` is the heartbeat row as stored (all 12 columns, `important` 0/1). `set_keys` names the
    optional heartbeat keys that were set on this beat (Uptime Kuma's live event and notification
    payloads only carry those): "ping" (check gave a ping / any push beat), "duration" (push
    monitors), "response" (a response body was saved). `source` is "check" or "push".
    """

    monitor: Mapping[str, Any]
    beat: dict[str, Any]
    important: bool
    notify: bool
    previous_status: int | None
    is_first: bool
    set_keys: frozenset[str] = field(default_factory=frozenset)
    source: str = "check"
    tls_info: dict[str, Any] | None = None
