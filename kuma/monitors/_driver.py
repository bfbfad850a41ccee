"""Shared by the database and broker checks: blocking drivers in a bounded thread pool, and Node's words.

A blocking driver (pg8000, PyMySQL, pymongo, python-tds) runs in a worker thread under one process-wide
`trio.CapacityLimiter`, so a thousand database monitors never mean a thousand threads. Each driver is also
given the monitor's timeout on its socket, so an abandoned thread ends soon after the check gave up on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import trio

from kuma.monitors._http_errors import _iter_causes, _socket_message, _tls_message
from kuma.monitors.base import CheckFailed

T = TypeVar("T")

#: Worker threads that blocking drivers may use at once (shared by every database type).
THREADS = 16
_LIMITER: trio.lowlevel.RunVar[trio.CapacityLimiter] = trio.lowlevel.RunVar("kuma_driver_limiter")


def limiter() -> trio.CapacityLimiter:
    """The one limiter of this Trio run, made on first use (Trio objects must not outlive their run)."""
    try:
        return _LIMITER.get()
    except LookupError:
        made = trio.CapacityLimiter(THREADS)
        _LIMITER.set(made)
        return made


def timeout_text(timeout: float) -> str:
    """What a check that ran out of time says (the wording of Uptime Kuma's HTTP client)."""
    return f"timeout of {round(timeout * 1000)}ms exceeded"


async def run_blocking(fn: Callable[[], T], timeout: float, prefix: str = "") -> T:
    """`fn()` in a bounded worker thread, given up after `timeout` s (its socket timeout ends the thread);
    the timeout message starts with `prefix` (the type's usual DOWN prefix)."""
    with trio.move_on_after(timeout) as scope:
        return await trio.to_thread.run_sync(fn, limiter=limiter(), abandon_on_cancel=True)
    assert scope.cancelled_caught
    raise CheckFailed(prefix + timeout_text(timeout))


def transport_text(exc: BaseException, host: str, port: int | None) -> str | None:
    """Node's wording for a socket or TLS failure among the exception's causes, else None."""
    causes = list(_iter_causes(exc))
    found = _tls_message(causes, host) or _socket_message(causes, host, port, True)
    if found is None and any(isinstance(cause, TimeoutError) for cause in causes):
        return f"connect ETIMEDOUT {host}:{port}" if port is not None else "connect ETIMEDOUT"
    return found
