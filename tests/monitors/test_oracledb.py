"""oracledb checks with the real driver (python-oracledb, thin mode) as far as they go without a database.

No Oracle Database can run here. Proven against local listeners: the TNS CONNECT the driver sends reaches
the listener, a TNS REFUSE from it becomes the driver's message (ORA-12514's service-not-registered), a
listener that closes or never answers, a closed port, and the timeout that frees the worker thread. Not
proven: login, queries, row counts and conditions against a real server (the message logic is shared with
mysql/sqlserver and tested there).
"""
from __future__ import annotations

import socket
import struct
import threading

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port

FAILED = "^Database connection/query failed: "


async def check(dsn: str, timeout: float = 5):
    row = monitor_row(type="oracledb", database_connection_string=dsn, basic_auth_user="kuma",
                      basic_auth_pass="pw", timeout=timeout)
    return await get_monitor_type("oracledb").check(row, CheckContext())


def refusing_listener(error: int):
    """Reads the client's TNS CONNECT packet, answers REFUSE with the given ORA error, records the packet."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    seen: list[bytes] = []

    def serve() -> None:
        client, _ = listener.accept()
        with client:
            client.settimeout(5)
            data = client.recv(65536)
            while b"SERVICE_NAME" not in data:  # the connect descriptor may follow the CONNECT header
                more = client.recv(65536)
                if not more:
                    break
                data += more
            seen.append(data)
            data = f"(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR={error})(ERROR_STACK=(ERROR=(CODE={error})(EMFI=4))))".encode()
            body = struct.pack(">BBH", 1, 0, len(data)) + data
            client.sendall(struct.pack(">HHBBH", 8 + len(body), 0, 4, 0, 0) + body)
            client.recv(1)

    threading.Thread(target=serve, daemon=True).start()
    return listener, seen


async def test_listener_refusal_is_the_drivers_message():
    listener, seen = refusing_listener(12514)
    with listener:
        port = listener.getsockname()[1]
        with pytest.raises(CheckFailed) as failed:
            await check(f"127.0.0.1:{port}/FREEPDB1")
    assert str(failed.value) == (
        "Database connection/query failed: DPY-6005: cannot connect to database. DPY-6001: Service \"FREEPDB1\" is "
        f"not registered with the listener at host \"127.0.0.1\" port {port}. (Similar to ORA-12514)")
    assert seen and seen[0][4] == 1 and b"SERVICE_NAME=FREEPDB1" in seen[0]  # a TNS CONNECT for the service


async def test_closed_port_is_connection_refused():
    with pytest.raises(CheckFailed, match=FAILED + "DPY-6005: cannot connect to database. .*Connect call failed"):
        await check(f"127.0.0.1:{closed_port()}/FREEPDB1")


async def test_silent_listener_is_cut_by_the_timeout():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        with pytest.raises(CheckFailed, match=FAILED + "timeout of 500ms exceeded$"):
            await check(f"127.0.0.1:{listener.getsockname()[1]}/FREEPDB1", timeout=0.5)
    assert threading.active_count() < 40  # the worker thread was not left behind per check


async def test_listener_that_closes():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)

        def close_one() -> None:
            client, _ = listener.accept()
            client.recv(65536)
            client.close()

        threading.Thread(target=close_one, daemon=True).start()
        with pytest.raises(CheckFailed, match=FAILED + "DPY-6005: .*DPY-4011: the database or network closed the connection$"):
            await check(f"127.0.0.1:{listener.getsockname()[1]}/FREEPDB1")
