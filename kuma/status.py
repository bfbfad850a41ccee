"""The four monitor/heartbeat statuses, as Uptime Kuma stores and sends them (heartbeat.status)."""

from __future__ import annotations

from enum import IntEnum
from typing import Final


class Status(IntEnum):
    """An int on the wire and in SQLite (IntEnum members serialise as their number)."""

    DOWN = 0
    UP = 1
    PENDING = 2
    MAINTENANCE = 3


# The names the code compares with and stores: typed as plain ints, since columns and payloads hold ints.
DOWN: Final[int] = Status.DOWN
UP: Final[int] = Status.UP
PENDING: Final[int] = Status.PENDING
MAINTENANCE: Final[int] = Status.MAINTENANCE
