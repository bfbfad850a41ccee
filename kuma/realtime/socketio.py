"""Sans-io Socket.IO v5 layer on top of Engine.IO MESSAGE payloads.

`SocketIOParser.feed(message)` turns one Engine.IO message (text or a binary attachment) into zero or
more complete `SioPacket`s; the `encode_*` functions build what the server sends, as Engine.IO frames
(text frames carry the `4` MESSAGE prefix already, so a broadcast is encoded once and shared).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kuma.realtime.engineio import MESSAGE, Frame, ProtocolError


def _sio_packet():
    """python-socketio's packet codec, imported at first use: `import socketio` runs the package's
    __init__, which loads its clients with requests and websocket-client (~7 MB resident)."""
    from socketio import packet

    return packet


CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK = range(7)
MAX_ATTACHMENTS = 10


def dumps(obj: Any) -> str:
    """JSON as Node's JSON.stringify writes it: compact, key order kept, UTF-8 characters as they are."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


@dataclass
class SioPacket:
    type: int  # CONNECT, DISCONNECT, EVENT or ACK (binary variants are reassembled into EVENT/ACK)
    namespace: str = "/"
    id: int | None = None
    data: Any = None
    binary: bool = False

    @property
    def event(self) -> str:
        return self.data[0]

    @property
    def args(self) -> list:
        return self.data[1:] if self.type == EVENT else self.data


@dataclass
class SocketIOParser:
    """Decodes client packets for one Engine.IO session; holds a binary packet until its attachments came."""

    _pending: Any = None
    _pending_binary: bool = field(default=False)

    def feed(self, message: Frame) -> list[SioPacket]:
        if isinstance(message, (bytes, bytearray)):
            return self._attachment(bytes(message))
        if self._pending is not None:
            self._pending = None
            raise ProtocolError("text packet while binary attachments were expected")
        try:
            pkt = _sio_packet().Packet(encoded_packet=message)
        except ProtocolError:
            raise
        except Exception as exc:  # the codec raises ValueError, TypeError, RecursionError … on junk
            raise ProtocolError(f"invalid Socket.IO packet: {type(exc).__name__}") from exc
        if pkt.attachment_count:
            if pkt.packet_type not in (BINARY_EVENT, BINARY_ACK) or pkt.attachment_count > MAX_ATTACHMENTS:
                raise ProtocolError("invalid attachment count")
            self._validate(pkt)
            self._pending = pkt
            return []
        if pkt.packet_type in (BINARY_EVENT, BINARY_ACK):
            self._validate(pkt)  # zero attachments: a plain event
        return [self._finish(pkt)]

    def _attachment(self, data: bytes) -> list[SioPacket]:
        pkt = self._pending
        if pkt is None:
            raise ProtocolError("unexpected binary attachment")
        try:
            complete = pkt.add_attachment(data)
        except Exception as exc:
            self._pending = None
            raise ProtocolError("invalid binary attachment") from exc
        if not complete:
            return []
        self._pending = None
        return [self._finish(pkt, binary=True)]

    def _finish(self, pkt: Any, binary: bool = False) -> SioPacket:
        self._validate(pkt)
        kind = pkt.packet_type
        if kind == BINARY_EVENT:
            kind = EVENT
        elif kind == BINARY_ACK:
            kind = ACK
        return SioPacket(kind, pkt.namespace or "/", pkt.id, pkt.data, binary)

    @staticmethod
    def _validate(pkt: Any) -> None:
        kind, data = pkt.packet_type, pkt.data
        if not isinstance(kind, int) or kind not in (CONNECT, DISCONNECT, EVENT, ACK, BINARY_EVENT, BINARY_ACK):
            raise ProtocolError("invalid packet type")
        if pkt.namespace is not None and not isinstance(pkt.namespace, str):
            raise ProtocolError("invalid namespace")
        if kind == CONNECT:
            if data is not None and not isinstance(data, dict):
                raise ProtocolError("invalid CONNECT payload")
        elif kind in (EVENT, BINARY_EVENT):
            if not isinstance(data, list) or not data or not isinstance(data[0], str):
                raise ProtocolError("invalid EVENT payload")
        elif kind in (ACK, BINARY_ACK):
            if not isinstance(data, list) or pkt.id is None:
                raise ProtocolError("invalid ACK payload")


