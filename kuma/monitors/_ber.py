"""The little of ASN.1 BER that SNMP needs: TLV encoding of INTEGER, OCTET STRING, NULL, OBJECT IDENTIFIER
and constructed types, and a decoder into (tag, value) pairs.

Our own rather than a library: SNMP GET for one OID is a handful of TLVs, the maintained Python SNMP stacks
are asyncio-based (kuma runs on Trio) and heavy, and owning the bytes keeps the check a plain UDP exchange.
"""

from __future__ import annotations

from dataclasses import dataclass

INTEGER, OCTET_STRING, NULL, OID, SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30


class BerError(ValueError):
    """Malformed BER in an answer."""


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def integer(value: int) -> bytes:
    size = max(1, (value + (value < 0)).bit_length() // 8 + 1)
    return tlv(INTEGER, value.to_bytes(size, "big", signed=True))


def octets(value: bytes | str) -> bytes:
    return tlv(OCTET_STRING, value.encode() if isinstance(value, str) else value)


def null() -> bytes:
    return tlv(NULL, b"")


def sequence(*parts: bytes, tag: int = SEQUENCE) -> bytes:
    return tlv(tag, b"".join(parts))


def oid(dotted: str) -> bytes:
    """`1.3.6.1.2.1.1.1.0` (a leading dot allowed) → its BER encoding; ValueError when not an OID."""
    arcs = [int(part) for part in dotted.strip().lstrip(".").split(".")]
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] > 39) or min(arcs) < 0:
        raise ValueError(dotted)
    body = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return tlv(OID, bytes(body))


@dataclass
class Node:
    """One decoded TLV; `children` when constructed (bit 0x20 of the tag), else `raw` content."""

    tag: int
    raw: bytes
    children: list[Node]

    def as_int(self) -> int:
        return int.from_bytes(self.raw, "big", signed=self.tag == INTEGER) if self.raw else 0

    def as_oid(self) -> str:
        if not self.raw:
            return ""
        arcs: list[int] = []
        value = 0
        for byte in self.raw:
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                arcs.append(value)
                value = 0
        first = arcs[0]
        head = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
        return ".".join(str(arc) for arc in head + arcs[1:])


def decode(data: bytes) -> Node:
    node, end = _decode_at(data, 0)
    if end != len(data):
        raise BerError("trailing bytes")
    return node


def _decode_at(data: bytes, pos: int) -> tuple[Node, int]:
    if pos + 2 > len(data):
        raise BerError("truncated")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise BerError("bad length")
        size = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        size = first
    end = pos + size
    if end > len(data):
        raise BerError("truncated")
    raw = data[pos:end]
    children: list[Node] = []
    if tag & 0x20:
        inner = pos
        while inner < end:
            child, inner = _decode_at(data, inner)
            children.append(child)
    return Node(tag, raw, children), end
