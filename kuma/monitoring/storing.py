"""What one beat writes: the heartbeat row as Uptime Kuma stores it, and the one write job that stores it
with its minute/hour/day bucket upserts, column updates and TLS info (the engine runs it, shielded);
`write_beats` stores a run of such jobs that the writer found side by side in one go."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kuma.monitoring import beat as rules
from kuma.monitoring.beat import Decision
from kuma.store import heartbeats, monitors, stats
from kuma.store.db import Failed, Many


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


@dataclass(slots=True)
class BeatJob:
    """The write job of one beat: heartbeat row + stat buckets (+ column updates, TLS info); returns the row
    id. With `push_token`, the monitor must still hold it and be active, else `MonitorInactive` (nothing
    written). `many`: `write_beats`, which stores a run of beats at once, for beats without column updates
    (an update could change what a later beat of the run checks)."""

    row: dict[str, Any]
    epoch: float
    updates: dict[str, Any] | None
    tls_text: str | None
    push_token: str | None

    def __call__(self, d: Any) -> int:
        monitor_id = self.row["monitor_id"]
        if self.push_token is not None and not monitors.holds_push_token(d, monitor_id, self.push_token):
            raise MonitorInactive(monitor_id)
        beat_id = heartbeats.insert(d, self.row)
        stats.record_beat(d, monitor_id, self.epoch, self.row["status"], self.row["ping"])
        if self.updates:
            monitors.update_columns(d, monitor_id, self.updates)
        if self.tls_text is not None:
            monitors.save_tls_info(d, monitor_id, self.tls_text)
        return beat_id

    @property
    def many(self) -> Many | None:
        return None if self.updates else write_beats


def beat_job(
    row: dict[str, Any],
    epoch: float,
    updates: dict[str, Any] | None,
    tls_info: dict[str, Any] | None,
    push_token: str | None = None,
) -> BeatJob:
    """The write job of one beat (`BeatJob`); the TLS info is encoded here, outside the writer."""
    tls_text = json.dumps(tls_info, separators=(",", ":")) if tls_info is not None else None
    return BeatJob(row, epoch, updates, tls_text, push_token)


def write_beats(d: Any, jobs: list[BeatJob]) -> list[int | Failed]:
    """A run of beat jobs (none with column updates) at once, in order: the push tokens checked in one
    read, the rows inserted and the buckets folded with one `executemany` per table. A push whose monitor
    no longer holds its token gets `Failed(MonitorInactive)`, and nothing of it is written."""
    pushed = [job.row["monitor_id"] for job in jobs if job.push_token is not None]
    holders = monitors.push_token_holders(d, pushed) if pushed else {}
    results: list[int | Failed] = []
    stored: list[BeatJob] = []
    for job in jobs:
        monitor_id = job.row["monitor_id"]
        if job.push_token is not None and holders.get(monitor_id) != job.push_token:
            results.append(Failed(MonitorInactive(monitor_id)))
        else:
            results.append(0)  # the id, once inserted
            stored.append(job)
    ids = iter(heartbeats.insert_many(d, [job.row for job in stored]))
    stats.record_beats(d, [(job.row["monitor_id"], job.epoch, job.row["status"], job.row["ping"]) for job in stored])
    for job in stored:
        if job.tls_text is not None:
            monitors.save_tls_info(d, job.row["monitor_id"], job.tls_text)
    return [result if isinstance(result, Failed) else next(ids) for result in results]
