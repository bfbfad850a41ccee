"""Frames serialized once for every recipient: RFC 6455 server messages and the shared `Wire` batch.

A server's websocket messages are not masked, so the bytes of one message are the same for every client:
a broadcast (a beat's five events to a thousand dashboards) or a login burst cached for many logins is
serialized here once and the same `bytes` object is written to every socket. Sans-io: no sockets here.
"""

from __future__ import annotations

from collections.abc import Iterable

Frame = str | bytes

#: A websocket write larger than this goes to the socket in slices of it (`write_slices`): each socket call
#: copies at most this much and Trio's send yields after each call, so a login burst of megabytes is many
#: short steps of the event loop with other sockets' acks and pings between them, not a few long ones.
WRITE_SLICE = 256 * 2**10

_TEXT = 0x81  # FIN + text opcode
_BINARY = 0x82  # FIN + binary opcode


def ws_header(opcode_byte: int, length: int) -> bytes:
    """The header of one unmasked, unfragmented message of `length` payload bytes (no extension bits:
    kuma accepts websockets without permessage-deflate)."""
    if length < 126:
        return bytes((opcode_byte, length))
    if length < 65536:
        return bytes((opcode_byte, 126)) + length.to_bytes(2, "big")
    return bytes((opcode_byte, 127)) + length.to_bytes(8, "big")


def ws_message(frame: Frame) -> bytes:
    """One Engine.IO frame as one websocket message: text frames as text, binary attachments as binary."""
    if isinstance(frame, str):
        data = frame.encode("utf-8")
        return ws_header(_TEXT, len(data)) + data
    return ws_header(_BINARY, len(frame)) + bytes(frame)


def ws_messages(frames: Iterable[Frame | Wire]) -> bytes:
    """Several frames (or shared batches) as consecutive websocket messages, ready for one socket write."""
    parts: list[bytes] = []
    for frame in frames:
        parts.append(frame.websocket_bytes() if isinstance(frame, Wire) else ws_message(frame))
    return parts[0] if len(parts) == 1 else b"".join(parts)


def write_slices(data: bytes, size: int = WRITE_SLICE) -> list[bytes | memoryview]:
    """`data` as consecutive slices of at most `size` bytes (views: nothing is copied)."""
    if len(data) <= size:
        return [data]
    view = memoryview(data)
    return [view[start : start + size] for start in range(0, len(data), size)]


class Wire:
    """Engine.IO frames encoded once and shared by every outbox that holds them: the frames themselves (a
    polling payload needs them) and, made on first use and kept, the same frames as websocket messages.
    Counts as one outbox item of `size` (the frames' lengths, as the outbox counts them).

    `held`: kept by its maker for many recipients over time (a login burst shared by many logins): its
    memory is the maker's, once, so outboxes holding it charge the outbound budget a token, not its size."""

    __slots__ = ("frames", "size", "held", "_ws")

    def __init__(self, frames: list[Frame], held: bool = False) -> None:
        self.frames = frames
        self.size = sum(map(len, frames))
        self.held = held
        self._ws: bytes | None = None

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"<Wire {len(self.frames)} frames, {self.size} bytes>"

    def websocket_bytes(self) -> bytes:
        if self._ws is None:
            self._ws = ws_messages(self.frames)
        return self._ws


def flatten(items: Iterable[Frame | Wire]) -> list[Frame]:
    """The plain frames of outbox items (shared batches opened up), in order."""
    frames: list[Frame] = []
    for item in items:
        if isinstance(item, Wire):
            frames.extend(item.frames)
        else:
            frames.append(item)
    return frames
