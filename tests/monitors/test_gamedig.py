"""gamedig checks against local game servers speaking each supported query protocol for real."""
from __future__ import annotations

import json
import socket
import struct
import threading
from contextlib import contextmanager

import pytest

from kuma.monitors._game_protocols import PROTOCOLS, chat_text, read_varint, varint
from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.gamedig import games_by_key, query_ports
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.threads import loop_thread

PREFIX = b"\xff\xff\xff\xff"
CHALLENGE = b"\x11\x22\x33\x44"


def a2s(request):
    """Source A2S_INFO since 2020: a challenge first, the info once the request carries it."""
    if not request.startswith(PREFIX + b"TSource Engine Query\0"):
        return None
    if request[-4:] != CHALLENGE:
        return PREFIX + b"A" + CHALLENGE
    body = b"Kuma TF2 Server\0ctf_2fort\0tf\0Team Fortress\0" + struct.pack("<HBBB", 440, 3, 24, 0)
    return PREFIX + b"I\x11" + body + b"dl\x00\x01" + b"1.0.0.0\0"


def quake3(request):
    if request == PREFIX + b"getstatus\n":
        return PREFIX + b"statusResponse\n\\sv_hostname\\^1Kuma ^7Arena\\mapname\\q3dm17\n0 25 \"player\"\n"
    return None


def gamespy1(request):
    if request == b"\\status\\":
        return b"\\gamename\\ut\\hostname\\Kuma UT Server\\maxplayers\\16\\final\\\\queryid\\1.1"
    return None


def gamespy2(request):
    if request[:3] == b"\xfe\xfd\x00" and request[7:] == b"\xff\x00\x00":
        return b"\x00" + request[3:7] + b"hostname\0Kuma BF Vietnam\0numplayers\x002\0\0"
    return None


def ase(request):
    if request != b"s":
        return None
    fields = [b"mta", b"22003", b"Kuma MTA Server", b"Freeroam", b"San Andreas", b"1.6", b"0", b"4", b"32"]
    return b"EYE1" + b"".join(bytes([len(f) + 1]) + f for f in fields) + b"\x01"


@contextmanager
def udp_server(answer):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    stop = threading.Event()
    seen = []

    def loop():
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(65535)
            except OSError:
                continue
            seen.append(data)
            reply = answer(data)
            if reply:
                sock.sendto(reply, peer)

    with loop_thread(loop, sock, stop) as port:
        yield port, seen


@contextmanager
def minecraft_server(description):
    """Java edition Server List Ping: handshake (next state 1) + status request → the status JSON."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    sock.settimeout(0.1)
    stop = threading.Event()
    handshakes = []

    def serve(conn):
        with conn:
            conn.settimeout(2)
            data = b""
            while data.count(b"\x01\x00") < 1 or len(data) < 8:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            length, at = read_varint(data, 0)
            handshakes.append(data[at:at + length])
            status = json.dumps({"version": {"name": "1.21", "protocol": 767},
                                 "players": {"max": 20, "online": 1}, "description": description}).encode()
            payload = varint(0) + varint(len(status)) + status
            conn.sendall(varint(len(payload)) + payload)

    def loop():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            serve(conn)

    with loop_thread(loop, sock, stop) as port:
        yield port, handshakes


async def check(game, port, **row):
    fields = dict(type="gamedig", game=game, hostname="127.0.0.1", port=port, gamedig_given_port_only=1, timeout=20)
    fields.update(row)
    return await get_monitor_type("gamedig").check(monitor_row(**fields), CheckContext())


async def test_source_a2s_with_challenge():
    with udp_server(a2s) as (port, seen):
        result = await check("tf2", port)
    assert (result.status, result.msg) == (1, "Kuma TF2 Server")
    assert isinstance(result.ping, int)
    assert [len(s) for s in seen] == [25, 29]  # the plain query, then the one carrying the challenge


async def test_minecraft_server_list_ping():
    description = {"text": "§aKuma ", "extra": [{"text": "Craft"}, "§l!"]}
    with minecraft_server(description) as (port, handshakes):
        result = await check("minecraft", port)
    assert result.msg == "Kuma Craft!"
    packet_id, at = read_varint(handshakes[0], 0)
    assert packet_id == 0 and handshakes[0].endswith(struct.pack(">H", port) + b"\x01")


@pytest.mark.parametrize("game, answer, name", [
    ("quake3", quake3, "Kuma Arena"),
    ("ut", gamespy1, "Kuma UT Server"),
    ("bfv", gamespy2, "Kuma BF Vietnam"),
    ("chaser", ase, "Kuma MTA Server"),
])
async def test_udp_status_protocols(game, answer, name):
    with udp_server(answer) as (port, _):
        assert (await check(game, port)).msg == name


async def test_query_port_offset_unless_given_port_only():
    with udp_server(gamespy1) as (port, _):
        # ut queries port + 1: the server listens on the query port, the monitor names the game port
        assert (await check("ut", port - 1, gamedig_given_port_only=0)).msg == "Kuma UT Server"
    assert query_ports(games_by_key()["ut"], 7777, False) == [7778, 7777]
    assert query_ports(games_by_key()["ut"], 7777, True) == [7777]
    assert query_ports(games_by_key()["bf1942"], None, True) == [23000]


async def test_bad_game_silent_server_and_unsupported_protocol():
    with pytest.raises(CheckFailed, match="^Invalid game: nosuchgame$"):
        await check("nosuchgame", 1)
    with udp_server(lambda request: None) as (port, _):
        with pytest.raises(CheckFailed, match="^Failed all 1 attempts$"):
            await check("tf2", port, timeout=0.5)
    with pytest.raises(CheckFailed, match="^Game protocol not supported yet: unreal2$"):
        await check("ut2004", 7777)


def test_every_supported_protocol_has_games():
    protocols = {options.get("protocol") for options in games_by_key().values()}
    assert set(PROTOCOLS) <= protocols
    assert chat_text(["a", {"text": "§cb"}]) == "ab"
