"""The protocol probes inside a running kuma, driven by the `uptime_kuma_api` client made for Uptime Kuma:
snmp against a real snmpd, radius against a real freeradius, steam and globalping against local API
stand-ins that kuma reaches through KUMA_STEAM_API_URL / KUMA_GLOBALPING_API_URL."""
from __future__ import annotations

import sqlite3

from tests.helpers.probe_daemons import (
    OID_SYS_SERVICES, RADIUS_PASSWORD, RADIUS_SECRET, RADIUS_USER, SNMP_COMMUNITY, freeradius, snmpd,
)
from tests.helpers.server import start_kuma
from tests.helpers.targets import http_target
from tests.helpers.waiting import wait_until
from tests.monitors.test_globalping import PING_OK, WHERE, FakeApi
from tests.monitors.test_steam import PATH, steam_api


def _beats(data_dir, monitor_id):
    db = sqlite3.connect(f"file:{data_dir / 'kuma.db'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT status, msg FROM heartbeat WHERE monitor_id = ? ORDER BY id", (monitor_id,)).fetchall()
    finally:
        db.close()


def test_probes_in_a_running_kuma(tmp_path):
    from uptime_kuma_api import MonitorType, UptimeKumaApi, UptimeKumaException

    with snmpd() as snmp_port, freeradius() as radius_port, http_target({PATH: steam_api}) as steam, \
            http_target(FakeApi(PING_OK).routes()) as globalping:
        kuma = start_kuma(tmp_path / "data", env={"KUMA_STEAM_API_URL": steam.url + PATH,
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
                "radius": api.add_monitor(type=MonitorType.RADIUS, name="radius", port=radius_port,
                                          radiusUsername=RADIUS_USER, radiusPassword=RADIUS_PASSWORD,
                                          radiusSecret=RADIUS_SECRET, radiusCalledStationId="kuma-nas",
                                          radiusCallingStationId="02-00-00-00-00-02", **common)["monitorID"],
                "steam": api.add_monitor(type=MonitorType.STEAM, name="steam", port=27015, **common)["monitorID"],
                "globalping": api.add_monitor(type=MonitorType.GLOBALPING, name="gp", subtype="ping",
                                              location="Germany", protocol="ICMP", **common)["monitorID"],
            }
            expected = {"snmp": "JSON query passes (comparing 72 == 72)", "radius": "Access-Accept",
                        "steam": "Kuma TF2 #1", "globalping": f"{WHERE} : OK"}
            for kind, monitor_id in ids.items():
                wait_until(lambda: _beats(kuma.data_dir, monitor_id), what=f"a {kind} beat", timeout=30)
                assert _beats(kuma.data_dir, monitor_id)[0] == (1, expected[kind]), kind
            try:
                api.add_monitor(type=MonitorType.SNMP, name="bad", snmpVersion="4", snmpOid="1.3.6", jsonPath="$",
                                expectedValue="1", **common)
                raise AssertionError("a bad SNMP version was accepted")
            except UptimeKumaException as exc:
                assert str(exc) == "SNMP version must be 1, 2c or 3"
            assert len(api.get_monitors()) == 4
        finally:
            api.disconnect()
            kuma.stop()
