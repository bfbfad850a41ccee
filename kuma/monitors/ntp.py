"""`ntp`: one NTPv3 client query over UDP; UP when the server answers within the monitor's thresholds.

As Uptime Kuma 2.5.3: the message reports stratum, reference id, offset, round-trip delay and root
dispersion ("Stratum: 2, RefID: 192.0.2.1, Offset: 0.120ms, Delay: 0.310ms, Dispersion: 10.000ms"); a
stratum-16 (unsynchronised) server, a stratum at or above `ntp_stratum_threshold` (default 5), an absolute
offset at or above `ntp_time_offset_threshold` ms (1000) or a root dispersion at or above
`ntp_root_dispersion_threshold` ms (500) is DOWN. Offsets are against this machine's real clock (never
the pinnable app clock: an NTP offset is about the system time).
"""

from __future__ import annotations

import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import trio

from kuma.monitors._common import elapsed_ms
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

NTP_EPOCH_OFFSET_MS = 2208988800000
REQUEST = b"\x1b" + bytes(47)  # LI 0, version 3, mode 3 (client)


@dataclass
class NtpReading:
    stratum: int
    refid: str
    offset: float  # ms
    delay: float  # ms
    root_dispersion: float  # ms

    def message(self) -> str:
        return (
            f"Stratum: {self.stratum}, RefID: {self.refid}, Offset: {self.offset:.3f}ms, "
            f"Delay: {self.delay:.3f}ms, Dispersion: {self.root_dispersion:.3f}ms"
        )


def _timestamp_ms(packet: bytes, at: int) -> float:
    seconds, fraction = struct.unpack_from("!II", packet, at)
    return seconds * 1000 + fraction * 1000 / 0x100000000


def parse_response(packet: bytes, t1: float, t4: float) -> NtpReading:
    """RFC 5905 offset and delay from the server's receive (T2) and transmit (T3) timestamps."""
    if len(packet) < 48:
        raise CheckFailed(f"Invalid NTP response: expected 48+ bytes, got {len(packet)}")
    stratum = packet[1]
    dispersion = struct.unpack_from("!I", packet, 8)[0] / 65536 * 1000
    if stratum <= 1:
        refid = packet[12:16].decode("ascii", "replace").replace("\0", "").strip()
    else:
        refid = ".".join(str(b) for b in packet[12:16])
    t2, t3 = _timestamp_ms(packet, 32), _timestamp_ms(packet, 40)
    return NtpReading(stratum, refid, ((t2 - t1) + (t3 - t4)) / 2, (t4 - t1) - (t3 - t2), dispersion)


def judge(reading: NtpReading, monitor: Mapping[str, Any]) -> str:
    """The UP message, or CheckFailed naming the threshold that was crossed."""
    if reading.stratum == 16:
        raise CheckFailed("NTP server is unsynchronized (stratum 16)")
    stratum_max = int(monitor.get("ntp_stratum_threshold") or 5)
    if reading.stratum >= stratum_max:
        raise CheckFailed(f"Stratum {reading.stratum} meets or exceeds threshold {stratum_max}")
    offset_max = int(monitor.get("ntp_time_offset_threshold") or 1000)
    if abs(reading.offset) >= offset_max:
        raise CheckFailed(f"Time offset {reading.offset:.3f}ms exceeds threshold {offset_max}ms")
    dispersion_max = int(monitor.get("ntp_root_dispersion_threshold") or 500)
    if reading.root_dispersion >= dispersion_max:
        raise CheckFailed(f"Root dispersion {reading.root_dispersion:.3f}ms exceeds threshold {dispersion_max}ms")
    return reading.message()


async def query(host: str, port: int, timeout: float) -> NtpReading:
    """Send one request from an unconnected socket and read the first answer from the server's address."""
    family = trio.socket.AF_INET6 if ":" in host else trio.socket.AF_INET
    with trio.move_on_after(timeout):
        try:
            infos = await trio.socket.getaddrinfo(host, port, family=family, type=trio.socket.SOCK_DGRAM)
        except OSError as exc:
            raise CheckFailed(f"UDP socket error: getaddrinfo ENOTFOUND {host}") from exc
        address = infos[0][4]
        with trio.socket.socket(family, trio.socket.SOCK_DGRAM) as sock:
            t1 = time.time() * 1000 + NTP_EPOCH_OFFSET_MS
            try:
                await sock.sendto(REQUEST, address)
            except OSError as exc:
                raise CheckFailed(f"Failed to send NTP request: {exc.strerror or exc}") from exc
            while True:
                packet, source = await sock.recvfrom(1024)
                if source[:2] == address[:2]:
                    return parse_response(packet, t1, time.time() * 1000 + NTP_EPOCH_OFFSET_MS)
    raise CheckFailed("NTP request timed out")


@register("ntp")
class Ntp(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        host = str(monitor.get("hostname") or "").strip()
        if not host:
            raise CheckFailed("Hostname is required")
        port = int(monitor.get("port") or 123)
        timeout = float(monitor.get("timeout") or 10)
        start = trio.current_time()
        reading = await query(host, port, timeout)
        ping = elapsed_ms(start)
        return CheckResult(msg=judge(reading, monitor), ping=ping)
