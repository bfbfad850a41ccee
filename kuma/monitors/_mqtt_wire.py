"""MQTT 3.1.1 packets: the few a subscribing client needs (CONNECT, SUBSCRIBE, PUBLISH in, DISCONNECT). Pure."""

from __future__ import annotations

from dataclasses import dataclass

from kuma.monitors import _varint as leb128

CONNACK_TEXT = {
    1: "Connection refused: Unacceptable protocol version",
    2: "Connection refused: Identifier rejected",
    3: "Connection refused: Server unavailable",
    4: "Connection refused: Bad username or password",
    5: "Connection refused: Not authorized",
}

DISCONNECT = b"\xe0\x00"


def _varint(length: int) -> bytes:
    return leb128.encode(length)


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return len(data).to_bytes(2, "big") + data


def _packet(first: int, body: bytes) -> bytes:
    return bytes([first]) + _varint(len(body)) + body


def connect(client_id: str, username: str | None, password: str | None, keepalive: int = 60) -> bytes:
    flags = 0x02  # clean session
    payload = _string(client_id)
    if username:
        flags |= 0x80
        payload += _string(username)
        if password:
            flags |= 0x40
            payload += _string(password)
    return _packet(0x10, _string("MQTT") + bytes([4, flags]) + keepalive.to_bytes(2, "big") + payload)


def subscribe(topic: str, packet_id: int = 1) -> bytes:
    return _packet(0x82, packet_id.to_bytes(2, "big") + _string(topic) + b"\x00")


def publish(topic: str, payload: bytes, *, retain: bool = False) -> bytes:
    """A QoS 0 PUBLISH (the tests publish with it)."""
    return _packet(0x30 | (0x01 if retain else 0), _string(topic) + payload)


@dataclass
class Packet:
    kind: int  # the high nibble: 2 CONNACK, 3 PUBLISH, 9 SUBACK, …
    flags: int
    body: bytes


def split(buffer: bytes) -> tuple[Packet | None, bytes]:
    """The first whole packet in `buffer` and what follows it, or (None, buffer) when more is needed."""
    if len(buffer) < 2:
        return None, buffer
    length, multiplier, index = 0, 1, 1
    while True:
        if index >= len(buffer):
            return None, buffer
        byte = buffer[index]
        length += (byte & 0x7F) * multiplier
        multiplier *= 128
        index += 1
        if not byte & 0x80:
            break
        if index > 4:
            raise ValueError("Invalid remaining length")
    if len(buffer) < index + length:
        return None, buffer
    packet = Packet(buffer[0] >> 4, buffer[0] & 0x0F, buffer[index : index + length])
    return packet, buffer[index + length :]


def publish_parts(packet: Packet) -> tuple[str, bytes]:
    """(topic, payload) of a PUBLISH packet (the packet id of QoS 1/2 is skipped)."""
    size = int.from_bytes(packet.body[:2], "big")
    topic = packet.body[2 : 2 + size].decode("utf-8", "replace")
    rest = packet.body[2 + size :]
    if (packet.flags >> 1) & 0x03:
        rest = rest[2:]
    return topic, rest
