"""sip-options checks against a local SIP user agent server (UDP and TCP) answering OPTIONS as RFC 3261 says."""
from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.threads import loop_thread


def sip_reply(request: bytes, status: str) -> bytes:
    """A response echoing Via, From, Call-ID and CSeq, with a To tag, as a UAS sends it."""
    head = request.split(b"\r\n\r\n", 1)[0].decode()
    keep = [line for line in head.split("\r\n")[1:]
            if line.split(":", 1)[0].lower() in ("via", "from", "call-id", "cseq")]
    to = next(line for line in head.split("\r\n") if line.lower().startswith("to:"))
    lines = [f"SIP/2.0 {status}", *keep, f"{to};tag=uas1", "Allow: INVITE, ACK, OPTIONS, BYE", "Content-Length: 0"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@contextmanager
def sip_server(statuses=("200 OK",), transport="udp"):
    """Answers each OPTIONS with the `statuses` in order (e.g. a 100 Trying, then the final one)."""
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    sock = socket.socket(socket.AF_INET, kind)
    sock.bind(("127.0.0.1", 0))
    if transport == "tcp":
        sock.listen(4)
    sock.settimeout(0.1)
    stop = threading.Event()
    seen = []

    def loop():
        while not stop.is_set():
            try:
                if transport == "udp":
                    data, peer = sock.recvfrom(65535)
                    seen.append(data)
                    for status in statuses:
                        sock.sendto(sip_reply(data, status), peer)
                else:
                    conn, _ = sock.accept()
                    with conn:
                        conn.settimeout(2)
                        data = conn.recv(65535)
                        seen.append(data)
                        conn.sendall(b"".join(sip_reply(data, status) for status in statuses))
                        conn.recv(1)
            except OSError:
                continue

    with loop_thread(loop, sock, stop) as port:
        yield port, seen


async def check(port, **row):
    fields = dict(type="sip-options", hostname="127.0.0.1", port=port, timeout=20)
    fields.update(row)
    return await get_monitor_type("sip-options").check(monitor_row(**fields), CheckContext())


@pytest.mark.parametrize("transport", ["udp", "tcp"])
async def test_200_ok_is_up(transport):
    with sip_server(("100 Trying", "200 OK"), transport) as (port, seen):
        result = await check(port, protocol=transport.upper())
    assert (result.status, result.msg) == (1, "SIP/2.0 200 OK")
    request = seen[0].decode()
    assert request.startswith(f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n")
    assert f"Via: SIP/2.0/{transport.upper()} 127.0.0.1:" in request and "CSeq: 1 OPTIONS" in request


async def test_other_final_answers_are_down():
    with sip_server(("404 Not Found",)) as (port, _):
        with pytest.raises(CheckFailed, match="^SIP/2.0 404 Not Found$"):
            await check(port)


async def test_silence_and_refusal():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        with pytest.raises(CheckFailed, match="^SIP OPTIONS request timed out after 0.5 s$"):
            await check(silent.getsockname()[1], timeout=0.5)
    from tests.helpers.targets import closed_port

    with pytest.raises(CheckFailed, match="^SIP OPTIONS failed: Connection refused$"):
        await check(closed_port(), protocol="TCP")
