"""Status page and incident Socket.IO events, replaying transcript 10 (and the errors of 15) step by step."""
from __future__ import annotations

import base64
import re

import httpx
import pytest

from tests.helpers.transcripts import WireClient, load

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def _captured_steps(name: str) -> list[tuple[str, list, list]]:
    """(event, args, ack args) of every emit after the login, in order."""
    entries = load(name)
    steps, pending = [], None
    for e in entries:
        if e["dir"] == "out" and e["event"] != "login":
            pending = [e["event"], e["args"], None]
            steps.append(pending)
        elif e["kind"] == "ack" and pending is not None and e["event"] == pending[0]:
            pending[2] = e["args"]
            pending = None
    return [tuple(s) for s in steps]


def _same(got, want, path="ack"):
    """Equal, except creation times (any UTC timestamp) and ids the server assigns."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), f"{path}: keys {list(got)} != {list(want)}"
        for key in want:
            _same(got[key], want[key], f"{path}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: {got!r} != {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            _same(g, w, f"{path}[{i}]")
    elif isinstance(want, str) and TIME_RE.match(want):
        assert isinstance(got, str) and TIME_RE.match(got), f"{path}: {got!r}"
    else:
        assert got == want, f"{path}: {got!r} != {want!r}"


@pytest.fixture
def client(kuma_server):
    c = WireClient(kuma_server.url)
    c.connect()
    assert c.call("setup", "admin", "secret123")[0]["ok"] is True
    assert c.call("login", {"username": "admin", "password": "secret123", "token": ""})[0]["ok"] is True
    yield c
    c.disconnect()


def test_transcript_10_status_page_flow(client, kuma_server):
    monitor_id = None
    for event, args, ack in _captured_steps("10-status-page"):
        if event == "deleteMonitor":
            args = [monitor_id, False]
        if event == "saveStatusPage":
            args = [args[0], args[1], args[2], [{"name": "Services", "monitorList": [{"id": monitor_id}]}, args[3][1]]]
        got = client.call(event, *args)
        if event == "add":
            monitor_id = got[0]["monitorID"]
            continue
        if event == "saveStatusPage":
            ack = [{"ok": True, "publicGroupList": [
                {"name": "Services", "monitorList": [{"id": monitor_id}], "id": got[0]["publicGroupList"][0]["id"]},
                {"name": "Empty Group", "monitorList": [], "id": got[0]["publicGroupList"][1]["id"]},
            ]}]
        if event == "getStatusPage" and got[0].get("ok"):
            ack = [dict(ack[0], config=dict(ack[0]["config"], id=got[0]["config"]["id"]))]
        if event in ("postIncident", "getIncidentHistory") and got[0].get("ok"):
            # incident ids are per database; the capture's page had ids 1 and 2
            for item in [got[0].get("incident")] + got[0].get("incidents", []):
                if item:
                    item["status_page_id"] = 1
        _same(got, ack, event)


def test_saved_page_is_served_publicly_with_logo_and_domains(client, kuma_server):
    assert client.call("addStatusPage", "Ops", "ops")[0]["ok"] is True
    config = client.call("getStatusPage", "ops")[0]["config"]
    assert config["icon"] == "/icon.svg" and config["domainNameList"] == []
    png = b"\x89PNG\r\n\x1a\nfake"
    config.update(
        description="All ops", showTags=True, customCSS="body{}", footerText="foot", analyticsId="G-1",
        analyticsType="google", showCertificateExpiry=True, domainNameList=["status.example.test"],
    )
    data_url = "data:image/png;base64," + base64.b64encode(png).decode()
    reply = client.call("saveStatusPage", "ops", config, data_url, [{"name": "Empty", "monitorList": []}])[0]
    assert reply["ok"] is True and list(reply["publicGroupList"][0]) == ["name", "monitorList", "id"]
    saved = client.call("getStatusPage", "ops")[0]["config"]
    assert re.fullmatch(r"/upload/logo\d+\.png\?t=\d+", saved["icon"])
    assert saved["domainNameList"] == ["status.example.test"] and saved["analyticsType"] == "google"
    public = httpx.get(kuma_server.url + "/api/status-page/ops").json()
    assert public["config"]["description"] == "All ops" and public["config"]["footerText"] == "foot"
    assert public["publicGroupList"][0]["name"] == "Empty" and public["publicGroupList"][0]["monitorList"] == []
    logo = httpx.get(kuma_server.url + saved["icon"].split("?")[0])
    assert logo.status_code == 200 and logo.content == png
    entry = httpx.get(kuma_server.url + "/api/entry-page", headers={"Host": "status.example.test"}).json()
    assert entry == {"type": "statusPageMatchedDomain", "statusPageSlug": "ops"}

    bad = client.call("saveStatusPage", "ops", config, "data:image/gif;base64,R0lG", [])[0]
    assert bad == {"ok": False, "msg": "Only allowed PNG logo."}
    bad = client.call("saveStatusPage", "ops", dict(config, analyticsType="bogus"), "", [])[0]
    assert bad == {"ok": False, "msg": "Invalid analytics type"}
    bad = client.call("saveStatusPage", "ops", dict(config, domainNameList="x"), "", [])[0]
    assert bad == {"ok": False, "msg": "Invalid array"}

    # rename: the entry page follows the slug
    assert client.call("setSettings", {"entryPage": "statusPage-ops"}, "secret123")[0]["ok"] is True
    renamed = client.call("saveStatusPage", "ops", dict(config, slug="ops-2"), "/icon.svg", [])[0]
    assert renamed["ok"] is True
    assert httpx.get(kuma_server.url + "/api/entry-page").json()["entryPage"] == "statusPage-ops-2"
    assert httpx.get(kuma_server.url + "/api/status-page/ops").status_code == 404
    assert client.call("deleteStatusPage", "ops-2")[0] == {"ok": True}
    assert httpx.get(kuma_server.url + "/api/entry-page").json()["entryPage"] == "dashboard"


def test_incident_edit_resolve_delete(client, kuma_server):
    client.call("addStatusPage", "Inc", "inc")
    posted = client.call("postIncident", "inc", {"title": "Down", "content": "x", "style": "danger"})[0]
    iid = posted["incident"]["id"]
    assert list(posted["incident"]) == ["id", "style", "title", "content", "pin", "active", "createdDate", "status_page_id"]
    assert client.call("editIncident", "inc", iid, {"title": "", "content": "y"})[0] == {
        "ok": False, "msg": "Please input title", "msgi18n": True}
    edited = client.call("editIncident", "inc", iid, {"title": "Still down", "content": "y", "style": "nope", "pin": False})[0]
    assert edited["ok"] is True and edited["msg"] == "Saved." and edited["msgi18n"] is True
    assert edited["incident"]["style"] == "warning" and edited["incident"]["pin"] is False
    assert TIME_RE.match(edited["incident"]["lastUpdatedDate"])
    assert httpx.get(kuma_server.url + "/api/status-page/inc").json()["incidents"] == []  # unpinned
    resolved = client.call("resolveIncident", "inc", iid)[0]
    assert resolved["msg"] == "Resolved" and resolved["incident"]["active"] is False
    history = httpx.get(kuma_server.url + "/api/status-page/inc/incident-history").json()
    assert history["total"] == 1 and history["incidents"][0]["title"] == "Still down"
    assert client.call("deleteIncident", "inc", 999)[0] == {
        "ok": False, "msg": "Incident not found or access denied", "msgi18n": True}
    assert client.call("deleteIncident", "inc", iid)[0] == {"ok": True, "msg": "successDeleted", "msgi18n": True}
    assert client.call("getIncidentHistory", "inc", None)[0]["incidents"] == []


def test_errors_as_captured_in_transcript_15(client):
    for event, args, ack in _captured_steps("15-errors"):
        if event in {"getStatusPage", "saveStatusPage", "postIncident", "deleteStatusPage"} and ack and args and args[0] == "nope":
            assert client.call(event, *args) == ack


def test_status_page_list_in_the_login_burst(kuma_server):
    c = WireClient(kuma_server.url)
    c.connect()
    c.call("setup", "admin", "secret123")
    c.call("login", {"username": "admin", "password": "secret123", "token": ""})
    c.call("addStatusPage", "Zeta", "zeta")
    c.call("addStatusPage", "Alpha", "alpha")
    c.disconnect()
    c = WireClient(kuma_server.url)
    c.connect()
    c.call("login", {"username": "admin", "password": "secret123", "token": ""})
    (payload,) = c.events("statusPageList")[-1]
    assert [p["slug"] for p in payload.values()] == ["alpha", "zeta"]
    assert list(payload["2"]) == ["id", "slug", "title", "description", "icon", "theme", "autoRefreshInterval",
                                  "published", "showTags", "domainNameList", "customCSS", "footerText",
                                  "showPoweredBy", "analyticsId", "analyticsScriptUrl", "analyticsType",
                                  "showCertificateExpiry", "showOnlyLastHeartbeat", "rssTitle"]
    c.disconnect()
