"""A local MongoDB stand-in speaking the real wire protocol (no MongoDB server is packaged for Debian).

What it covers: OP_QUERY and OP_MSG framing; the `hello`/`isMaster` handshake of a standalone server (wire
version 21); SCRAM-SHA-256 `saslStart`/`saslContinue` with a real SCRAM exchange (scramp's server side), so
wrong credentials fail as a server fails them (`Authentication failed.`, code 18); `ping`, `buildInfo`,
`serverStatus` (a small document), `endSessions`; any other command answers `no such command` (code 59).
A `delay` makes every non-handshake command slow. Replies are the shapes a real server sends.
"""
from __future__ import annotations

import datetime as dt
import socket
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import bson
from bson.binary import Binary

from tests.helpers.threads import ThreadedListener, recv_exactly, serving

OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013


class FakeMongo(ThreadedListener):
    def __init__(self, users: dict[str, str], delay: float = 0.0) -> None:
        super().__init__()
        self.users, self.delay = users, delay
        self.commands: list[str] = []

    def _connection(self, client: socket.socket) -> None:
        conversations: dict[int, Any] = {}
        with client:
            try:
                while True:
                    header = recv_exactly(client, 16)
                    length, request_id, _, opcode = struct.unpack("<iiii", header)
                    body = recv_exactly(client, length - 16)
                    command = _command(opcode, body)
                    reply = self._answer(command, conversations)
                    client.sendall(_frame(opcode, request_id, reply))
            except (ConnectionError, OSError):
                return

    def _answer(self, command: dict[str, Any], conversations: dict[int, Any]) -> dict[str, Any]:
        name = next(iter(command))
        self.commands.append(name)
        if name.lower() in ("hello", "ismaster"):
            return _hello(command)
        if self.delay:
            time.sleep(self.delay)
        if name == "saslStart":
            return self._sasl_start(command, conversations)
        if name == "saslContinue":
            return self._sasl_continue(command, conversations)
        if name == "ping" or name == "endSessions":
            return {"ok": 1.0}
        if name == "buildInfo":
            return {"version": "7.0.14", "versionArray": [7, 0, 14, 0], "bits": 64, "ok": 1.0}
        if name == "serverStatus":
            return {"host": "fake-mongo", "version": "7.0.14", "uptime": 42.0,
                    "connections": {"current": 3, "available": 838857}, "ok": 1.0}
        return {"ok": 0.0, "errmsg": f"no such command: '{name}'", "code": 59, "codeName": "CommandNotFound"}

    def _sasl_start(self, command: dict[str, Any], conversations: dict[int, Any]) -> dict[str, Any]:
        from scramp import ScramMechanism

        mechanism = ScramMechanism(command.get("mechanism", "SCRAM-SHA-256"))
        infos = {user: mechanism.make_auth_info(password, iteration_count=4096)
                 for user, password in self.users.items()}
        server = mechanism.make_server(lambda user: infos.get(user) or infos[next(iter(infos))])
        try:
            server.set_client_first(bytes(command["payload"]).decode())
        except Exception:
            return _auth_failed()
        conversations[1] = (server, server.get_server_first(), bytes(command["payload"]).decode())
        return {"conversationId": 1, "done": False, "payload": Binary(conversations[1][1].encode()), "ok": 1.0}

    def _sasl_continue(self, command: dict[str, Any], conversations: dict[int, Any]) -> dict[str, Any]:
        server, _, client_first = conversations.get(command.get("conversationId"), (None, None, ""))
        user = client_first.split("n=", 1)[-1].split(",", 1)[0]
        if server is None or user not in self.users:
            return _auth_failed()
        try:
            server.set_client_final(bytes(command["payload"]).decode())
        except Exception:
            return _auth_failed()
        return {"conversationId": 1, "done": True, "payload": Binary(server.get_server_final().encode()), "ok": 1.0}


def _auth_failed() -> dict[str, Any]:
    return {"ok": 0.0, "errmsg": "Authentication failed.", "code": 18, "codeName": "AuthenticationFailed"}


def _hello(command: dict[str, Any]) -> dict[str, Any]:
    reply = {"helloOk": True, "ismaster": True, "isWritablePrimary": True, "topologyVersion": None,
             "maxBsonObjectSize": 16777216, "maxMessageSizeBytes": 48000000, "maxWriteBatchSize": 100000,
             "localTime": dt.datetime.now(dt.timezone.utc), "logicalSessionTimeoutMinutes": 30, "connectionId": 1,
             "minWireVersion": 0, "maxWireVersion": 21, "readOnly": False, "ok": 1.0}
    del reply["topologyVersion"]
    if "saslSupportedMechs" in command:
        reply["saslSupportedMechs"] = ["SCRAM-SHA-256"]
    return reply


def _command(opcode: int, body: bytes) -> dict[str, Any]:
    if opcode == OP_QUERY:  # flags, cstring collection, skip, return, query document
        end = body.index(b"\x00", 4)
        return bson.decode(body[end + 9:end + 9 + struct.unpack("<i", body[end + 9:end + 13])[0]])
    if opcode == OP_MSG:  # flags, then sections; kind 0 holds the command
        offset = 4
        while offset < len(body):
            kind = body[offset]
            size = struct.unpack("<i", body[offset + 1:offset + 5])[0]
            if kind == 0:
                return bson.decode(body[offset + 1:offset + 1 + size])
            offset += 1 + size
    raise ConnectionError(f"unsupported opcode {opcode}")


def _frame(opcode: int, request_id: int, reply: dict[str, Any]) -> bytes:
    document = bson.encode(reply)
    if opcode == OP_QUERY:
        body = struct.pack("<iqii", 0, 0, 0, 1) + document
        return struct.pack("<iiii", 16 + len(body), 7, request_id, OP_REPLY) + body
    body = struct.pack("<I", 0) + b"\x00" + document
    return struct.pack("<iiii", 16 + len(body), 7, request_id, OP_MSG) + body


@contextmanager
def fake_mongo(users: dict[str, str] | None = None, delay: float = 0.0) -> Iterator[FakeMongo]:
    server = FakeMongo(users or {}, delay)
    with serving(server):
        yield server
