"""dns checks against a local DNS server answering from a table."""
from __future__ import annotations

import json

import pytest
import trio

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.dns import evaluate_conditions
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port, dns_server

TABLE = {
    ("example.test.", "A"): ["127.0.0.1"],
    ("multi.test.", "A"): ["10.0.0.1", "10.0.0.2"],
    ("example.test.", "AAAA"): ["::1"],
    ("example.test.", "MX"): ["10 mail.example.test.", "20 backup.example.test."],
    ("example.test.", "NS"): ["ns1.example.test.", "ns2.example.test."],
    ("example.test.", "TXT"): ['"v=spf1 -all"', '"part one" "part two"'],
    ("example.test.", "SOA"): ["ns1.example.test. admin.example.test. 2026112601 7200 3600 1209600 300"],
    ("_sip._tcp.example.test.", "SRV"): ["10 60 5060 sip.example.test."],
    ("example.test.", "CAA"): ['0 issue "letsencrypt.org"'],
    ("www.example.test.", "CNAME"): ["example.test."],
    ("1.0.0.127.in-addr.arpa.", "PTR"): ["localhost."],
}


async def check(port, hostname="example.test", rdtype="A", **row):
    monitor = monitor_row(type="dns", hostname=hostname, dns_resolve_type=rdtype, dns_resolve_server="127.0.0.1",
                          port=port, **row)
    return await get_monitor_type("dns").check(monitor, CheckContext())


async def test_dns_a_record_like_the_fixture():
    with dns_server(TABLE) as port:
        result = await check(port, dns_last_result=None)
        assert (result.status, result.msg) == (1, "Records: 127.0.0.1")
        assert result.monitor_updates == {"dns_last_result": "Records: 127.0.0.1"}
        assert isinstance(result.ping, int)
        unchanged = await check(port, dns_last_result="Records: 127.0.0.1")
        assert unchanged.monitor_updates == {}


@pytest.mark.parametrize("hostname, rdtype, msg", [
    ("multi.test", "A", "Records: 10.0.0.1 | 10.0.0.2"),
    ("example.test", "AAAA", "Records: ::1"),
    ("example.test", "MX", "Hostname: mail.example.test - Priority: 10 | Hostname: backup.example.test - Priority: 20"),
    ("example.test", "NS", "Servers: ns1.example.test | ns2.example.test"),
    ("example.test", "TXT", "Records: v=spf1 -all | part one,part two"),
    ("example.test", "SOA", "NS-Name: ns1.example.test | Hostmaster: admin.example.test | Serial: 2026112601 | "
                            "Refresh: 7200 | Retry: 3600 | Expire: 1209600 | MinTTL: 300"),
    ("_sip._tcp.example.test", "SRV", "Name: sip.example.test | Port: 5060 | Priority: 10 | Weight: 60"),
    ("example.test", "CAA", "Records: letsencrypt.org"),
    ("www.example.test", "CNAME", "example.test"),
    ("127.0.0.1", "PTR", "Records: localhost"),
])
async def test_dns_record_type_messages(hostname, rdtype, msg):
    with dns_server(TABLE) as port:
        assert (await check(port, hostname, rdtype)).msg == msg


async def test_dns_failures_name_the_node_error():
    with dns_server(TABLE) as port:
        with pytest.raises(CheckFailed, match="^queryA ENOTFOUND nothing.test$"):
            await check(port, "nothing.test")
        with pytest.raises(CheckFailed, match="^queryCname ENODATA example.test$"):
            await check(port, "example.test", "CNAME")
    # fixture kuma.db: DNS target stopped → `queryA ECONNREFUSED example.test`
    with pytest.raises(CheckFailed, match="^queryA ECONNREFUSED example.test$"):
        await check(closed_port())


async def test_dns_silent_server_times_out():
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # bound but never answers
    sock.bind(("127.0.0.1", 0))
    with sock:
        start = trio.current_time()
        with pytest.raises(CheckFailed, match="^queryA ETIMEOUT example.test$"):
            await check(sock.getsockname()[1], timeout=0.5)
        assert trio.current_time() - start < 5


async def test_dns_second_server_used_when_first_refuses():
    with dns_server(TABLE) as port:
        monitor = monitor_row(type="dns", hostname="example.test", dns_resolve_type="A", port=port,
                              dns_resolve_server="127.0.0.2, 127.0.0.1")
        # nothing listens on 127.0.0.2:<port> → refused, then 127.0.0.1 answers
        result = await get_monitor_type("dns").check(monitor, CheckContext())
    assert result.msg == "Records: 127.0.0.1"


async def test_dns_conditions_on_records():
    with dns_server(TABLE) as port:
        ok = [{"type": "expression", "andOr": "and", "variable": "record", "operator": "equals", "value": "10.0.0.2"}]
        assert (await check(port, "multi.test", conditions=json.dumps(ok))).status == 1
        bad = [{"type": "expression", "andOr": "and", "variable": "record", "operator": "starts_with",
                "value": "192."}]
        with pytest.raises(CheckFailed, match=r"^Records: 10\.0\.0\.1 \| 10\.0\.0\.2$") as info:
            await check(port, "multi.test", conditions=json.dumps(bad))
        assert info.value.monitor_updates == {"dns_last_result": "Records: 10.0.0.1 | 10.0.0.2"}
        mx = [{"type": "expression", "variable": "record", "operator": "ends_with", "value": "backup.example.test"}]
        assert (await check(port, "example.test", "MX", conditions=json.dumps(mx))).status == 1


def test_condition_groups_and_or():
    expr = lambda op, value, andor="and": {"type": "expression", "variable": "record", "operator": op,  # noqa: E731
                                          "value": value, "andOr": andor}
    record = {"record": "mail.example.test"}
    assert evaluate_conditions([], record) is True
    assert evaluate_conditions([expr("contains", "zzz"), expr("ends_with", ".test", "or")], record) is True
    assert evaluate_conditions([expr("contains", "mail"), expr("not_contains", "example", "and")], record) is False
    group = {"type": "group", "andOr": "or", "children": [expr("equals", "mail.example.test")]}
    assert evaluate_conditions([expr("equals", "x"), group], record) is True
    assert evaluate_conditions([expr("gt", "5")], {"record": "10"}) is True
    assert evaluate_conditions([expr("lte", "5")], {"record": "abc"}) is False
