"""`ping`: ICMP echo to `hostname`; the ping is the average round trip in ms (spec §4.2).

Three ways, first that the system allows: an unprivileged ICMP datagram socket (needs
net.ipv4.ping_group_range), a raw socket (needs CAP_NET_RAW), else the system `ping` binary. Packet building,
reply parsing and `ping` output parsing are pure functions.
"""

from __future__ import annotations

import os
import re
import secrets
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import trio

from kuma.monitors._common import as_bool, effective_timeout
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

ECHO_REQUEST = {4: 8, 6: 128}
ECHO_REPLY = {4: 0, 6: 129}


@dataclass
class PingSettings:
    count: int = 1
    size: int = 56
    per_request_timeout: float = 2.0
    deadline: float = 10.0
    numeric: bool = True


def _clamp(value: Any, low: int, high: int, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def settings_from_row(monitor: Mapping[str, Any]) -> PingSettings:
    """Spec limits: count 1–100 (1), size 1–65500 (56), per-reply timeout 1–60 s (2), deadline 1–300 s."""
    deadline = effective_timeout(monitor) if monitor.get("timeout") not in (None, "") else 10.0
    return PingSettings(
        count=_clamp(monitor.get("ping_count"), 1, 100, 1),
        size=_clamp(monitor.get("packet_size"), 1, 65500, 56),
        per_request_timeout=float(_clamp(monitor.get("ping_per_request_timeout"), 1, 60, 2)),
        deadline=min(max(deadline, 1.0), 300.0),
        numeric=as_bool(monitor.get("ping_numeric", 1)),
    )


def target_host(hostname: str) -> str:
    """`host:port`, `[v6]:port` or a URL → just the host; a bare IPv6 address stays as it is."""
    text = hostname.strip()
    if "://" in text:
        return urlsplit(text).hostname or text
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text.split("/", 1)[0]


# ---------------------------------------------------------------- ICMP packets (pure)


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def echo_request(version: int, ident: int, seq: int, payload: bytes) -> bytes:
    header = struct.pack("!BBHHH", ECHO_REQUEST[version], 0, 0, ident, seq)
    if version == 6:  # the kernel fills the ICMPv6 checksum (it covers a pseudo header)
        return header + payload
    return struct.pack("!BBHHH", ECHO_REQUEST[4], 0, checksum(header + payload), ident, seq) + payload


def parse_reply(version: int, data: bytes, has_ip_header: bool) -> tuple[int, int, int, bytes] | None:
    """(type, ident, seq, payload) of an ICMP message, skipping the IPv4 header of raw sockets."""
    if has_ip_header and version == 4:
        if not data:
            return None
        data = data[(data[0] & 0x0F) * 4 :]
    if len(data) < 8:
        return None
    kind, _code, _sum, ident, seq = struct.unpack("!BBHHH", data[:8])
    return kind, ident, seq, data[8:]


def parse_ping_output(output: str) -> float | None:
    """Average RTT (ms) from iputils/busybox `ping` output, or None when no reply came back."""
    match = re.search(r"(?:rtt|round-trip)[^=]*=\s*[\d.]+/([\d.]+)/", output)
    if match:
        return float(match.group(1))
    times = [float(t) for t in re.findall(r"time[=<]([\d.]+)\s*ms", output)]
    return round(sum(times) / len(times), 3) if times else None


def loss_text(host: str, address: str, settings: PingSettings, received: int, elapsed_ms: int) -> str:
    """A `ping`-like summary for the socket paths, so a DOWN message reads the same either way."""
    loss = round(100 * (settings.count - received) / settings.count)
    return (
        f"PING {host} ({address}) {settings.size}({settings.size + 28}) bytes of data.\n\n"
        f"--- {host} ping statistics ---\n"
        f"{settings.count} packets transmitted, {received} received, {loss}% packet loss, time {elapsed_ms}ms"
    )


# ---------------------------------------------------------------- I/O


class SocketNotAllowed(Exception):
    """This way of sending ICMP is not permitted here; try the next one."""


async def resolve(host: str) -> tuple[int, str]:
    """(IP version, address) of the host, first getaddrinfo answer like `ping` does."""
    try:
        infos = await trio.socket.getaddrinfo(host, None, type=trio.socket.SOCK_DGRAM)
    except OSError:
        raise CheckFailed(f"ping: {host}: Name or service not known") from None
    family, address = infos[0][0], infos[0][4][0]
    return (6 if family == trio.socket.AF_INET6 else 4), str(address)


async def ping_with_socket(host: str, settings: PingSettings, *, raw: bool) -> list[float]:
    """Round trips (ms) of the replies received; raises SocketNotAllowed when the socket can't be opened."""
    version, address = await resolve(host)
    family = trio.socket.AF_INET6 if version == 6 else trio.socket.AF_INET
    proto = trio.socket.IPPROTO_ICMPV6 if version == 6 else trio.socket.IPPROTO_ICMP
    try:
        sock = trio.socket.socket(family, trio.socket.SOCK_RAW if raw else trio.socket.SOCK_DGRAM, proto)
    except OSError as exc:
        raise SocketNotAllowed(str(exc)) from None
    ident = secrets.randbelow(0xFFFF)
    token = secrets.token_bytes(8)
    payload = (token * (settings.size // 8 + 1))[: settings.size]
    rtts: list[float] = []
    with sock:
        with trio.move_on_after(settings.deadline):
            for seq in range(1, settings.count + 1):
                sent_at = trio.current_time()
                try:
                    await sock.sendto(echo_request(version, ident, seq, payload), (address, 0))
                except OSError:
                    pass  # unreachable network: counts as a lost packet
                else:
                    with trio.move_on_after(settings.per_request_timeout):
                        while True:
                            data = await sock.recv(65535)
                            reply = parse_reply(version, data, has_ip_header=raw)
                            if reply is None:
                                continue
                            kind, reply_ident, reply_seq, reply_payload = reply
                            # datagram sockets: the kernel rewrites the id, so match by sequence + payload
                            if (
                                kind == ECHO_REPLY[version]
                                and reply_seq == seq
                                and reply_payload[:8] == token
                                and (reply_ident == ident or not raw)
                            ):
                                rtts.append((trio.current_time() - sent_at) * 1000)
                                break
                if seq < settings.count:  # one second between echo requests, like `ping`
                    await trio.sleep_until(sent_at + 1)
    return rtts


def _subprocess_env(ctx: CheckContext) -> dict[str, str]:
    if ctx.subprocess_env is not None:
        return ctx.subprocess_env
    try:
        from kuma.process_env import subprocess_env
    except ImportError:
        return dict(os.environ)
    return subprocess_env()


def ping_command(host: str, settings: PingSettings, version: int | None = None) -> list[str]:
    """The iputils `ping` argv for these settings, the last resort when no ICMP socket can be opened."""
    args = ["ping"] + ([f"-{version}"] if version else [])
    args += [
        "-c",
        str(settings.count),
        "-s",
        str(settings.size),
        "-W",
        str(int(settings.per_request_timeout)),
        "-w",
        str(int(round(settings.deadline))),
    ]
    if settings.numeric:
        args.append("-n")
    return args + [host]


async def ping_with_binary(
    host: str, settings: PingSettings, env: dict[str, str], version: int | None = None
) -> tuple[float | None, str]:
    """(average ms or None, output) from the system `ping`."""
    with trio.move_on_after(settings.deadline + 5):
        try:
            done = await trio.run_process(
                ping_command(host, settings, version), capture_stdout=True, capture_stderr=True, check=False, env=env
            )
        except FileNotFoundError:
            raise CheckFailed("ping: command not found (install iputils-ping)") from None
        output = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
        average = parse_ping_output(output) if done.returncode == 0 else None
        return average, output
    return None, f"ping: timeout after {settings.deadline:g}s"


@register("ping")
class Ping(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        host = target_host(str(monitor.get("hostname") or ""))
        if not host:
            raise CheckFailed("ping: missing hostname")
        settings = settings_from_row(monitor)
        start = trio.current_time()
        for raw in (False, True):
            try:
                rtts = await ping_with_socket(host, settings, raw=raw)
            except SocketNotAllowed:
                continue
            if rtts:
                return CheckResult(msg="", ping=round(sum(rtts) / len(rtts), 3))
            _, address = await resolve(host)
            raise CheckFailed(loss_text(host, address, settings, 0, round((trio.current_time() - start) * 1000)))
        env = _subprocess_env(ctx)
        average, output = await ping_with_binary(host, settings, env)
        if average is None and not output:
            average, output = await ping_with_binary(host, settings, env, version=6)
        if average is None:
            raise CheckFailed(output or "ping failed")
        return CheckResult(msg="", ping=average)
