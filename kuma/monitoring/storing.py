"""What one beat writes: the heartbeat row as Uptime Kuma stores it, and the one write job that stores it
with its minute/hour/day bucket upserts, column updates and TLS info (the engine runs it, shielded)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kuma.monitoring import beat as rules
from kuma.monitoring.beat import Decision
from kuma.store import heartbeats, monitors, stats


def beat_row(
    monitor_id: int, decision: Decision, now: float, end: float, duration: int, response: str | None
) -> dict[str, Any]:
    """The `heartbeat` row of a decision made at `now` (epoch seconds), ending at `end`; `id` not yet known."""
    return {
        "id": None,
        "important": 1 if decision.important else 0,
        "monitor_id": monitor_id,
        "status": decision.status,
        "msg": decision.msg,
        "time": heartbeats.format_time(now),
        "ping": rules.normalize_ping(decision.ping),
        "duration": int(duration),
        "down_count": decision.down_count,
        "end_time": heartbeats.format_time(end),
        "retries": decision.retries,
        "response": response,
    }


class MonitorInactive(Exception):
    """A push's monitor is no longer active with that token (seen inside the write job): nothing stored."""


def beat_job(
    row: dict[str, Any],
    epoch: float,
    updates: dict[str, Any] | None,
    tls_info: dict[str, Any] | None,
    push_token: str | None = None,
) -> Callable[[Any], int]:
    """The write job of one beat: heartbeat row + stat buckets (+ column updates, TLS info); returns the row id.
    With `push_token`, the monitor must still hold it and be active, else `MonitorInactive` (rolled back)."""
    monitor_id = row["monitor_id"]
    tls_text = json.dumps(tls_info, separators=(",", ":")) if tls_info is not None else None

    def job(d: Any) -> int:
        if push_token is not None and not monitors.holds_push_token(d, monitor_id, push_token):
            raise MonitorInactive(monitor_id)
        beat_id = heartbeats.insert(d, row)
        stats.record_beat(d, monitor_id, epoch, row["status"], row["ping"])
        if updates:
            monitors.update_columns(d, monitor_id, updates)
        if tls_text is not None:
            monitors.save_tls_info(d, monitor_id, tls_text)
        return beat_id

    return job
