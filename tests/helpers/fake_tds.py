"""A local SQL Server stand-in speaking TDS 7.4 (SQL Server cannot run here).

What it covers: PRELOGIN (answers ENCRYPT_NOT_SUP: no TLS), LOGIN7 (user name and the obfuscated password
are decoded and checked; a wrong one gets SQL Server's error 18456 `Login failed for user '<name>'.`), the
LOGINACK/ENVCHANGE/DONE login reply, SQL_BATCH with a tiny query table (`SELECT <int>`, `SELECT 1, 2`,
`SELECT COUNT(*) FROM t`, `SELECT n FROM t` → rows 1..3, `SELECT n FROM t WHERE n > 9` → no rows,
`WAITFOR DELAY '…'` sleeps), anything else → error 208 `Invalid object name '…'.`, and ATTENTION (cancel).
Replies are the tokens a real server sends (COLMETADATA with INTN columns, ROW, ERROR, DONE).
"""
from __future__ import annotations

import re
import socket
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.helpers.threads import ThreadedListener, recv_exactly, serving

SQL_BATCH, REPLY, ATTENTION, LOGIN7, PRELOGIN = 1, 4, 6, 16, 18


def _b_varchar(text: str) -> bytes:
    return bytes([len(text)]) + text.encode("utf-16-le")


def _us_varchar(text: str) -> bytes:
    return struct.pack("<H", len(text)) + text.encode("utf-16-le")


def _done(status: int = 0x00, rows: int = 0, command: int = 0xC1) -> bytes:
    return b"\xfd" + struct.pack("<HHQ", status, command, rows)


def _error(number: int, message: str, state: int = 1, severity: int = 16) -> bytes:
    body = struct.pack("<IBB", number, state, severity) + _us_varchar(message) + _b_varchar("fake-mssql") + \
        _b_varchar("") + struct.pack("<I", 1)
    return b"\xaa" + struct.pack("<H", len(body)) + body


def _envchange(kind: int, new: str, old: str) -> bytes:
    body = bytes([kind]) + _b_varchar(new) + _b_varchar(old)
    return b"\xe3" + struct.pack("<H", len(body)) + body


def _loginack() -> bytes:
    body = b"\x01" + struct.pack(">I", 0x74000004) + _b_varchar("Microsoft SQL Server") + bytes([16, 0, 4, 0x1B])
    return b"\xad" + struct.pack("<H", len(body)) + body


def _result(rows: list[tuple[int, ...]], columns: int) -> bytes:
    meta = b"\x81" + struct.pack("<H", columns)
    for index in range(columns):
        meta += struct.pack("<IH", 0, 0x0009) + b"\x26\x04" + _b_varchar("" if columns == 1 else f"c{index}")
    data = b"".join(b"\xd1" + b"".join(b"\x04" + struct.pack("<i", v) for v in row) for row in rows)
    return meta + data + _done(0x10, len(rows))


def _password(raw: bytes) -> str:
    return bytes(((((b ^ 0xA5) << 4) & 0xF0) | ((b ^ 0xA5) >> 4)) for b in raw).decode("utf-16-le")


def _field(data: bytes, offset_at: int, password: bool = False) -> str:
    offset, length = struct.unpack_from("<HH", data, offset_at)
    raw = data[offset:offset + 2 * length]
    return _password(raw) if password else raw.decode("utf-16-le")


class FakeTds(ThreadedListener):
    def __init__(self, users: dict[str, str]) -> None:
        super().__init__()
        self.users = users
        self.queries: list[str] = []

    def _connection(self, client: socket.socket) -> None:
        with client:
            try:
                while True:
                    kind, message = _receive(client)
                    reply = self._answer(kind, message)
                    if reply is not None:
                        _send(client, reply)
            except (ConnectionError, OSError):
                return

    def _answer(self, kind: int, message: bytes) -> bytes | None:
        if kind == PRELOGIN:
            fields = [(0, b"\x10\x00\x07\xd0\x00\x00"), (1, b"\x02"), (2, b"\x00"), (3, b""), (4, b"\x00")]
            head, body, offset = b"", b"", 5 * len(fields) + 1
            for token, value in fields:
                head += struct.pack(">BHH", token, offset + len(body), len(value))
                body += value
            return head + b"\xff" + body
        if kind == LOGIN7:
            user, password, database = _field(message, 40), _field(message, 44, True), _field(message, 68)
            if self.users.get(user) != password:
                return _error(18456, f"Login failed for user '{user}'.", severity=14) + _done(0x02, command=0)
            return (_envchange(1, database or "master", "master") + _envchange(4, "4096", "4096") + _loginack()
                    + _done(command=0))
        if kind == ATTENTION:
            return _done(0x20, command=0)
        if kind == SQL_BATCH:
            skip = struct.unpack_from("<I", message, 0)[0]
            return self._query(message[skip:].decode("utf-16-le").strip())
        return None

    def _query(self, query: str) -> bytes:
        self.queries.append(query)
        wait = re.fullmatch(r"WAITFOR DELAY '00:00:(\d+)'", query, re.I)
        if wait:
            time.sleep(int(wait.group(1)))
            return _done(command=0xC1)
        if re.fullmatch(r"SELECT (\d+)", query, re.I):
            return _result([(int(query.split()[1]),)], 1)
        table = {"select 1, 2": ([(1, 2)], 2), "select count(*) from t": ([(3,)], 1),
                 "select n from t": ([(1,), (2,), (3,)], 1), "select n from t where n > 9": ([], 1)}
        if query.lower() in table:
            return _result(*table[query.lower()])
        if query.lower().startswith("use "):
            return _envchange(1, query[4:].strip("[]"), "master") + _done(command=0xE2)
        name = query.split()[-1] if query.split() else query
        return _error(208, f"Invalid object name '{name}'.") + _done(0x02)


def _receive(client: socket.socket) -> tuple[int, bytes]:
    """One whole TDS message (packets until the end-of-message status bit)."""
    message, kind = b"", 0
    while True:
        header = recv_exactly(client, 8)
        kind, status, length = header[0], header[1], struct.unpack(">H", header[2:4])[0]
        message += recv_exactly(client, length - 8)
        if status & 0x01:
            return kind, message


def _send(client: socket.socket, payload: bytes) -> None:
    size = 4096 - 8
    chunks = [payload[i:i + size] for i in range(0, len(payload), size)] or [b""]
    for number, chunk in enumerate(chunks, start=1):
        status = 0x01 if number == len(chunks) else 0x00
        client.sendall(struct.pack(">BBHHBB", REPLY, status, len(chunk) + 8, 0, number % 256, 0) + chunk)


@contextmanager
def fake_tds(users: dict[str, str]) -> Iterator[FakeTds]:
    server = FakeTds(users)
    with serving(server):
        yield server
