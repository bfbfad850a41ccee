"""Progress of the aggregate step: percent, rows/s and time left, for the terminal, the log and the
web page shown while `kuma serve` migrates. Pure arithmetic plus a tiny thread-safe snapshot."""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass
from typing import TextIO

log = logging.getLogger("kuma.migration")

LOG_EVERY_S = 5.0
BAR_WIDTH = 30


@dataclass(frozen=True)
class Snapshot:
    phase: str  # 'backup', 'schema', 'stats', 'done'
    done: int = 0
    total: int = 0
    rate: float = 0.0  # rows/s in this run
    eta_s: float | None = None
    unit: str = "heartbeats"  # what `done`/`total` count

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else (100.0 if self.phase == "done" else 0.0)


def human_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {sec:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def describe(snap: Snapshot) -> str:
    """`63.2 % (5,210,000 of 8,240,000 heartbeats, 41,000 rows/s, about 1 min 14 s left)`."""
    left = f", about {human_duration(snap.eta_s)} left" if snap.eta_s is not None else ""
    return f"{snap.percent:.1f} % ({snap.done:,} of {snap.total:,} {snap.unit}, {snap.rate:,.0f} rows/s{left})"


def bar(snap: Snapshot) -> str:
    filled = int(BAR_WIDTH * snap.percent / 100)
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {describe(snap)}"


class Progress:
    """Fed by the runner's thread; read by the web page (`snapshot`). Logs every LOG_EVERY_S and draws
    a bar on a terminal. `unit`/`label` name what is counted (the MySQL copy counts rows)."""

    def __init__(
        self, stream: TextIO | None = None, *, unit: str = "heartbeats", label: str = "aggregate tables"
    ) -> None:
        self._unit, self._label = unit, label
        self._lock = threading.Lock()
        self._snap = Snapshot("starting", unit=unit)
        self._stream = stream if stream is not None else sys.stderr
        self._tty = bool(getattr(self._stream, "isatty", lambda: False)())
        self._started = time.monotonic()
        self._first_done = 0
        self._last_log = 0.0

    @property
    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._snap

    def phase(self, name: str) -> None:
        with self._lock:
            self._snap = Snapshot(name, self._snap.done, self._snap.total, unit=self._unit)

    def begin_rows(self, done: int, total: int) -> None:
        self._started, self._first_done = time.monotonic(), done
        self._set(done, total)

    def rows(self, done: int, total: int) -> None:
        snap = self._set(done, total)
        now = time.monotonic()
        if self._tty:
            self._stream.write("\r" + bar(snap))
            self._stream.flush()
        if now - self._last_log >= LOG_EVERY_S or done >= total:
            self._last_log = now
            if not self._tty:
                log.info("%s: %s", self._label, describe(snap))

    def end_rows(self) -> None:
        if self._tty:
            self._stream.write("\n")
            self._stream.flush()

    def _set(self, done: int, total: int) -> Snapshot:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = (done - self._first_done) / elapsed
        eta = (total - done) / rate if rate > 0 else None
        with self._lock:
            self._snap = Snapshot("stats", done, total, rate, eta, self._unit)
            return self._snap
