"""The four monitor/heartbeat statuses, as Uptime Kuma stores and sends them (heartbeat.status)."""
from __future__ import annotations

from enum import IntEnum


class Status(IntEnum):
    """An int on the wire and in SQLite (IntEnum members serialise as their number)."""

    DOWN = 0
    UP = 1
    PENDING = 2
    MAINTENANCE = 3


DOWN, UP, PENDING, MAINTENANCE = Status.DOWN, Status.UP, Status.PENDING, Status.MAINTENANCE
