"""snmp checks against Debian's snmpd started by the test (v1, v2c, v3 noAuthNoPriv)."""
from __future__ import annotations

import socket

import pytest

from kuma.monitors import _ber as ber
from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.probe_daemons import (
    OID_SYS_LOCATION, OID_SYS_SERVICES, SNMP_COMMUNITY, SNMP_LOCATION, SNMP_V3_USER, snmpd,
)


@pytest.fixture(scope="module")
def agent():
    with snmpd() as port:
        yield port


async def check(port, **row):
    fields = dict(type="snmp", hostname="127.0.0.1", port=port, snmp_version="2c", radius_password=SNMP_COMMUNITY,
                  snmp_oid=OID_SYS_SERVICES, json_path="$", json_path_operator="==", expected_value="72",
                  timeout=20)  # a bound for a busy machine; the timeout tests pass their own
    fields.update(row)
    return await get_monitor_type("snmp").check(monitor_row(**fields), CheckContext())


async def test_v2c_integer_passes_the_json_query(agent):
    result = await check(agent)
    assert (result.status, result.msg) == (1, "JSON query passes (comparing 72 == 72)")
    assert isinstance(result.ping, int)


async def test_v1_and_numeric_operators(agent):
    assert (await check(agent, snmp_version="1", json_path_operator=">", expected_value="70")).msg == \
        "JSON query passes (comparing 72 > 70)"
    with pytest.raises(CheckFailed, match=r"^JSON query does not pass \(comparing 72 < 10\)$"):
        await check(agent, json_path_operator="<", expected_value="10")


async def test_string_value_contains(agent):
    result = await check(agent, snmp_oid=OID_SYS_LOCATION, json_path_operator="contains", expected_value="Lab")
    assert result.msg == f"JSON query passes (comparing {SNMP_LOCATION} contains Lab)"


async def test_v3_no_auth_user(agent):
    result = await check(agent, snmp_version="3", snmp_v3_username=SNMP_V3_USER, radius_password=None,
                         snmp_oid=OID_SYS_LOCATION, expected_value=SNMP_LOCATION)
    assert result.msg == f"JSON query passes (comparing {SNMP_LOCATION} == {SNMP_LOCATION})"


async def test_v3_unknown_user_and_missing_user(agent):
    with pytest.raises(CheckFailed, match="^SNMPv3 report: Unknown user name$"):
        await check(agent, snmp_version="3", snmp_v3_username="nobody")
    with pytest.raises(CheckFailed, match="^SNMPv3 username is required$"):
        await check(agent, snmp_version="3", snmp_v3_username="")


async def test_wrong_community_times_out(agent):
    with pytest.raises(CheckFailed, match="^Request timed out$"):  # the agent drops it silently
        await check(agent, radius_password="wrong", timeout=1, maxretries=1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # nothing answers at all
        silent.bind(("127.0.0.1", 0))
        with pytest.raises(CheckFailed, match="^Request timed out$"):
            await check(silent.getsockname()[1], timeout=0.5)


async def test_missing_instance_and_object(agent):
    with pytest.raises(CheckFailed, match=r"^The SNMP query returned that no instance exists for OID 1\.3\.6\.1\.2\.1\.1\.7\.5$"):
        await check(agent, snmp_oid="1.3.6.1.2.1.1.7.5")
    with pytest.raises(CheckFailed, match="^Error evaluating JSON query: Empty or undefined response"):
        await check(agent, snmp_oid="1.3.6.1.4.1.99999.1.0")
    with pytest.raises(CheckFailed, match="^NoSuchName$"):  # v1 reports it as an error status
        await check(agent, snmp_version="1", snmp_oid="1.3.6.1.4.1.99999.1.0")


async def test_invalid_oid():
    with pytest.raises(CheckFailed, match="^Invalid OID: 1.3.x$"):
        await check(1, snmp_oid="1.3.x")


def test_ber_round_trip():
    node = ber.decode(ber.sequence(ber.integer(-129), ber.integer(2**31), ber.oid(".1.3.6.1.4.1.2021.300")))
    assert [c.as_int() for c in node.children[:2]] == [-129, 2**31]
    assert node.children[2].as_oid() == "1.3.6.1.4.1.2021.300"
    with pytest.raises(ber.BerError):
        ber.decode(b"\x30\x05\x02\x01")
