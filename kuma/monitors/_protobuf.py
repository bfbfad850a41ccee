"""Protocol Buffers binary encoding for the gRPC check: a JSON object in, bytes out, bytes back to JSON. Pure.

Encoding follows protobufjs' `encode` of a plain object (every key present and not null is written; enum
values by name or number; 64-bit integers as numbers or strings). Decoding gives what Uptime Kuma's
`JSON.stringify(response)` shows (protobufjs' `toJSON`): keys in field-number order, only the fields on the
wire, 64-bit integers and enums (by name) as strings, bytes as base64, empty repeated/map fields left out.
"""

from __future__ import annotations

import base64
import json
import math
import struct
from typing import Any

from kuma.monitors import _varint as leb128
from kuma.monitors._proto_schema import Field, Message, ProtoError, Schema

VARINT = {"int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool"}
FIXED64 = {"fixed64": "<Q", "sfixed64": "<q", "double": "<d"}
FIXED32 = {"fixed32": "<I", "sfixed32": "<i", "float": "<f"}
LONGS = {"int64", "uint64", "sint64", "fixed64", "sfixed64"}


# ---------------------------------------------------------------- encoding


def _varint(value: int) -> bytes:
    return leb128.encode(value & ((1 << 64) - 1))


def _key(number: int, wire: int) -> bytes:
    return _varint((number << 3) | wire)


def _integer(value: Any, kind: str) -> int:
    try:
        number = int(value) if not isinstance(value, str) else int(value.strip() or "0")
    except (TypeError, ValueError):
        raise ProtoError(f"{kind} value expected, got {json.dumps(value)}") from None
    if kind in ("sint32", "sint64"):
        return (number << 1) ^ (number >> 63)
    return number


def _scalar(kind: str, number: int, value: Any) -> bytes:
    if kind in VARINT:
        return _key(number, 0) + _varint(bool(value) if kind == "bool" else _integer(value, kind))
    if kind in FIXED64:
        packed = struct.pack(FIXED64[kind], float(value) if kind == "double" else _integer(value, kind))
        return _key(number, 1) + packed
    if kind in FIXED32:
        packed = struct.pack(FIXED32[kind], float(value) if kind == "float" else _integer(value, kind))
        return _key(number, 5) + packed
    if kind == "string":
        data = str(value).encode()
    else:  # bytes: base64 text, as protobufjs' fromObject reads it
        data = base64.b64decode(value) if isinstance(value, str) else bytes(value)
    return _key(number, 2) + _varint(len(data)) + data


def _one(schema: Schema, item: Field, kind: str, number: int, value: Any) -> bytes:
    if kind in schema.messages:
        if not isinstance(value, dict):
            raise ProtoError(f"{item.name}: object expected")
        data = encode(schema, schema.messages[kind], value)
        return _key(number, 2) + _varint(len(data)) + data
    if kind in schema.enums:
        values = schema.enums[kind].values
        if isinstance(value, str) and value in values:
            value = values[value]
        return _key(number, 0) + _varint(_integer(value, "enum"))
    return _scalar(kind, number, value)


def encode(schema: Schema, message: Message, data: dict[str, Any]) -> bytes:
    """The message's bytes from a JSON object (camelCase or the proto's own names as keys)."""
    out = bytearray()
    for item in message.fields:
        value = data.get(item.name)
        if value is None:
            continue
        if item.map_key is not None:
            for key, entry in value.items() if isinstance(value, dict) else []:
                body = _scalar(item.map_key, 1, key) + _one(schema, item, item.type, 2, entry)
                out += _key(item.number, 2) + _varint(len(body)) + body
        elif item.repeated:
            for entry in value if isinstance(value, list) else [value]:
                out += _one(schema, item, item.type, item.number, entry)
        else:
            out += _one(schema, item, item.type, item.number, value)
    return bytes(out)


