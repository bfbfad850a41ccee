"""The seven protocol probes inside a running kuma, from source and from the one-file binary, driven by the
`uptime_kuma_api` client made for Uptime Kuma: snmp, ntp and radius against real snmpd, chronyd and
freeradius, sip-options and gamedig against the tests' protocol responders, steam and globalping against
local API stand-ins that kuma reaches through KUMA_STEAM_API_URL / KUMA_GLOBALPING_API_URL."""
from __future__ import annotations

import sqlite3
from contextlib import ExitStack

import pytest

from tests.helpers.binary import built_binary
from tests.helpers.probe_daemons import (
    CHRONY_STRATUM, OID_SYS_SERVICES, RADIUS_PASSWORD, RADIUS_SECRET, RADIUS_USER, SNMP_COMMUNITY, chronyd,
    freeradius, snmpd,
)
from tests.helpers.server import start_kuma
from tests.helpers.targets import http_target
from tests.helpers.waiting import wait_until
from tests.monitors.test_gamedig import a2s, udp_server
from tests.monitors.test_globalping import PING_OK, WHERE, FakeApi
from tests.monitors.test_sip_options import sip_server
from tests.monitors.test_steam import PATH, steam_api

pytestmark = pytest.mark.timeout(1500)  # the binary variant may wait for a build


def _beats(data_dir, monitor_id):
    db = sqlite3.connect(f"file:{data_dir / 'kuma.db'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT status, msg FROM heartbeat WHERE monitor_id = ? ORDER BY id", (monitor_id,)).fetchall()
    finally:
        db.close()


def _start(variant, tmp_path, env):
    if variant == "source":
        return start_kuma(tmp_path / "data", env=env)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    return start_kuma(tmp_path / "data", command=[str(built_binary())], cwd=elsewhere,
                      env={**env, "PYTHONPATH": ""}, ready_timeout=90)


@pytest.mark.parametrize("variant", ["source", "binary"])
def test_probes_in_a_running_kuma(variant, tmp_path):
    from uptime_kuma_api import MonitorType, UptimeKumaApi, UptimeKumaException

    with ExitStack() as stack:
        snmp_port, ntp_port = stack.enter_context(snmpd()), stack.enter_context(chronyd())
        radius_port = stack.enter_context(freeradius())
        sip_port, _ = stack.enter_context(sip_server())
        game_port, _ = stack.enter_context(udp_server(a2s))
        steam = stack.enter_context(http_target({PATH: steam_api}))
        globalping = stack.enter_context(http_target(FakeApi(PING_OK).routes()))
        kuma = _start(variant, tmp_path, {"KUMA_STEAM_API_URL": steam.url + PATH,
                                          "KUMA_GLOBALPING_API_URL": globalping.url + "/v1"})
        api = UptimeKumaApi(kuma.url, timeout=20, wait_events=0.1)
        try:
            api.setup("admin", "probe-Passw0rd")
            api.login("admin", "probe-Passw0rd")
            api.set_settings("probe-Passw0rd", steamAPIKey="good-key")
            common = dict(hostname="127.0.0.1", interval=20)
            ids = {
                "snmp": api.add_monitor(type=MonitorType.SNMP, name="snmp", port=snmp_port, snmpVersion="2c",
                                        radiusPassword=SNMP_COMMUNITY, snmpOid=OID_SYS_SERVICES, jsonPath="$",
                                        jsonPathOperator="==", expectedValue="72", **common)["monitorID"],
                "ntp": api.add_monitor(type=MonitorType.NTP, name="ntp", port=ntp_port, **common)["monitorID"],
                "radius": api.add_monitor(type=MonitorType.RADIUS, name="radius", port=radius_port,
                                          radiusUsername=RADIUS_USER, radiusPassword=RADIUS_PASSWORD,
                                          radiusSecret=RADIUS_SECRET, radiusCalledStationId="kuma-nas",
                                          radiusCallingStationId="02-00-00-00-00-02", **common)["monitorID"],
                "sip-options": api.add_monitor(type=MonitorType.SIP_OPTIONS, name="sip", port=sip_port,
                                               **common)["monitorID"],
                "gamedig": api.add_monitor(type=MonitorType.GAMEDIG, name="tf2", game="tf2", port=game_port,
                                           **common)["monitorID"],
                "steam": api.add_monitor(type=MonitorType.STEAM, name="steam", port=27015, **common)["monitorID"],
                "globalping": api.add_monitor(type=MonitorType.GLOBALPING, name="gp", subtype="ping",
                                              location="Germany", protocol="ICMP", **common)["monitorID"],
            }
            expected = {"snmp": "JSON query passes (comparing 72 == 72)", "radius": "Access-Accept",
                        "sip-options": "SIP/2.0 200 OK", "gamedig": "Kuma TF2 Server", "steam": "Kuma TF2 #1",
                        "globalping": f"{WHERE} : OK"}
            for kind, monitor_id in ids.items():
                wait_until(lambda: _beats(kuma.data_dir, monitor_id), what=f"a {kind} beat", timeout=30)
                status, msg = _beats(kuma.data_dir, monitor_id)[0]
                assert status == 1, (kind, msg)
                if kind == "ntp":
                    assert msg.startswith(f"Stratum: {CHRONY_STRATUM}, RefID: 127.127.1.1, Offset: "), msg
                else:
                    assert msg == expected[kind], kind
            try:
                api.add_monitor(type=MonitorType.SNMP, name="bad", snmpVersion="4", snmpOid="1.3.6", jsonPath="$",
                                expectedValue="1", **common)
                raise AssertionError("a bad SNMP version was accepted")
            except UptimeKumaException as exc:
                assert str(exc) == "SNMP version must be 1, 2c or 3"
            assert len(api.get_monitors()) == 7
        finally:
            api.disconnect()
            kuma.stop()
