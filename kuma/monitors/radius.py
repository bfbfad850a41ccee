"""`radius`: one RFC 2865 Access-Request with the monitor's user, password, station ids and shared secret.

As Uptime Kuma 2.5.3: port `port` (1812 when NULL), each attempt waits interval × 0.4 s and is tried twice;
Access-Accept (or a Challenge) is UP with the reply's code as the message, Access-Reject is DOWN
"RADIUS Access-Reject from <host>:<port>", no answer is "RADIUS authentication failed for <host>:<port>:
RADIUS request timeout after 2 attempts". Like Uptime Kuma's client no Message-Authenticator is sent, so a
wrong shared secret shows as a reject (the server decodes another password). The few bytes of the
protocol are built here (MD5 password hiding). Unlike Uptime Kuma the response authenticator is checked:
an Accept that does not verify (spoofed, or another secret) is DOWN, not UP.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors._common import elapsed_ms, interval_seconds
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

ACCESS_REQUEST = 1
CODES = {2: "Access-Accept", 3: "Access-Reject", 11: "Access-Challenge", 5: "Accounting-Response"}
USER_NAME, USER_PASSWORD, CALLED_STATION_ID, CALLING_STATION_ID = 1, 2, 30, 31
RETRIES = 1


def hide_password(password: bytes, secret: bytes, authenticator: bytes) -> bytes:
    """RFC 2865 §5.2: the password padded to 16-byte blocks, each XORed with MD5(secret + previous)."""
    padded = password.ljust(max(16, -(-len(password) // 16) * 16), b"\0")
    out, previous = b"", authenticator
    for at in range(0, len(padded), 16):
        key = hashlib.md5(secret + previous).digest()
        block = bytes(a ^ b for a, b in zip(padded[at : at + 16], key, strict=True))
        out += block
        previous = block
    return out


def _attribute(kind: int, value: bytes) -> bytes:
    return bytes([kind, len(value) + 2]) + value[:253]


def access_request(identifier: int, authenticator: bytes, monitor: Mapping[str, Any]) -> bytes:
    """An Access-Request packet with the monitor's attributes (the password hidden with the shared secret,
    as RFC 2865 says)."""
    secret = str(monitor.get("radius_secret") or "").encode()
    attributes = b""
    for kind, column in (
        (USER_NAME, "radius_username"),
        (USER_PASSWORD, "radius_password"),
        (CALLING_STATION_ID, "radius_calling_station_id"),
        (CALLED_STATION_ID, "radius_called_station_id"),
    ):
        value = monitor.get(column)
        if value is None or value == "":
            continue
        raw = str(value).encode()
        if kind == USER_PASSWORD:
            raw = hide_password(raw, secret, authenticator)
        attributes += _attribute(kind, raw)
    header = struct.pack("!BBH", ACCESS_REQUEST, identifier, 20 + len(attributes))
    return header + authenticator + attributes


def reply_code(packet: bytes, identifier: int, authenticator: bytes, secret: bytes) -> str | None:
    """The reply's code name when it answers our request (id and response authenticator), else None."""
    if len(packet) < 20 or packet[1] != identifier:
        return None
    length = struct.unpack_from("!H", packet, 2)[0]
    if length < 20 or length > len(packet):
        return None
    code = CODES.get(packet[0], str(packet[0]))
    expected = hashlib.md5(packet[:4] + authenticator + packet[20:length] + secret).digest()
    if packet[4:20] != expected and code != "Access-Reject":  # a reject is DOWN either way, as in Uptime Kuma
        raise CheckFailed("RADIUS response decoding failed: invalid response authenticator (check the secret)")
    return code


async def exchange(host: str, port: int, monitor: Mapping[str, Any], wait: float) -> str:
    """Send the request (and once more on silence); the answering code, or the timeout's CheckFailed."""
    identifier, authenticator = os.urandom(1)[0], os.urandom(16)
    packet = access_request(identifier, authenticator, monitor)
    secret = str(monitor.get("radius_secret") or "").encode()
    try:
        infos = await trio.socket.getaddrinfo(host, port, family=trio.socket.AF_INET, type=trio.socket.SOCK_DGRAM)
    except OSError as exc:
        raise CheckFailed(f"RADIUS authentication failed for {host}:{port}: getaddrinfo ENOTFOUND {host}") from exc
    address = infos[0][4]
    with trio.socket.socket(trio.socket.AF_INET, trio.socket.SOCK_DGRAM) as sock:
        for _attempt in range(RETRIES + 1):
            await sock.sendto(packet, address)
            with trio.move_on_after(wait):
                while True:
                    data, source = await sock.recvfrom(4096)
                    code = reply_code(data, identifier, authenticator, secret) if source == address else None
                    if code is not None:
                        return code
    raise CheckFailed(
        f"RADIUS authentication failed for {host}:{port}: RADIUS request timeout after {RETRIES + 1} attempts"
    )


@register("radius")
class Radius(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        host = str(monitor.get("hostname") or "").strip()
        port = 1812 if monitor.get("port") is None else int(monitor["port"])
        start = trio.current_time()
        code = await exchange(host, port, monitor, interval_seconds(monitor) * 0.4)
        if code == "Access-Reject":
            raise CheckFailed(f"RADIUS Access-Reject from {host}:{port}")
        return CheckResult(msg=code, ping=elapsed_ms(start))
