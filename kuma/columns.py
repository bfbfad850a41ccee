"""Table layouts the store writes and the wire shapes read, in one place (neither may import the other)."""

from __future__ import annotations

#: Column order of the `heartbeat` table, which is also the key order of the raw `heartbeatList` row.
HEARTBEAT_COLUMNS = (
    "id",
    "important",
    "monitor_id",
    "status",
    "msg",
    "time",
    "ping",
    "duration",
    "down_count",
    "end_time",
    "retries",
    "response",
)
