"""`sip-options`: send a SIP OPTIONS request to `hostname:port` and wait for the final answer.

Uptime Kuma 2.5.3 runs `sipsak -s sip:<host>:<port> --from sip:sipsak@<host> -v` and is UP when a line of
its output holds "200 OK" (the message is that line). kuma speaks the request itself (no sipsak needed):
UDP by default, TCP when the monitor's `protocol` is `TCP`; a `200 OK` final answer is UP with its status
line ("SIP/2.0 200 OK"), any other final answer is DOWN with its status line, provisional 1xx answers are
waited through, silence is DOWN "SIP OPTIONS request timed out after <n> s". The wait is the monitor's
timeout (sipsak's fixed 3 s in Uptime Kuma).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors._common import effective_timeout, elapsed_ms
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register


def options_request(host: str, port: int, transport: str, local: tuple[str, int], call_id: str) -> bytes:
    local_host, local_port = local
    lines = [
        f"OPTIONS sip:{host}:{port} SIP/2.0",
        f"Via: SIP/2.0/{transport} {local_host}:{local_port};branch=z9hG4bK{secrets.token_hex(8)};rport",
        "Max-Forwards: 70",
        f"From: <sip:sipsak@{host}>;tag={secrets.token_hex(4)}",
        f"To: <sip:{host}:{port}>",
        f"Call-ID: {call_id}",
        "CSeq: 1 OPTIONS",
        f"Contact: <sip:sipsak@{local_host}:{local_port}>",
        "Accept: application/sdp",
        "User-Agent: kuma",
        "Content-Length: 0",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def parse_response(data: bytes, call_id: str) -> tuple[int, str] | None:
    """(status code, status line) of an answer to our Call-ID, or None for anything else."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("SIP/") or not parts[1].isdigit():
        return None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() in ("call-id", "i") and value.strip() != call_id:
            return None
    return int(parts[1]), lines[0].strip()


async def _udp(host: str, port: int, call_id: str) -> tuple[int, str]:
    infos = await trio.socket.getaddrinfo(host, port, type=trio.socket.SOCK_DGRAM)
    family, address = infos[0][0], infos[0][4]
    with trio.socket.socket(family, trio.socket.SOCK_DGRAM) as sock:
        await sock.connect(address)
        local = sock.getsockname()
        await sock.send(options_request(host, port, "UDP", local[:2], call_id))
        while True:
            answer = parse_response(await sock.recv(65535), call_id)
            if answer is not None and answer[0] >= 200:
                return answer


async def _tcp(host: str, port: int, call_id: str) -> tuple[int, str]:
    stream = await trio.open_tcp_stream(host, port)
    async with stream:
        local = stream.socket.getsockname()
        await stream.send_all(options_request(host, port, "TCP", local[:2], call_id))
        buffer = b""
        while True:
            chunk = await stream.receive_some(65535)
            if not chunk:
                raise CheckFailed("SIP OPTIONS failed: connection closed")
            buffer += chunk
            while b"\r\n\r\n" in buffer:
                message, buffer = _split_message(buffer)
                answer = parse_response(message, call_id)
                if answer is not None and answer[0] >= 200:
                    return answer


def _split_message(buffer: bytes) -> tuple[bytes, bytes]:
    """One message (head + Content-Length body) off the front of a TCP stream's buffer."""
    head, rest = buffer.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() in (b"content-length", b"l") and value.strip().isdigit():
            length = int(value.strip())
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


def _reason(exc: BaseException) -> str:
    """The OS's words for a failure; trio's connect error wraps the per-address errors as its cause."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno:
            return os.strerror(seen.errno)
        group = getattr(seen, "exceptions", None)
        seen = group[0] if group else seen.__cause__
    return str(exc)


@register("sip-options")
class SipOptions(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        host = str(monitor.get("hostname") or "").strip()
        port = int(monitor.get("port") or 5060)
        tcp = str(monitor.get("protocol") or "").upper() == "TCP"
        timeout = effective_timeout(monitor)
        call_id = f"{secrets.token_hex(12)}@kuma"
        start = trio.current_time()
        with trio.move_on_after(timeout):
            try:
                code, line = await (_tcp if tcp else _udp)(host, port, call_id)
            except OSError as exc:
                raise CheckFailed(f"SIP OPTIONS failed: {_reason(exc)}") from None
            if code != 200:
                raise CheckFailed(line)
            return CheckResult(msg=line, ping=elapsed_ms(start))
        raise CheckFailed(f"SIP OPTIONS request timed out after {timeout:g} s")