# ---- encoding (server → client) --------------------------------------------------------------------
def _prefix(kind: int, namespace: str, ack_id: int | None, attachments: int = 0) -> str:
    text = MESSAGE + str(kind)
    if attachments:
        text += f"{attachments}-"
    if namespace != "/":
        text += namespace + ","
    if ack_id is not None:
        text += str(ack_id)
    return text


def _has_binary(data: Any) -> bool:
    if isinstance(data, (bytes, bytearray)):
        return True
    if isinstance(data, list):
        return any(_has_binary(item) for item in data)
    if isinstance(data, dict):
        return any(_has_binary(item) for item in data.values())
    return False


def _encode(kind: int, binary_kind: int, namespace: str, ack_id: int | None, data: list) -> list[Frame]:
    try:  # nearly every payload is plain JSON: no Python walk over it first
        return [_prefix(kind, namespace, ack_id) + dumps(data)]
    except TypeError:
        if not _has_binary(data):
            raise
    placeholders, attachments = _sio_packet().Packet.deconstruct_binary(data)
    head = _prefix(binary_kind, namespace, ack_id, len(attachments)) + dumps(placeholders)
    return [head, *(bytes(a) for a in attachments)]


def encode_event(event: str, args: tuple | list, namespace: str = "/", ack_id: int | None = None) -> list[Frame]:
    """`42["event",...args]` (plus binary attachments) as Engine.IO frames."""
    return _encode(EVENT, BINARY_EVENT, namespace, ack_id, [event, *args])


def event_frame_from_json(event: str, json_args: list[str] | tuple[str, ...], namespace: str = "/") -> str:
    """`42["event",...]` from arguments that are JSON text already (built by SQLite, or encoded once and
    reused): the same bytes `encode_event` gives for the decoded arguments."""
    return _prefix(EVENT, namespace, None) + "[" + dumps(event) + "," + ",".join(json_args) + "]"


def object_members(payload: dict[Any, Any]) -> list[str]:
    """The `"key":value` texts of an object's members, as `dumps` writes them inside the object: a list
    kept encoded grows by the members of its new items, and `object_text` joins them into the same bytes."""
    return [dumps(str(key)) + ":" + dumps(value) for key, value in payload.items()]


def object_text(members: list[str]) -> str:
    """`dumps` of the object whose members `object_members` encoded."""
    return "{" + ",".join(members) + "}"


def encode_event_in_pieces(event: str, payload: Any, namespace: str = "/") -> list[Frame]:
    """`encode_event(event, (payload,))`, the same bytes, but a large object or array is encoded item by
    item: run in a worker thread, the GIL changes hands between items, so encoding a list of thousands of
    monitors never holds the event loop for long (one `json.dumps` of it would, for its whole length)."""
    if isinstance(payload, dict) and payload:
        parts = [dumps(str(key)) + ":" + dumps(value) for key, value in payload.items()]
        body = "{" + ",".join(parts) + "}"
    elif isinstance(payload, list) and payload:
        body = "[" + ",".join(dumps(item) for item in payload) + "]"
    else:
        return encode_event(event, (payload,), namespace)
    return [event_frame_from_json(event, (body,), namespace)]


def encode_ack(ack_id: int, args: tuple | list, namespace: str = "/") -> list[Frame]:
    return _encode(ACK, BINARY_ACK, namespace, ack_id, list(args))


def encode_connect(sid: str, namespace: str = "/") -> Frame:
    return _prefix(CONNECT, namespace, None) + dumps({"sid": sid})


def encode_connect_error(message: str, namespace: str = "/") -> Frame:
    return _prefix(CONNECT_ERROR, namespace, None) + dumps({"message": message})


def encode_disconnect(namespace: str = "/") -> Frame:
    return _prefix(DISCONNECT, namespace, None)
