"""Game server query protocols for the `gamedig` monitor, each one coroutine: (host, port) → ServerState.

Implemented (gamedig's protocol names): `valve` (Source/A2S_INFO with the challenge step, and GoldSrc's
old answer), `minecraft` (the Java edition's Server List Ping over TCP), `quake3` (getstatus),
`quake2`/`quake1` (status), `gamespy1` (\\status\\), `gamespy2` and `ase` (All-Seeing Eye). Split
(multi-packet) answers are not reassembled: an info/status answer fits one datagram on these servers.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import trio

from kuma.monitors import _varint as leb128

PREFIX = b"\xff\xff\xff\xff"


class GameQueryError(Exception):
    """The server answered something this protocol cannot read."""


@dataclass
class ServerState:
    name: str
    ping: int  # ms of the first request's round trip
    raw: dict[str, Any]


class UdpQuery:
    """Request/answer over a connected UDP socket; `ping` is the first round trip in ms."""

    def __init__(self, sock: trio.socket.SocketType) -> None:
        self.sock = sock
        self.ping: int | None = None

    async def ask(self, payload: bytes) -> bytes:
        start = trio.current_time()
        await self.sock.send(payload)
        data = await self.sock.recv(65535)
        if self.ping is None:
            self.ping = round((trio.current_time() - start) * 1000)
        return data


async def _with_udp(host: str, port: int, run: Callable[[UdpQuery], Awaitable[tuple[str, dict]]]) -> ServerState:
    infos = await trio.socket.getaddrinfo(host, port, type=trio.socket.SOCK_DGRAM)
    family, address = infos[0][0], infos[0][4]
    with trio.socket.socket(family, trio.socket.SOCK_DGRAM) as sock:
        await sock.connect(address)
        query = UdpQuery(sock)
        name, raw = await run(query)
        return ServerState(name, query.ping or 0, raw)


# ---------------------------------------------------------------- valve (A2S_INFO)


def _cstring(data: bytes, at: int) -> tuple[str, int]:
    end = data.index(b"\0", at)
    return data[at:end].decode("utf-8", "replace"), end + 1


def parse_a2s_info(data: bytes) -> dict[str, Any]:
    """Source's 'I' answer (protocol, name, map, folder, game, appid, players…) or GoldSrc's 'm' one."""
    if not data.startswith(PREFIX) or len(data) < 6:
        raise GameQueryError("Invalid A2S_INFO answer")
    kind = data[4]
    if kind == 0x49:
        at = 6
        name, at = _cstring(data, at)
        map_name, at = _cstring(data, at)
        folder, at = _cstring(data, at)
        game, at = _cstring(data, at)
        appid, players, max_players, bots = struct.unpack_from("<HBBB", data, at)
        return {"protocol": data[5], "name": name, "map": map_name, "folder": folder, "game": game,
                "appId": appid, "numplayers": players, "maxplayers": max_players, "numbots": bots}  # fmt: skip
    if kind == 0x6D:
        _address, at = _cstring(data, 5)
        name, at = _cstring(data, at)
        map_name, at = _cstring(data, at)
        return {"name": name, "map": map_name}
    raise GameQueryError(f"Unexpected A2S_INFO answer type 0x{kind:02x}")


async def query_valve(host: str, port: int) -> ServerState:
    request = PREFIX + b"TSource Engine Query\0"

    async def run(query: UdpQuery) -> tuple[str, dict]:
        data = await query.ask(request)
        for _ in range(3):  # S2C_CHALLENGE: ask again with the 4 bytes it gave
            if not (data.startswith(PREFIX + b"A") and len(data) >= 9):
                break
            data = await query.ask(request + data[5:9])
        raw = parse_a2s_info(data)
        return raw["name"], raw

    return await _with_udp(host, port, run)


# ---------------------------------------------------------------- quake 1/2/3


QUAKE_COLOURS = re.compile(r"\^(X[0-9a-fA-F]{6}|[0-9a-zA-Z])")


def parse_quake_status(data: bytes, header: bytes) -> dict[str, str]:
    """`\\key\\value…` after the answer's header line; the player lines after it are ignored."""
    if not data.startswith(header):
        raise GameQueryError("Invalid status answer")
    info = data[len(header) :].split(b"\n", 1)[0].decode("utf-8", "replace")
    parts = info.split("\\")[1:]
    return {parts[i]: parts[i + 1] for i in range(0, len(parts) - 1, 2)}


def _quake(request: bytes, header: bytes, strip_colours: bool) -> Callable[[str, int], Awaitable[ServerState]]:
    async def query(host: str, port: int) -> ServerState:
        async def run(udp: UdpQuery) -> tuple[str, dict]:
            raw = parse_quake_status(await udp.ask(request), header)
            name = raw.get("hostname") or raw.get("sv_hostname") or ""
            return (QUAKE_COLOURS.sub("", name) if strip_colours else name), raw

        return await _with_udp(host, port, run)

    return query


query_quake3 = _quake(PREFIX + b"getstatus\n", PREFIX + b"statusResponse\n", True)
query_quake2 = _quake(PREFIX + b"status\n", PREFIX + b"print\n", False)
query_quake1 = _quake(PREFIX + b"status\n", PREFIX + b"n", False)


