"""Real daemons for the protocol-probe monitor tests: Debian's snmpd, freeradius and chronyd, each started in
the foreground on a free UDP port of 127.0.0.1 with a config of its own in a temp folder, and stopped after.

scripts/lib/system-deps.sh installs them (packages snmpd, freeradius, chrony). A missing daemon fails the
test with that hint rather than skipping it.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _binary(path: str, package: str) -> str:
    if not Path(path).exists() and not shutil.which(Path(path).name):
        pytest.fail(f"{path} is missing: scripts/lib/system-deps.sh installs Debian's {package} package")
    return path if Path(path).exists() else str(shutil.which(Path(path).name))


@contextmanager
def _running(argv: list[str], ready: Callable[[], bool], log: Path, what: str) -> Iterator[subprocess.Popen]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _udp_answers(port: int, probe: bytes) -> Callable[[], bool]:
    def ready() -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(0.2)
            sock.sendto(probe, ("127.0.0.1", port))
            try:
                return bool(sock.recv(4096))
            except OSError:
                return False

    return ready


# ---------------------------------------------------------------- snmpd

SNMP_COMMUNITY = "kuma-ro"
SNMP_V3_USER = "kumauser"
SNMP_LOCATION = "Kuma Test Lab"
#: sysLocation.0 and sysServices.0 (an INTEGER the config sets to 72).
OID_SYS_LOCATION = "1.3.6.1.2.1.1.6.0"
OID_SYS_SERVICES = "1.3.6.1.2.1.1.7.0"


@contextmanager
def snmpd() -> Iterator[int]:
    """snmpd answering v1/v2c for community `kuma-ro` and v3 noAuthNoPriv for user `kumauser`."""
    binary = _binary("/usr/sbin/snmpd", "snmpd")
    port = free_udp_port()
    with tempfile.TemporaryDirectory(prefix="kuma-snmpd-") as folder:
        base = Path(folder)
        (base / "persist").mkdir()
        conf = base / "snmpd.conf"
        conf.write_text(
            f"[snmpd] rocommunity {SNMP_COMMUNITY} 127.0.0.1\n"
            f"[snmpd] createUser {SNMP_V3_USER}\n"
            f"[snmpd] rouser {SNMP_V3_USER} noauth\n"
            f"[snmpd] sysLocation {SNMP_LOCATION}\n"
            "[snmpd] sysServices 72\n"
            f"[snmp] persistentDir {base / 'persist'}\n"
            "[snmp] mibs\n"
        )
        argv = [binary, "-f", "-C", "-c", str(conf), "-Lf", str(base / "snmpd.log"),
                "-p", str(base / "snmpd.pid"), f"udp:127.0.0.1:{port}"]
        from kuma.monitors.snmp import community_message, get_pdu

        probe = community_message(1, SNMP_COMMUNITY, get_pdu(1, OID_SYS_SERVICES))
        with _running(argv, _udp_answers(port, probe), base / "out.log", "snmpd"):
            yield port


# ---------------------------------------------------------------- chronyd

#: `local stratum 3` with no sources: chronyd serves its own clock at stratum 3, refid 127.127.1.1.
CHRONY_STRATUM = 3


@contextmanager
def chronyd() -> Iterator[int]:
    """chronyd serving NTP on a free port of 127.0.0.1; `-x`: it never touches the system clock."""
    binary = _binary("/usr/sbin/chronyd", "chrony")
    port = free_udp_port()
    with tempfile.TemporaryDirectory(prefix="kuma-chrony-") as folder:
        base = Path(folder)
        conf = base / "chrony.conf"
        conf.write_text(
            f"port {port}\nbindaddress 127.0.0.1\ncmdport 0\nallow 127.0.0.1\n"
            f"local stratum {CHRONY_STRATUM}\npidfile {base / 'chronyd.pid'}\n"
        )
        argv = [binary, "-d", "-x", "-f", str(conf)]
        with _running(argv, _udp_answers(port, b"\x1b" + bytes(47)), base / "out.log", "chronyd"):
            yield port
