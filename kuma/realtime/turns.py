"""Bulk writes take turns (issue #15's fairness rule): a few slices of login bursts per loop turn.

A thousand logins at once are a hundred websocket writers with megabytes each. Each writes its burst in
slices (`wire.WRITE_SLICE`), but if every one of them wrote a slice in every turn of the event loop, a
turn would be a hundred socket calls long, and an ack, a ping answer or a push answer (a few task steps,
one per turn) would wait several such turns. Here a slice of a large write waits for its turn: at most
`per_turn` of them are let through per loop turn, the others wait parked (not runnable, so they make no
turn longer). Small writes (acks, pings, beats) never wait here.
"""

from __future__ import annotations

import trio

#: Slices of large writes let through per loop turn.
BULK_PER_TURN = 8


class BulkTurns:
    """The gate: `await turn()` before each slice of a large write; `run()` lets them through."""

    def __init__(self, per_turn: int = BULK_PER_TURN) -> None:
        self.per_turn = per_turn
        self._lot = trio.lowlevel.ParkingLot()
        self._waiting = trio.Event()
        self._running = False
        self.passed = 0  # slices let through (for tests and benchmarks)

    async def turn(self) -> None:
        """Wait until this slice may be written (at once when the gate is not running: no hub)."""
        if not self._running:
            await trio.lowlevel.checkpoint()
            return
        self._waiting.set()
        await self._lot.park()

    async def run(self) -> None:
        """Each loop turn, the next `per_turn` waiting slices go (in the order they began to wait)."""
        self._running = True
        try:
            while True:
                await self._waiting.wait()
                self._waiting = trio.Event()
                while self._lot:
                    self.passed += len(self._lot.unpark(count=self.per_turn))
                    await trio.lowlevel.checkpoint()
        finally:
            self._running = False
            self._lot.unpark_all()
