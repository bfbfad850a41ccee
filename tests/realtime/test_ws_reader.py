"""The front's hand-written frame reader (kuma/realtime/ws_reader.py) against frames made by wsproto's client:
every length class, fragments with control frames between them, any split of the bytes, the refusals."""
from __future__ import annotations

import random

import pytest
from wsproto import ConnectionType
from wsproto.connection import Connection
from wsproto.events import BytesMessage, CloseConnection, Ping, TextMessage

from kuma.realtime import ws_reader
from kuma.realtime.ws_reader import BINARY, CLOSE, PING, TEXT, TOO_BIG, FrameReader, Violation


def _client() -> Connection:
    return Connection(ConnectionType.CLIENT)


def _feed_split(data: bytes, seed: int, max_message: int = 2**24) -> list:
    reader = FrameReader(max_message)
    rng = random.Random(seed)
    out, pos = [], 0
    while pos < len(data):
        step = rng.randint(1, 70_000)
        out += reader.feed(data[pos : pos + step])
        pos += step
    assert reader.buffer == b""
    return out


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65535, 65536, 300_000])
def test_messages_of_every_length_class_any_split(length):
    client = _client()
    text = "é" * (length // 2) + "a" * (length % 2)
    data = client.send(TextMessage(data=text)) + client.send(BytesMessage(data=b"\x00\xff" * length))
    for seed in range(3):
        assert _feed_split(data, seed) == [(TEXT, text), (BINARY, b"\x00\xff" * length)]


def test_fragments_with_a_ping_between_and_a_close():
    client = _client()
    data = client.send(TextMessage(data="héllo ", message_finished=False))
    data += client.send(Ping(payload=b"p"))
    data += client.send(TextMessage(data="wörld", message_finished=True))
    data += client.send(CloseConnection(code=1000, reason="bye"))
    for seed in range(5):
        assert _feed_split(data, seed) == [(PING, b"p"), (TEXT, "héllo wörld"), (CLOSE, (1000, "bye"))]


def test_a_message_over_the_limit_is_skipped_and_what_follows_is_read():
    client = _client()
    data = client.send(BytesMessage(data=b"x" * 5000)) + client.send(TextMessage(data="after"))
    assert _feed_split(data, 1, max_message=1000) == [TOO_BIG, (TEXT, "after")]


@pytest.mark.parametrize("frame", [
    b"\x81\x05hello",  # not masked
    b"\xc1\x80\x00\x00\x00\x00",  # RSV1 without extensions
    b"\x80\x80\x00\x00\x00\x00",  # continuation with nothing to continue
    b"\x09\x80\x00\x00\x00\x00",  # fragmented ping
    b"\x83\x80\x00\x00\x00\x00",  # reserved opcode
    b"\x88\x81\x00\x00\x00\x00\x01",  # close of one byte
    b"\x88\x82\x00\x00\x00\x00\x03\xed",  # close code 1005 sent on the wire
    b"\x81\x82\x00\x00\x00\x00\xc3\x28",  # invalid UTF-8
])
def test_protocol_violations_raise(frame):
    with pytest.raises(Violation):
        FrameReader(2**20).feed(frame)


def test_server_control_frames_are_wsprotos():
    server = Connection(ConnectionType.SERVER)
    assert ws_reader.close_frame(1009) == server.send(CloseConnection(code=1009))
    server = Connection(ConnectionType.SERVER)
    assert ws_reader.close_frame(1000, "ré" * 100) == server.send(CloseConnection(code=1000, reason="ré" * 100))
    assert ws_reader.close_frame(None) == b"\x88\x00"
    assert ws_reader.control_frame(ws_reader.PONG, b"p") == Connection(ConnectionType.SERVER).send(
        Ping(payload=b"p").response())
