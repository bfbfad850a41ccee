"""The add-monitor form for the protocol probes in a real Chromium: only the type's own fields are shown,
and an SNMP monitor made there checks a real snmpd and turns UP live."""
from __future__ import annotations

from tests.browser.test_dashboard import setup_admin
from tests.helpers.probe_daemons import OID_SYS_SERVICES, SNMP_COMMUNITY, snmpd


def visible(page, selector: str) -> bool:
    return page.is_visible(selector)


def test_snmp_monitor_from_the_form_goes_up(page, kuma_server):
    with snmpd() as port:
        setup_admin(page, kuma_server.url)
        page.goto(kuma_server.url + "/add")
        page.select_option("#f-type", "snmp")
        assert visible(page, "#f-snmpOid") and visible(page, "#f-radiusPassword-snmp")
        assert not visible(page, "#f-radiusSecret") and not visible(page, "#f-url") and not visible(page, "#f-game")
        page.fill("#f-name", "Switch")
        page.fill("#f-hostname", "127.0.0.1")
        page.fill("#f-port", str(port))
        page.fill("#f-radiusPassword-snmp", SNMP_COMMUNITY)
        page.fill("#f-snmpOid", OID_SYS_SERVICES)
        page.fill("#f-jsonPath", "$")
        page.fill("#f-expectedValue", "72")
        page.fill("#f-interval", "20")
        page.fill("#f-timeout", "2")
        page.click("#monitor-form button[type=submit]")
        page.wait_for_url("**/dashboard/*")
        page.wait_for_selector("#d-name .pill-up", timeout=30_000)
        assert "JSON query passes (comparing 72 == 72)" in page.inner_text("#d-last")


def test_each_probe_type_shows_its_own_fields(page, kuma_server):
    setup_admin(page, kuma_server.url)
    page.goto(kuma_server.url + "/add")
    own = {
        "ntp": "#f-ntpStratumThreshold", "radius": "#f-radiusSecret", "sip-options": "#f-protocol-sip",
        "gamedig": "#f-game", "steam": "#f-hostname", "globalping": "#f-subtype",
    }
    for kind, selector in own.items():
        page.select_option("#f-type", kind)
        assert visible(page, selector), kind
        assert not visible(page, "#f-snmpOid"), kind
    page.select_option("#f-type", "gamedig")
    page.wait_for_function("document.querySelectorAll('#game-list option').length > 100")
    assert page.get_attribute("#game-list option[value='minecraft']", "label") == "Minecraft (2009)"
