from __future__ import annotations

import threading
from typing import Any

import socketio

from tests.helpers.waiting import wait_until  # noqa: F401  (the realtime tests import it from here)


class RecordingClient:
    """A python-socketio Client that records every server event in arrival order."""

    def __init__(self, url: str, transports: list[str], **client_options: Any) -> None:
        self.client = socketio.Client(**client_options)
        self.events: list[tuple[str, tuple]] = []
        self.connects = 0
        self.disconnect_reasons: list[Any] = []
        self._lock = threading.Lock()

        @self.client.on("*")
        def any_event(event, *args):
            with self._lock:
                self.events.append((event, args))

        @self.client.event
        def connect():
            self.connects += 1

        @self.client.event
        def disconnect(reason=None):
            self.disconnect_reasons.append(reason)

        self.client.connect(url, transports=transports, wait_timeout=10)

    def named(self, name: str) -> list[tuple]:
        with self._lock:
            return [args for event, args in self.events if event == name]

    def call(self, event: str, *args: Any, timeout: float = 30) -> Any:
        data = args[0] if len(args) == 1 else (tuple(args) if args else None)
        return self.client.call(event, data, timeout=timeout)

    def close(self) -> None:
        self.client.disconnect()
