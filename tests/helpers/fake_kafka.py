"""A local Kafka broker stand-in speaking the real protocol (no Kafka is packaged for Debian).

What it covers: size-prefixed requests with header v1; Metadata v4 (this broker as node 1, one partition per
topic, auto-creation only when the request allows it, else error 3 UNKNOWN_TOPIC_OR_PARTITION); Produce v3
whose record batch it decodes and CRC-32C-checks with its own bitwise CRC (not the client's table), keeping
each record's value in `messages`; SaslHandshake v1 and SaslAuthenticate v0 for PLAIN and SCRAM-SHA-256
(scramp's server side); error 58 for wrong credentials. Optional TLS (`tls_cert`) and a per-request `delay`.
"""
from __future__ import annotations

import socket
import ssl
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.helpers.threads import ThreadedListener, recv_exactly, serving


def bitwise_crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def _string(text: str | None) -> bytes:
    if text is None:
        return struct.pack(">h", -1)
    return struct.pack(">h", len(text.encode())) + text.encode()


def _read_varint(data: bytes, offset: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return (value >> 1) ^ -(value & 1), offset


def decode_batch(batch: bytes) -> list[bytes]:
    """Values of the records in a magic-2 batch; ValueError when its CRC does not match."""
    _, length, _, magic, crc = struct.unpack_from(">qiibI", batch, 0)
    after = batch[21:12 + length]
    if magic != 2 or bitwise_crc32c(after) != crc:
        raise ValueError("corrupt batch")
    count = struct.unpack_from(">i", after, 36)[0]
    offset, values = 40, []
    for _ in range(count):
        _, offset = _read_varint(after, offset)
        offset += 1  # attributes
        for _ in range(2):
            _, offset = _read_varint(after, offset)
        key_length, offset = _read_varint(after, offset)
        offset += max(key_length, 0)
        value_length, offset = _read_varint(after, offset)
        values.append(after[offset:offset + value_length])
        offset += value_length
        headers, offset = _read_varint(after, offset)
    return values


class FakeKafka(ThreadedListener):
    def __init__(self, topics: set[str], users: dict[str, str] | None = None, tls_cert=None, delay: float = 0.0):
        super().__init__()
        self.topics, self.users, self.delay = set(topics), users, delay
        self.messages: list[tuple[str, int, bytes]] = []
        self.tls = None
        if tls_cert is not None:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(tls_cert.chain_path, tls_cert.key_path)

    def _connection(self, client: socket.socket) -> None:
        state = {"authenticated": self.users is None, "scram": None}
        try:
            if self.tls is not None:
                client = self.tls.wrap_socket(client, server_side=True)
            with client:
                while True:
                    size = struct.unpack(">i", recv_exactly(client, 4))[0]
                    message = recv_exactly(client, size)
                    key, version, correlation = struct.unpack_from(">hhi", message, 0)
                    id_length = struct.unpack_from(">h", message, 8)[0]
                    body = message[10 + max(id_length, 0):]
                    if self.delay:
                        time.sleep(self.delay)
                    answer = self._answer(key, body, state)
                    if answer is None:
                        return
                    reply = struct.pack(">i", correlation) + answer
                    client.sendall(struct.pack(">i", len(reply)) + reply)
        except (ConnectionError, OSError, ssl.SSLError):
            return

    def _answer(self, key: int, body: bytes, state: dict) -> bytes | None:
        if key == 17:  # SaslHandshake
            mechanism = body[2:2 + struct.unpack_from(">h", body, 0)[0]].decode()
            ok = mechanism in ("PLAIN", "SCRAM-SHA-256")
            state["mechanism"] = mechanism
            return struct.pack(">hi", 0 if ok else 33, 2) + _string("PLAIN") + _string("SCRAM-SHA-256")
        if key == 36:
            return self._sasl(body[4:], state)
        if not state["authenticated"]:
            return None  # a real broker closes the connection
        if key == 3:
            return self._metadata(body)
        if key == 0:
            return self._produce(body)
        return None

    def _sasl(self, token: bytes, state: dict) -> bytes:
        failed = struct.pack(">h", 58) + _string("Authentication failed: Invalid username or password") + \
            struct.pack(">i", 0)
        if state.get("mechanism") == "PLAIN":
            _, user, password = token.split(b"\x00")
            if self.users.get(user.decode()) != password.decode():
                return failed
            state["authenticated"] = True
            return struct.pack(">h", 0) + _string(None) + struct.pack(">i", 0)
        from scramp import ScramMechanism

        if state["scram"] is None:
            mechanism = ScramMechanism("SCRAM-SHA-256")
            infos = {u: mechanism.make_auth_info(p, iteration_count=4096) for u, p in self.users.items()}
            server = mechanism.make_server(lambda user: infos[user])
            try:
                server.set_client_first(token.decode())
            except Exception:
                return failed
            state["scram"] = server
            first = server.get_server_first().encode()
            return struct.pack(">h", 0) + _string(None) + struct.pack(">i", len(first)) + first
        try:
            state["scram"].set_client_final(token.decode())
        except Exception:
            return failed
        state["authenticated"] = True
        final = state["scram"].get_server_final().encode()
        return struct.pack(">h", 0) + _string(None) + struct.pack(">i", len(final)) + final

    def _metadata(self, body: bytes) -> bytes:
        size = struct.unpack_from(">h", body, 4)[0]
        topic = body[6:6 + size].decode()
        allow = body[6 + size] == 1
        if topic not in self.topics and allow:
            self.topics.add(topic)
        out = struct.pack(">ii", 0, 1) + struct.pack(">i", 1) + _string("127.0.0.1") + \
            struct.pack(">i", self.port) + _string(None) + _string("fake-cluster") + struct.pack(">ii", 1, 1)
        if topic in self.topics:
            return out + struct.pack(">h", 0) + _string(topic) + b"\x00" + struct.pack(">ihiiiiii", 1, 0, 0, 1, 1, 1, 1, 1)
        return out + struct.pack(">h", 3) + _string(topic) + b"\x00" + struct.pack(">i", 0)

    def _produce(self, body: bytes) -> bytes:
        offset = 2 + 2 + 4 + 4  # null transactional id, acks, timeout, topic count
        size = struct.unpack_from(">h", body, offset)[0]
        topic = body[offset + 2:offset + 2 + size].decode()
        offset += 2 + size + 4
        partition, length = struct.unpack_from(">ii", body, offset)
        batch = body[offset + 8:offset + 8 + length]
        try:
            values, code = decode_batch(batch), 0
        except (ValueError, struct.error, IndexError):
            values, code = [], 2
        if topic not in self.topics:
            code = 3
        for value in values if not code else []:
            self.messages.append((topic, partition, value))
        return struct.pack(">i", 1) + _string(topic) + struct.pack(">iihqq", 1, partition, code, 0, -1) + \
            struct.pack(">i", 0)


@contextmanager
def fake_kafka(topics: set[str], **options) -> Iterator[FakeKafka]:
    server = FakeKafka(topics, **options)
    with serving(server):
        yield server
