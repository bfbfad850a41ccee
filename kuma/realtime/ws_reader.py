"""A client's websocket frames read by hand (RFC 6455, server side, no extensions). Sans-io: bytes in,
messages out.

Why not wsproto here: its event generator and per-frame objects cost about 0.13 ms per small message,
as much as the rest of an `add` on the loop (issue #14). The rules are the ones wsproto enforces for a
server without extensions; a frame that breaks one raises `Violation`, and the front then drops the
connection, as Hypercorn does when wsproto reports a protocol error. Server frames are made by
`kuma.realtime.wire`.
"""

from __future__ import annotations

from kuma.realtime.wire import ws_header

TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA
#: What `feed` returns in place of a message larger than allowed (the front closes with 1009).
TOO_BIG = (-1, None)
_CLOSE_CODES_RESERVED = frozenset({1004, 1005, 1006, 1014, 1015})


class Violation(Exception):
    """The peer broke the protocol (RFC 6455): the connection is to be dropped."""


def unmask(data: bytes, mask: bytes) -> bytes:
    """XOR `data` with the repeated 4-byte `mask`, as one big-integer operation."""
    size = len(data)
    if not size:
        return b""
    key = (mask * ((size + 3) // 4))[:size]
    return (int.from_bytes(data, "little") ^ int.from_bytes(key, "little")).to_bytes(size, "little")


class FrameReader:
    """Reassembles a client's messages; control frames are returned as they come, between fragments."""

    __slots__ = ("buffer", "max_message", "_opcode", "_parts", "_size", "_skip")

    def __init__(self, max_message: int) -> None:
        self.buffer = b""
        self.max_message = max_message
        self._opcode = 0  # of the fragmented message under way, 0 when none
        self._parts: list[bytes] = []
        self._size = 0
        self._skip = 0  # bytes still to come of a frame refused as too big

    def feed(self, data: bytes) -> list[tuple[int, object]]:
        """Messages and control frames completed by `data`: (TEXT, str), (BINARY, bytes), (PING, bytes),
        (PONG, bytes), (CLOSE, (code or None, reason)), or TOO_BIG for a message over `max_message`."""
        if self._skip:
            taken = min(self._skip, len(data))
            self._skip -= taken
            data = data[taken:]
        buf = self.buffer + data if self.buffer else data
        out: list[tuple[int, object]] = []
        pos, end = 0, len(buf)
        while end - pos >= 2:
            first, second = buf[pos], buf[pos + 1]
            if first & 0x70 or not second & 0x80:  # extension bits without extensions, or an unmasked frame
                raise Violation("reserved bits set or client frame not masked")
            length, head = second & 0x7F, 2
            if length == 126:
                if end - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if end - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            opcode = first & 0x0F
            stop = pos + head + 4 + length
            if opcode < 8 and self._size + length > self.max_message:
                out.append(TOO_BIG)  # refused unread: its bytes are skipped, the frames after it read
                self._opcode, self._parts, self._size = 0, [], 0
                self._skip, pos = max(0, stop - end), min(stop, end)
                continue
            if stop > end:
                break
            payload = unmask(buf[pos + head + 4 : stop], buf[pos + head : pos + head + 4])
            pos = stop
            message = self._frame(first & 0x80, opcode, payload)
            if message is not None:
                out.append(message)
        self.buffer = buf[pos:]
        return out

    def _frame(self, fin: int, opcode: int, payload: bytes) -> tuple[int, object] | None:
        if opcode >= 8:
            if not fin or len(payload) > 125 or opcode > PONG:
                raise Violation("bad control frame")
            return (CLOSE, close_payload(payload)) if opcode == CLOSE else (opcode, payload)
        if opcode == 0:
            if not self._opcode:
                raise Violation("continuation without a message")
        elif opcode in (TEXT, BINARY):
            if self._opcode:
                raise Violation("new message inside a fragmented one")
            if fin:
                return (TEXT, _text(payload)) if opcode == TEXT else (BINARY, payload)
            self._opcode = opcode
        else:
            raise Violation(f"unknown opcode {opcode}")
        self._parts.append(payload)
        self._size += len(payload)
        if not fin:
            return None
        data = b"".join(self._parts)
        kind, self._opcode, self._parts, self._size = self._opcode, 0, [], 0
        return (TEXT, _text(data)) if kind == TEXT else (BINARY, data)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Violation("text message not UTF-8") from exc


def close_payload(payload: bytes) -> tuple[int | None, str]:
    """(code, reason) of a close frame; (None, "") when it has no code."""
    if not payload:
        return None, ""
    if len(payload) == 1:
        raise Violation("close frame of one byte")
    code = int.from_bytes(payload[:2], "big")
    if code < 1000 or code >= 5000 or code in _CLOSE_CODES_RESERVED or 1016 <= code < 3000:
        raise Violation(f"close code {code}")
    return code, _text(payload[2:])


def close_frame(code: int | None, reason: str | None = None) -> bytes:
    """A server close frame (unmasked): the code and the reason truncated to fit, or nothing."""
    payload = b""
    if code is not None:
        payload = code.to_bytes(2, "big") + _truncated(reason or "", 123)
    return control_frame(CLOSE, payload)


def control_frame(opcode: int, payload: bytes) -> bytes:
    """A server control frame (FIN set, unmasked), its header from `kuma.realtime.wire`."""
    return ws_header(0x80 | opcode, len(payload)) + payload


def _truncated(text: str, limit: int) -> bytes:
    data = text.encode("utf-8")
    while len(data) > limit:
        text = text[:-1]
        data = text.encode("utf-8")
    return data
