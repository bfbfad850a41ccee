from __future__ import annotations

import threading
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from tests.helpers.waiting import wait_until  # noqa: F401  (the realtime tests import it from here)


class RecordingClient:
    """A python-socketio Client that records every server event in arrival order."""

    def __init__(self, url: str, transports: list[str], **client_options: Any) -> None:
        self.client = socketio.Client(**client_options)
        self.events: list[tuple[str, tuple]] = []
        self.connects = 0
        self.disconnect_reasons: list[Any] = []
        self._lock = threading.Lock()

        # recorded as the packets arrive, in the reader thread: python-socketio hands each message to a
        # thread of its own, so handlers would see events out of wire order on a busy machine
        receive = self.client.eio._receive_packet
        binary: list[sio_packet.Packet] = []  # a binary event waiting for its attachments

        def record(pkt) -> None:
            if pkt.packet_type == eio_packet.MESSAGE:
                self._record(pkt.data, binary)
            return receive(pkt)

        self.client.eio._receive_packet = record

        @self.client.event
        def connect():
            self.connects += 1

        @self.client.event
        def disconnect(reason=None):
            self.disconnect_reasons.append(reason)

        self.client.connect(url, transports=transports, wait_timeout=10)

    def _record(self, data: str | bytes, binary: list[sio_packet.Packet]) -> None:
        if isinstance(data, bytes):
            if binary and binary[0].add_attachment(data):
                self._append(binary.pop().data)
            return
        message = sio_packet.Packet(encoded_packet=data)
        if message.packet_type == sio_packet.EVENT:
            self._append(message.data)
        elif message.packet_type == sio_packet.BINARY_EVENT:
            binary[:] = [message]

    def _append(self, data: list) -> None:
        with self._lock:
            self.events.append((data[0], tuple(data[1:])))

    def named(self, name: str) -> list[tuple]:
        with self._lock:
            return [args for event, args in self.events if event == name]

    def call(self, event: str, *args: Any, timeout: float = 30) -> Any:
        data = args[0] if len(args) == 1 else (tuple(args) if args else None)
        return self.client.call(event, data, timeout=timeout)

    def close(self) -> None:
        self.client.disconnect()
