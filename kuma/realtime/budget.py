"""The one bound on what every client together has queued: bytes waiting in outboxes, server-wide.

Each session charges what it queues and releases it when the transport takes it (or the session closes).
A broadcast's frames are encoded once and shared by every recipient's outbox, so each recipient is
charged its share (`len(frame) / recipients`): the total follows the memory really held, not n copies.
When the total passes the limit, the hub drops the slowest consumer (`Hub.shed_outbound`) until it is
back under: one client that does not read cannot make the server hold gigabytes, and nobody else pays.
"""

from __future__ import annotations

#: Default server-wide budget (KUMA_OUTBOUND_BUDGET_MB).
DEFAULT_BUDGET_BYTES = 64 * 2**20
#: Default bound per client for what piles up while it does not read (KUMA_SOCKET_OUTBOX_MB).
DEFAULT_SOCKET_BYTES = 8 * 2**20


class OutboundBudget:
    """A running total of charged bytes against a limit."""

    __slots__ = ("limit", "total", "peak")

    def __init__(self, limit: int = DEFAULT_BUDGET_BYTES) -> None:
        self.limit = limit
        self.total = 0
        self.peak = 0

    def charge(self, cost: int) -> None:
        self.total += cost
        if self.total > self.peak:
            self.peak = self.total

    def release(self, cost: int) -> None:
        self.total -= cost
        if self.total < 0:  # never: but a bookkeeping slip must not disable the bound
            self.total = 0

    @property
    def over(self) -> bool:
        return self.total > self.limit
