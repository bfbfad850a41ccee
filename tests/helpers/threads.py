"""The thread plumbing the hand-written stand-in servers share (TCP/UDP responders, fake databases)."""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar


@contextmanager
def loop_thread(loop: Callable[[], None], sock: socket.socket, stop: threading.Event) -> Iterator[int]:
    """Run a stand-in's `loop` (it returns once `stop` is set) in a daemon thread and yield the port `sock`
    is bound to; on leaving, stop the loop, wait for it and close the socket."""
    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        sock.close()


class Serving(Protocol):
    def serve(self) -> None: ...

    def close(self) -> None: ...


S = TypeVar("S", bound=Serving)


@contextmanager
def serving(server: S) -> Iterator[S]:
    """`server.serve()` in a daemon thread while the block runs; `server.close()` after it."""
    threading.Thread(target=server.serve, daemon=True).start()
    try:
        yield server
    finally:
        server.close()


class ThreadedListener:
    """A stand-in TCP server on 127.0.0.1 at a free `port`: `serve` gives each accepted client to
    `_connection` in a thread of its own, until `close`; the fake databases differ only in what they say."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(32)
        self.port = self.listener.getsockname()[1]
        self.closed = False

    def serve(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connection, args=(client,), daemon=True).start()

    def _connection(self, client: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.closed = True
        self.listener.close()


def recv_exactly(conn: socket.socket, size: int) -> bytes:
    """Exactly `size` bytes from `conn`; ConnectionError if the peer closes first."""
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data
