"""The one way tests wait: poll a condition until it holds or a generous deadline passes.

Deadlines are bounds for slow machines, never measurements: a test asserts what it waited for, not how
long it took.
"""
from __future__ import annotations

import subprocess
import time
from typing import Any, Callable, TypeVar

import httpx
import trio

T = TypeVar("T")


def wait_until(predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition",
               interval: float = 0.01) -> Any:
    """Poll until `predicate()` is truthy and return its value; AssertionError naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


async def trio_wait_until(predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition",
                          interval: float = 0.01) -> Any:
    """`wait_until` inside Trio (real clock): yields to the loop between polls."""
    with trio.move_on_after(timeout):
        while not (value := predicate()):
            await trio.sleep(interval)
        return value
    raise AssertionError(f"timed out waiting for {what}")


def wait_for_value(read: Callable[[], T], holds: Callable[[T], Any], timeout: float = 30.0,
                   what: str = "value", interval: float = 0.05) -> T:
    """`read()` until `holds(value)` and return that value; AssertionError with the last value on timeout.

    For what a client caches from events, which may land after the ack of the change that sends them
    (`uptime_kuma_api` handles each event in a thread of its own and returns after `wait_events`)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if holds(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last read: {value!r}")
        time.sleep(interval)


def wait_for_http(url: str, process: subprocess.Popen | None = None, timeout: float = 60.0,
                  describe: Callable[[], str] = lambda: "") -> httpx.Response:
    """The first answer of a server that is starting; fails at once if its process exits meanwhile."""

    def answer() -> httpx.Response | None:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}\n{describe()}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.HTTPError:
            return None

    try:
        return wait_until(answer, timeout, what=f"an answer from {url}", interval=0.05)
    except AssertionError as exc:
        if "timed out" in str(exc):
            raise AssertionError(f"{exc}\n{describe()}") from None
        raise
