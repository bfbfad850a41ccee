"""kuma serializes its websocket messages itself (`kuma.realtime.wire`), once per broadcast: the bytes must
be exactly what a websocket library writes for the same message, for every length class of RFC 6455."""
from __future__ import annotations

import pytest
from wsproto import ConnectionType
from wsproto.connection import Connection
from wsproto.events import BytesMessage, TextMessage

from kuma.realtime.wire import Wire, flatten, ws_message, ws_messages


def _library(frame: str | bytes) -> bytes:
    server = Connection(ConnectionType.SERVER)
    event = TextMessage(data=frame) if isinstance(frame, str) else BytesMessage(data=frame)
    return server.send(event)


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65535, 65536, 300_000])
def test_text_and_binary_messages_equal_wsproto(length):
    text = "42" + "é" * (length // 2) + "x" * (length % 2)  # multi-byte UTF-8: the length is in bytes
    assert ws_message(text) == _library(text)
    data = bytes(range(256)) * (length // 256) + bytes(length % 256)
    assert ws_message(data) == _library(data)


def test_a_wire_is_serialized_once_and_opened_for_polling():
    frames = ['42["heartbeat",{"status":1}]', b"\x01\x02", '42["uptime",1,24,1]']
    wire = Wire(frames)
    assert wire.size == sum(map(len, frames)) and len(wire) == wire.size
    first = wire.websocket_bytes()
    assert first == b"".join(_library(f) for f in frames)
    assert wire.websocket_bytes() is first  # the same bytes object for every recipient
    assert ws_messages(["40", wire]) == _library("40") + first
    assert flatten(["40", wire, "2"]) == ["40", *frames, "2"]
