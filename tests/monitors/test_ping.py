"""ping checks against 127.0.0.1: every ICMP path this machine allows, and the `ping` binary fallback."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.ping import (
    PingSettings, SocketNotAllowed, echo_request, parse_ping_output, parse_reply, ping_command, ping_with_binary,
    ping_with_socket, settings_from_row, target_host,
)
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.paths import REPO

#: Runs one ping check in a child process and prints {"status","msg","ping"} or {"error"} as JSON.
CHILD = """
import json, sys, trio
from kuma.monitors.base import CheckContext, get_monitor_type
row = json.loads(sys.argv[1])
async def main():
    try:
        r = await get_monitor_type("ping").check(row, CheckContext())
        print(json.dumps({"status": r.status, "msg": r.msg, "ping": r.ping}))
    except Exception as exc:
        print(json.dumps({"error": str(exc)}))
trio.run(main)
"""


def run_child(row: dict, prefix: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([*prefix, sys.executable, "-c", CHILD, json.dumps(row)], capture_output=True, text=True,
                          env=env, cwd="/", timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def test_ping_localhost_up_with_fractional_average():
    result = await get_monitor_type("ping").check(monitor_row(type="ping", hostname="127.0.0.1", timeout=10),
                                                  CheckContext())
    # fixture kuma.db: ping monitor UP beats have msg "" and a fractional ping such as 0.018
    assert result.status == 1 and result.msg == ""
    assert isinstance(result.ping, float) and 0 < result.ping < 1000


async def test_ping_count_and_size_with_raw_socket():
    settings = PingSettings(count=3, size=200, per_request_timeout=2, deadline=10)
    assert os.geteuid() == 0  # the raw path needs CAP_NET_RAW: this suite runs as root
    rtts = await ping_with_socket("127.0.0.1", settings, raw=True)
    assert len(rtts) == 3 and all(r > 0 for r in rtts)


async def test_ping_datagram_socket_is_used_only_where_allowed():
    low, high = (int(x) for x in open("/proc/sys/net/ipv4/ping_group_range").read().split())
    allowed = any(low <= g <= high for g in os.getgroups() + [os.getgid()])
    if allowed:
        assert len(await ping_with_socket("127.0.0.1", PingSettings(), raw=False)) == 1
    else:
        with pytest.raises(SocketNotAllowed):
            await ping_with_socket("127.0.0.1", PingSettings(), raw=False)


async def test_ping_binary_path_count_size_and_average():
    settings = PingSettings(count=2, size=100, per_request_timeout=1, deadline=5)
    assert ping_command("h", settings) == ["ping", "-c", "2", "-s", "100", "-W", "1", "-w", "5", "-n", "h"]
    average, output = await ping_with_binary("127.0.0.1", settings, dict(os.environ))
    assert "2 packets transmitted, 2 received" in output
    assert "108 bytes from 127.0.0.1" in output  # 100 data bytes + 8 ICMP header
    assert average is not None and average > 0


def test_ping_without_privileges_falls_back_to_the_binary():
    """As `nobody` the datagram socket (ping_group_range) and raw socket (no CAP_NET_RAW) are refused."""
    row = monitor_row(type="ping", hostname="127.0.0.1", timeout=10)
    outcome = run_child(row, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
    assert outcome["status"] == 1 and outcome["msg"] == ""
    assert outcome["ping"] > 0


def test_ping_unreachable_is_down_with_ping_like_output():
    """In an empty network namespace even 127.0.0.1 is unreachable (loopback is down)."""
    row = monitor_row(type="ping", hostname="127.0.0.1", timeout=3, ping_count=2)
    outcome = run_child(row, ["unshare", "--net"])
    assert "2 packets transmitted, 0 received, 100% packet loss" in outcome["error"]
    outcome = run_child(row, ["unshare", "--net", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
    assert "Network is unreachable" in outcome["error"] or "100% packet loss" in outcome["error"]


async def test_ping_unknown_host_is_down():
    with pytest.raises(CheckFailed, match="no-such-host.invalid"):
        await get_monitor_type("ping").check(monitor_row(type="ping", hostname="no-such-host.invalid"),
                                             CheckContext())


def test_ping_settings_and_host_forms():
    s = settings_from_row(monitor_row(ping_count=500, packet_size=0, ping_per_request_timeout=None, timeout=10))
    assert (s.count, s.size, s.per_request_timeout, s.deadline) == (100, 1, 2.0, 10.0)
    assert target_host("example.com:8080") == "example.com"
    assert target_host("https://example.com:8443/x") == "example.com"
    assert target_host("[::1]:80") == "::1"
    assert target_host("::1") == "::1"
    assert target_host("10.0.0.1") == "10.0.0.1"


def test_ping_packets_and_output_parsing():
    packet = echo_request(4, 0x1234, 7, b"abcdefgh")
    # an IPv4 raw socket hands back the IP header too
    reply = bytes([0x45]) + bytes(19) + bytes([0, 0]) + packet[2:]
    assert parse_reply(4, reply, has_ip_header=True) == (0, 0x1234, 7, b"abcdefgh")
    assert parse_ping_output("rtt min/avg/max/mdev = 0.018/0.025/0.031/0.004 ms") == 0.025
    assert parse_ping_output("round-trip min/avg/max = 0.1/0.2/0.3 ms") == 0.2
    assert parse_ping_output("1 packets transmitted, 0 received, 100% packet loss") is None
