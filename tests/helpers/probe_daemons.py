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


# ---------------------------------------------------------------- freeradius

RADIUS_SECRET = "kuma-shared-secret"
RADIUS_USER, RADIUS_PASSWORD = "kuma", "s3cret-with-a-longer-passphrase"
#: a second user whose entry only accepts requests from this calling station id
RADIUS_STATION_USER, RADIUS_STATION = "station", "02-00-00-00-00-01"

_RADIUSD_CONF = """\
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = {base}
sbindir = /usr/sbin
logdir = {base}
raddbdir = {base}
radacctdir = {base}
name = freeradius
confdir = {base}
modconfdir = {base}
run_dir = {base}
db_dir = {base}
libdir = /usr/lib/freeradius
pidfile = {base}/radiusd.pid
max_request_time = 30
cleanup_delay = 0
max_requests = 1024
hostname_lookups = no
log {{
  destination = stdout
}}
security {{
  allow_core_dumps = no
  allow_vulnerable_openssl = yes
}}
thread pool {{
  start_servers = 1
  max_servers = 2
  min_spare_servers = 1
  max_spare_servers = 2
}}
client local {{
  ipaddr = 127.0.0.1
  secret = {secret}
}}
modules {{
  pap {{
  }}
  files {{
    filename = {base}/users
  }}
}}
server default {{
  listen {{
    type = auth
    ipaddr = 127.0.0.1
    port = {port}
  }}
  authorize {{
    files
    pap
  }}
  authenticate {{
    Auth-Type PAP {{
      pap
    }}
  }}
}}
"""


@contextmanager
def freeradius() -> Iterator[int]:
    """freeradius in the foreground with PAP users from a users file, one client: 127.0.0.1."""
    binary = _binary("/usr/sbin/freeradius", "freeradius")
    port = free_udp_port()
    with tempfile.TemporaryDirectory(prefix="kuma-radius-") as folder:
        base = Path(folder)
        (base / "radiusd.conf").write_text(_RADIUSD_CONF.format(base=base, port=port, secret=RADIUS_SECRET))
        (base / "users").write_text(
            f'{RADIUS_USER} Cleartext-Password := "{RADIUS_PASSWORD}"\n'
            f'{RADIUS_STATION_USER} Cleartext-Password := "{RADIUS_PASSWORD}", '
            f'Calling-Station-Id == "{RADIUS_STATION}"\n'
        )
        argv = [binary, "-f", "-l", "stdout", "-d", str(base)]
        # a Status-Server-less probe: any Access-Request gets a reply (a reject) once it listens
        probe = bytes([1, 1, 0, 20]) + bytes(16)
        with _running(argv, _udp_answers(port, probe), base / "out.log", "freeradius"):
            yield port
