"""Base-128 varints (LEB128): the lengths and integers of MQTT, Kafka records, protobuf and Minecraft's
server ping are all this one encoding, so the four wire modules share one encoder."""

from __future__ import annotations


def encode(value: int) -> bytes:
    """A non-negative `value` in 7-bit groups, lowest first, the high bit set on every byte but the last
    (callers first map signed values their own way: zig-zag, two's complement at 32 or 64 bits)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)