# ---------------------------------------------------------------- decoding


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if pos >= len(data):
            raise ProtoError("index out of range")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, raw value: int or bytes) in wire order."""
    out, pos = [], 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        elif wire == 2:
            length, pos = _read_varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        else:
            raise ProtoError(f"invalid wire type {wire} at offset {pos}")
        if pos > len(data):
            raise ProtoError("index out of range")
        out.append((number, wire, value))
    return out


def _signed(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _scalar_value(kind: str, wire: int, raw: Any) -> Any:
    if kind in ("int32", "sint32", "int64", "sint64", "uint32", "uint64", "bool"):
        if kind == "bool":
            return bool(raw)
        if kind in ("sint32", "sint64"):
            return (raw >> 1) ^ -(raw & 1)
        if kind == "int32":
            return _signed(raw, 32)
        if kind == "int64":
            return _signed(raw, 64)
        return raw & 0xFFFFFFFF if kind == "uint32" else raw
    if kind in FIXED64:
        return struct.unpack(FIXED64[kind], raw)[0]
    if kind in FIXED32:
        return struct.unpack(FIXED32[kind], raw)[0]
    if kind == "string":
        return bytes(raw).decode("utf-8", "replace")
    return base64.b64encode(bytes(raw)).decode()


def _packed(kind: str, raw: bytes) -> tuple[int, list[Any]]:
    """A packed repeated field: (wire type of each value, the raw values: varints or 4/8-byte chunks)."""
    if kind in FIXED64 or kind in FIXED32:
        size = 8 if kind in FIXED64 else 4
        return (1 if size == 8 else 5), [raw[i : i + size] for i in range(0, len(raw), size)]
    values, pos = [], 0
    while pos < len(raw):
        value, pos = _read_varint(raw, pos)
        values.append(value)
    return 0, values


def _json_value(schema: Schema, kind: str, wire: int, raw: Any) -> Any:
    if kind in schema.messages:
        return decode(schema, schema.messages[kind], bytes(raw))
    if kind in schema.enums:
        number = _signed(raw, 32)
        names = [n for n, v in schema.enums[kind].values.items() if v == number]
        return names[0] if names else number
    value = _scalar_value(kind, wire, raw)
    if kind in LONGS:
        return str(value)
    if kind in ("float", "double") and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def decode(schema: Schema, message: Message, data: bytes) -> dict[str, Any]:
    """The message as protobufjs' toJSON shows it (keys by field number)."""
    by_number = {item.number: item for item in message.fields}
    values: dict[int, Any] = {}
    for number, wire, raw in _fields(data):
        item = by_number.get(number)
        if item is None:
            continue
        if item.map_key is not None:
            entry = {n: (w, r) for n, w, r in _fields(bytes(raw))}
            key = _scalar_value(item.map_key, *entry[1]) if 1 in entry else ""
            value = _json_value(schema, item.type, *entry[2]) if 2 in entry else None
            values.setdefault(number, {})[str(key).lower() if isinstance(key, bool) else str(key)] = value
        elif item.repeated:
            numeric = item.type not in ("string", "bytes") and item.type not in schema.messages
            each, items = _packed(item.type, bytes(raw)) if wire == 2 and numeric else (wire, [raw])
            values.setdefault(number, []).extend(_json_value(schema, item.type, each, v) for v in items)
        else:
            values[number] = _json_value(schema, item.type, wire, raw)
    return {by_number[n].name: values[n] for n in sorted(values) if values[n] not in ([], {})}


def js_json(value: Any) -> str:
    """JSON.stringify's text: no spaces, integral numbers without `.0`."""

    def convert(item: Any) -> Any:
        if isinstance(item, float) and item.is_integer():
            return int(item)
        if isinstance(item, dict):
            return {k: convert(v) for k, v in item.items()}
        if isinstance(item, list):
            return [convert(v) for v in item]
        return item

    return json.dumps(convert(value), separators=(",", ":"), ensure_ascii=False)
