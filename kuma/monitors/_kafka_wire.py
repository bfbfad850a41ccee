"""The Kafka protocol pieces a one-message producer needs, as pure functions: request framing, Metadata v4,
Produce v3 with a v2 record batch (CRC-32C), SaslHandshake v1 and SaslAuthenticate v0."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from kuma.monitors import _varint as leb128

METADATA, PRODUCE, SASL_HANDSHAKE, SASL_AUTHENTICATE = 3, 0, 17, 36

#: Broker error codes → kafkajs's texts for the ones a producer meets.
ERRORS = {
    1: "The requested offset is not within the range of offsets maintained by the server",
    2: "This message has failed its CRC checksum, exceeds the valid size, or is otherwise corrupt",
    3: "This server does not host this topic-partition",
    5: "There is no leader for this topic-partition as we are in the middle of a leadership election",
    6: "This server is not the leader for that topic-partition",
    7: "The request timed out",
    10: "The request included a message larger than the max message size the server will accept",
    17: "The request attempted to perform an operation on an invalid topic",
    19: "Messages are rejected since there are fewer in-sync replicas than required",
    29: "Not authorized to access topics: [Topic authorization failed]",
    33: "The broker does not support the requested SASL mechanism",
    58: "SASL Authentication failed",
}


def error_text(code: int) -> str:
    return ERRORS.get(code, f"Kafka error code {code}")


def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def string(text: str | None) -> bytes:
    if text is None:
        return struct.pack(">h", -1)
    data = text.encode("utf-8")
    return struct.pack(">h", len(data)) + data


def blob(data: bytes) -> bytes:
    return struct.pack(">i", len(data)) + data


def varint(value: int) -> bytes:
    """A zig-zag varint (record fields)."""
    return leb128.encode((value << 1) ^ (value >> 63))


def request(api_key: int, version: int, correlation: int, client_id: str, body: bytes) -> bytes:
    """A size-prefixed request with header v1."""
    message = struct.pack(">hhi", api_key, version, correlation) + string(client_id) + body
    return struct.pack(">i", len(message)) + message


def metadata_request(topic: str, allow_auto_creation: bool) -> bytes:
    return struct.pack(">i", 1) + string(topic) + struct.pack(">?", allow_auto_creation)


def record_batch(value: bytes, timestamp_ms: int) -> bytes:
    """One record (no key, no headers) in a magic-2 batch."""
    record = b"\x00" + varint(0) + varint(0) + varint(-1) + varint(len(value)) + value + varint(0)
    record = varint(len(record)) + record
    after_crc = struct.pack(">hiqqqhii", 0, 0, timestamp_ms, timestamp_ms, -1, -1, -1, 1) + record
    body = struct.pack(">ibI", -1, 2, crc32c(after_crc)) + after_crc
    return struct.pack(">qi", 0, len(body)) + body


def produce_request(topic: str, partition: int, batch: bytes, acks: int = -1, timeout_ms: int = 30000) -> bytes:
    return (
        string(None)
        + struct.pack(">hii", acks, timeout_ms, 1)
        + string(topic)
        + struct.pack(">ii", 1, partition)
        + blob(batch)
    )


class Reader:
    """Reads a response body field by field."""

    def __init__(self, data: bytes) -> None:
        self.data, self.offset = data, 0

    def take(self, fmt: str) -> int:
        (value,) = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += struct.calcsize(fmt)
        return int(value)

    def string(self) -> str | None:
        size = self.take(">h")
        if size < 0:
            return None
        text = self.data[self.offset : self.offset + size].decode("utf-8", "replace")
        self.offset += size
        return text

    def blob(self) -> bytes:
        size = self.take(">i")
        data = self.data[self.offset : self.offset + max(size, 0)]
        self.offset += max(size, 0)
        return data


@dataclass
class TopicMetadata:
    error: int
    brokers: dict[int, tuple[str, int]]
    #: partition index → (error code, leader node id)
    partitions: dict[int, tuple[int, int]] = field(default_factory=dict)


def parse_metadata(data: bytes) -> TopicMetadata:
    """Metadata v4 response for one topic."""
    reader = Reader(data)
    reader.take(">i")  # throttle
    brokers = {}
    for _ in range(reader.take(">i")):
        node = reader.take(">i")
        host = reader.string() or ""
        brokers[node] = (host, reader.take(">i"))
        reader.string()  # rack
    reader.string()  # cluster id
    reader.take(">i")  # controller
    result = TopicMetadata(error=0, brokers=brokers)
    for _ in range(reader.take(">i")):
        result.error = reader.take(">h")
        reader.string()
        reader.take(">?")
        for _ in range(reader.take(">i")):
            error, index, leader = reader.take(">h"), reader.take(">i"), reader.take(">i")
            for _ in range(2):  # replicas, in-sync replicas
                for _ in range(reader.take(">i")):
                    reader.take(">i")
            result.partitions[index] = (error, leader)
    return result


def parse_produce(data: bytes) -> int:
    """The error code of the one partition a Produce v3 response answers."""
    reader = Reader(data)
    code = 0
    for _ in range(reader.take(">i")):
        reader.string()
        for _ in range(reader.take(">i")):
            reader.take(">i")
            code = reader.take(">h") or code
            reader.take(">q")
            reader.take(">q")
    return code
