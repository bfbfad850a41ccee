"""ntp checks against Debian's chronyd started by the test, and a local responder for the edge answers."""
from __future__ import annotations

import socket
import struct
import threading
import time
from contextlib import contextmanager

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.probe_daemons import CHRONY_STRATUM, chronyd
from tests.helpers.threads import loop_thread

NTP_EPOCH = 2208988800


async def check(port, **row):
    fields = dict(type="ntp", hostname="127.0.0.1", port=port, timeout=20, ntp_stratum_threshold=5,
                  ntp_time_offset_threshold=1000, ntp_root_dispersion_threshold=500)
    fields.update(row)
    return await get_monitor_type("ntp").check(monitor_row(**fields), CheckContext())


async def test_chronyd_answers_up():
    with chronyd() as port:
        result = await check(port)
        assert result.status == 1
        assert result.msg.startswith(f"Stratum: {CHRONY_STRATUM}, RefID: 127.127.1.1, Offset: ")
        assert "ms, Delay: " in result.msg and "ms, Dispersion: " in result.msg
        assert isinstance(result.ping, int)
        with pytest.raises(CheckFailed, match=f"^Stratum {CHRONY_STRATUM} meets or exceeds threshold 3$"):
            await check(port, ntp_stratum_threshold=3)


def _ntp_time(seconds: float) -> bytes:
    whole = int(seconds)
    return struct.pack("!II", whole + NTP_EPOCH, int((seconds - whole) * 2**32))


@contextmanager
def responder(*, stratum=2, refid=b"\xc0\x00\x02\x01", skew=0.0, dispersion=0.01):
    """Answers NTPv3 client requests with real server packets: clock `skew` seconds ahead of ours."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(100)
            except OSError:
                continue
            now = time.time() + skew
            head = bytes([0x1C, stratum, 6, 0xEC]) + struct.pack("!II", 0, int(dispersion * 65536)) + refid
            sock.sendto(head + _ntp_time(now - 1) + data[40:48] + _ntp_time(now) + _ntp_time(now), peer)

    with loop_thread(loop, sock, stop) as port:
        yield port


async def test_thresholds_and_refids():
    with responder(stratum=1, refid=b"GPS\0") as port:
        assert (await check(port)).msg.startswith("Stratum: 1, RefID: GPS, Offset: ")
    with responder(stratum=16) as port:
        with pytest.raises(CheckFailed, match=r"^NTP server is unsynchronized \(stratum 16\)$"):
            await check(port)
    with responder(skew=5.0) as port:  # 5 s ahead, measured ± the round trip: 4,800–5,199 ms
        with pytest.raises(CheckFailed, match=r"^Time offset (4[89]|5[01])\d{2}\.\d{3}ms exceeds threshold 1000ms$"):
            await check(port)
        assert (await check(port, ntp_time_offset_threshold=10000)).msg.startswith("Stratum: 2, RefID: 192.0.2.1")
    with responder(dispersion=0.75) as port:
        with pytest.raises(CheckFailed, match=r"^Root dispersion 750\.000ms exceeds threshold 500ms$"):
            await check(port)


async def test_silent_server_and_missing_host():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        with pytest.raises(CheckFailed, match="^NTP request timed out$"):
            await check(silent.getsockname()[1], timeout=0.5)
    with pytest.raises(CheckFailed, match="^Hostname is required$"):
        await check(123, hostname="")