# ---------------------------------------------------------------- gamespy 1 / 2


def parse_gamespy1(data: bytes) -> dict[str, str]:
    parts = data.decode("utf-8", "replace").split("\\")[1:]
    if not parts:
        raise GameQueryError("Invalid GameSpy answer")
    return {parts[i]: parts[i + 1] for i in range(0, len(parts) - 1, 2)}


async def query_gamespy1(host: str, port: int) -> ServerState:
    async def run(udp: UdpQuery) -> tuple[str, dict]:
        data = await udp.ask(b"\\status\\")
        while b"\\final\\" not in data:  # the answer may come in several datagrams
            data += await udp.sock.recv(65535)
        raw = parse_gamespy1(data)
        return raw.get("hostname", ""), raw

    return await _with_udp(host, port, run)


def parse_gamespy2(data: bytes, ident: bytes) -> dict[str, str]:
    if len(data) < 5 or data[0] != 0 or data[1:5] != ident:
        raise GameQueryError("Invalid GameSpy2 answer")
    fields = data[5:].split(b"\0")
    raw: dict[str, str] = {}
    for i in range(0, len(fields) - 1, 2):
        if not fields[i]:
            break
        raw[fields[i].decode("utf-8", "replace")] = fields[i + 1].decode("utf-8", "replace")
    return raw


async def query_gamespy2(host: str, port: int) -> ServerState:
    ident = b"\x04\x05\x06\x07"

    async def run(udp: UdpQuery) -> tuple[str, dict]:
        raw = parse_gamespy2(await udp.ask(b"\xfe\xfd\x00" + ident + b"\xff\x00\x00"), ident)
        return raw.get("hostname", ""), raw

    return await _with_udp(host, port, run)


# ---------------------------------------------------------------- ase (All-Seeing Eye)


def parse_ase(data: bytes) -> dict[str, str]:
    """`EYE1`, then strings each led by a length byte that counts itself: game, port, name, type, map…"""
    if not data.startswith(b"EYE1"):
        raise GameQueryError("Invalid ASE answer")
    fields: list[str] = []
    at = 4
    while at < len(data) and len(fields) < 9:
        size = data[at]
        if size < 1 or at + size > len(data):
            break
        fields.append(data[at + 1 : at + size].decode("utf-8", "replace"))
        at += size
    names = ("gamename", "port", "name", "gametype", "map", "version", "password", "numplayers", "maxplayers")
    return dict(zip(names, fields, strict=False))


async def query_ase(host: str, port: int) -> ServerState:
    async def run(udp: UdpQuery) -> tuple[str, dict]:
        raw = parse_ase(await udp.ask(b"s"))
        return raw.get("name", ""), raw

    return await _with_udp(host, port, run)


# ---------------------------------------------------------------- minecraft (Java Server List Ping)


def varint(value: int) -> bytes:
    return leb128.encode(value & 0xFFFFFFFF)


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for shift in range(0, 35, 7):
        if at >= len(data):
            raise IndexError("short varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
    raise GameQueryError("VarInt too long")


def chat_text(component: Any) -> str:
    """A chat component (string, {text, extra}, list) flattened, with § formatting codes removed."""
    if isinstance(component, str):
        text = component
    elif isinstance(component, list):
        text = "".join(chat_text(part) for part in component)
    elif isinstance(component, dict):
        text = str(component.get("text") or "") + "".join(chat_text(p) for p in component.get("extra") or [])
    else:
        text = ""
    return re.sub("\u00a7.", "", text)


def _packet(packet_id: int, body: bytes) -> bytes:
    payload = varint(packet_id) + body
    return varint(len(payload)) + payload


async def query_minecraft(host: str, port: int) -> ServerState:
    """A Java server's list ping (handshake, status request): its status JSON and the round trip."""
    stream = await trio.open_tcp_stream(host, port)
    async with stream:
        name = host.encode()
        handshake = varint(47) + varint(len(name)) + name + struct.pack(">H", port) + varint(1)
        start = trio.current_time()
        await stream.send_all(_packet(0, handshake) + _packet(0, b""))
        buffer = b""
        while True:
            chunk = await stream.receive_some(65536)
            if not chunk:
                raise GameQueryError("Connection closed before the status answer")
            buffer += chunk
            try:
                length, at = read_varint(buffer, 0)
                if len(buffer) - at < length:
                    continue
                _packet_id, at = read_varint(buffer, at)
                size, at = read_varint(buffer, at)
            except IndexError:
                continue
            ping = round((trio.current_time() - start) * 1000)
            status = json.loads(buffer[at : at + size].decode("utf-8"))
            return ServerState(chat_text(status.get("description")), ping, status)


PROTOCOLS: dict[str, Callable[[str, int], Awaitable[ServerState]]] = {
    "valve": query_valve,
    "minecraft": query_minecraft,
    "quake3": query_quake3,
    "quake2": query_quake2,
    "quake1": query_quake1,
    "gamespy1": query_gamespy1,
    "gamespy2": query_gamespy2,
    "ase": query_ase,
}
