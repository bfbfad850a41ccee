"""Config as code against a running server: `kuma export --url` / `kuma apply --url` (the CLI as a
subprocess, talking httpx to `/api/v1/config`), the routes themselves with a real HTTP client, and UI
edits made over Socket.IO by a logged-in client."""
from __future__ import annotations

import httpx
import pytest
import yaml

from tests.automation.helpers import kuma, ok
from tests.automation.test_config_as_code import FILE, write
from tests.automation.test_config_pages import PAGES_FILE
from tests.helpers.server import start_kuma
from tests.helpers.sessions import api_v1, logged_in, make_keys

#: FILE's tags, notification, settings and monitors, plus PAGES_FILE's status pages and maintenance.
COMBINED = FILE + PAGES_FILE[PAGES_FILE.index("statusPages:"):]
NO_CHANGES = "No changes: the folder matches the file.\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    process = start_kuma(tmp_path_factory.mktemp("remote") / "data")
    process.keys = make_keys(process.url)
    yield process
    assert process.stop() == 0, process.log()


def remote(server, *args: str, key: str | None = None) -> list[str]:
    return [*args, "--url", server.url, "--api-key", key or server.keys.write]


@pytest.fixture
def synced(server, tmp_path):
    """The server holding exactly COMBINED (whatever an earlier test changed)."""
    ok("apply", *remote(server, str(write(tmp_path, COMBINED, "combined.yaml")), "--prune"))
    return server


@pytest.fixture
def rw(server):
    with api_v1(server.url, server.keys.write) as client:
        yield client


@pytest.fixture
def wire(server):
    with logged_in(server.url) as client:
        yield client


def test_remote_round_trip_is_byte_for_byte(synced, tmp_path):
    first = ok("export", *remote(synced))
    assert "statusPages:" in first and "strategy: recurring-weekday" in first and "webhookURL:" in first
    assert ok("export", "--data-dir", str(synced.data_dir)) == first  # the server's folder, read beside it
    empty = start_kuma(tmp_path / "empty")
    try:
        empty.keys = make_keys(empty.url)
        exported = write(tmp_path, first, "exported.yaml")
        assert "Plan: 14 to create, 1 to update, 0 to delete." in ok("apply", *remote(empty, str(exported)))
        assert ok("export", *remote(empty)) == first
        assert ok("apply", *remote(empty, str(exported))) == NO_CHANGES
    finally:
        assert empty.stop() == 0, empty.log()


def test_applying_twice_over_rest_changes_nothing_the_second_time(synced, rw, tmp_path):
    before = rw.get("/config").json()
    answer = rw.post("/config/apply", content=COMBINED, headers={"Content-Type": "application/yaml"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"applied": False, "counts": {"create": 0, "update": 0, "delete": 0}, "changes": [],
                             "text": NO_CHANGES}
    assert rw.get("/config").json() == before


def _group_list(server, slug: str) -> list[dict]:
    return httpx.get(f"{server.url}/api/status-page/{slug}", timeout=15).json()["publicGroupList"]


def test_ui_edits_over_socketio_show_as_exactly_those_fields(synced, rw, wire, tmp_path):
    config = wire.call("getStatusPage", "status")[0]["config"]
    saved = wire.call("saveStatusPage", "status", {**config, "footerText": "Edited in the UI"}, config["icon"],
                      _group_list(synced, "status"))[0]
    assert saved["ok"] is True, saved
    nightly = next(m for m in rw.get("/maintenance").json() if m["title"] == "Nightly")
    window = wire.call("getMaintenance", nightly["id"])[0]["maintenance"]
    edited = wire.call("editMaintenance", {**window, "title": "Nightly (edited)", "durationMinutes": 50})[0]
    assert edited["ok"] is True, edited
    plan = ok("apply", *remote(synced, str(write(tmp_path, COMBINED)), "--plan"))
    assert plan.splitlines() == [
        "~ status page main (update)",
        '    footerText: "Edited in the UI" -> "Run by ops"',
        "~ maintenance nightly (update)",
        '    title: "Nightly (edited)" -> "Nightly"',
        "    durationMinutes: 50 -> 45",
        "Plan: 0 to create, 2 to update, 0 to delete.",
    ]
    answer = rw.post("/config/plan", content=COMBINED, headers={"Content-Type": "application/yaml"}).json()
    assert answer["changes"][1] == {"action": "update", "kind": "maintenance", "key": "nightly", "id": nightly["id"],
                                    "fields": {"title": {"from": "Nightly (edited)", "to": "Nightly"},
                                               "durationMinutes": {"from": 50, "to": 45}}}
    exported = yaml.safe_load(ok("export", *remote(synced)))
    assert next(p for p in exported["statusPages"] if p["key"] == "main")["footerText"] == "Edited in the UI"


def test_prune_over_rest_deletes_only_what_the_file_lacks(synced, rw, wire, tmp_path):
    assert wire.call("addStatusPage", "Made in the UI", "ui-page")[0]["ok"] is True
    added = wire.call("add", {"type": "push", "name": "UI monitor", "interval": 60, "accepted_statuscodes": ["200-299"]})
    assert added[0]["ok"] is True, added
    path = str(write(tmp_path, COMBINED))
    assert ok("apply", *remote(synced, path, "--plan")) == NO_CHANGES
    assert ok("apply", *remote(synced, path, "--plan", "--prune")).splitlines() == [
        "- monitor ui-monitor (delete)",
        "- status page ui-page (delete)",
        "Plan: 0 to create, 0 to update, 2 to delete.",
    ]
    ok("apply", *remote(synced, path, "--prune"))
    document = rw.get("/config").json()
    assert sorted(p["key"] for p in document["statusPages"]) == ["internal", "main"]
    assert sorted(m["key"] for m in document["monitors"]) == ["api", "shop", "web"]
    assert len(document["maintenance"]) == 6


def test_a_remote_apply_shows_live_in_a_logged_in_dashboard(synced, wire, tmp_path):
    changed = (COMBINED.replace("title: Nightly\n", "title: Nightly backups\n")
               .replace("monitors:\n  - key: shop", "monitors:\n  - {key: fresh, name: Fresh, type: group}\n  - key: shop", 1)
               .replace("title: Status\n", "title: Status page\n"))
    out = ok("apply", *remote(synced, str(write(tmp_path, changed, "changed.yaml"))))
    assert "+ monitor fresh (create)" in out and "~ maintenance nightly (update)" in out
    assert wire.wait_for(lambda: any("Fresh" in [m.get("name") for m in e[0].values()]
                                     for e in wire.events("updateMonitorIntoList")))
    assert wire.wait_for(lambda: any("Nightly backups" in [m["title"] for m in e[0].values()]
                                     for e in wire.events("maintenanceList")))
    assert wire.wait_for(lambda: any("Status page" in [p["title"] for p in e[0].values()]
                                     for e in wire.events("statusPageList")))


def test_a_read_only_key_may_plan_but_not_apply(synced, server, rw, tmp_path):
    before = rw.get("/config").json()
    changed = write(tmp_path, COMBINED.replace("interval: 30", "interval: 40"))
    result = kuma("apply", *remote(server, str(changed), key=server.keys.read))
    assert result.returncode == 1 and "HTTP 403" in result.stderr and "Nothing was changed." in result.stderr
    plan = ok("apply", *remote(server, str(changed), "--plan", key=server.keys.read))
    assert "    interval: 30 -> 40" in plan
    with api_v1(server.url, server.keys.read) as ro:
        assert ro.post("/config/apply", content=COMBINED, headers={"Content-Type": "application/yaml"}).status_code == 403
        assert ro.get("/config").json() == before
    assert rw.get("/config").json() == before


@pytest.mark.parametrize("body, field, msg", [
    ({"monitors": [{"key": "a", "name": "A", "colour": "red"}]}, "monitors[0].colour",
     "monitors 'a': unknown key(s): colour"),
    ({"monitors": [{"key": "a", "name": "A", "group": "nowhere"}]}, "monitors[0].group",
     "monitors 'a': group 'nowhere' is not a monitor in the file"),
    ({"statusPages": [{"key": "p", "slug": "p", "title": "P", "groups": [{"name": "G", "monitors": ["x"]}]}]},
     "statusPages[0].groups[0].monitors[0]", "monitor 'x' is not in the file"),
    ({"maintenance": [{"key": "m", "title": "M", "strategy": "manual", "statusPages": ["nowhere"]}]},
     "maintenance[0].statusPages", "status page 'nowhere' is not in the file"),
    ({"moniters": []}, "moniters", "is not a known field"),
    ({"monitors": "web"}, "monitors", "must be an array"),
    ({"notifications": [{"key": "hook", "name": "Ops hook", "type": "webhook", "config": {"webhookURL": "${HOOK}"}}]},
     "notifications.hook.config.webhookURL", "needs $HOOK (not set)"),
])
def test_a_bad_document_is_a_422_naming_the_field_and_stores_nothing(synced, rw, body, field, msg):
    before = rw.get("/config").json()
    for path in ("/config/plan", "/config/apply?prune=true"):
        answer = rw.post(path, json={**before, **body})
        assert answer.status_code == 422, answer.text
        assert answer.json()["ok"] is False and answer.json()["errors"][0]["field"] == field
        assert msg in answer.json()["errors"][0]["msg"]
    assert rw.get("/config").json() == before


def test_a_document_the_domain_refuses_is_a_422_naming_the_object_and_stores_nothing(synced, rw):
    before = rw.get("/config").json()
    bad = {"key": "bad", "name": "Bad", "type": "http", "url": "http://127.0.0.1:9/", "interval": 0}
    tag = {"key": "new", "name": "new", "color": "#000000"}
    answer = rw.post("/config/apply", json={**before, "tags": [*before["tags"], tag], "monitors": [*before["monitors"], bad]})
    assert answer.status_code == 422, answer.text
    problem = answer.json()["errors"][0]
    assert problem["field"] == "monitors[3]" and problem["msg"].startswith("monitors 'bad': ") and "nterval" in problem["msg"]
    assert rw.get("/config").json() == before  # the tag before it was not stored either


def test_a_bad_yaml_body_and_a_bad_file_are_refused(synced, server, rw, tmp_path):
    before = rw.get("/config").json()
    answer = rw.post("/config/apply", content="monitors: [\n", headers={"Content-Type": "application/yaml"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "body"
    assert "not valid YAML" in answer.json()["errors"][0]["msg"]
    result = kuma("apply", *remote(server, str(write(tmp_path, "moniters: []\n", "bad.yaml"))))
    assert result.returncode == 1 and "unknown top-level key(s): moniters" in result.stderr
    assert "Nothing was changed." in result.stderr
    refused = kuma("apply", *remote(server, str(write(tmp_path, COMBINED)), key="uk999_nope"))
    assert refused.returncode == 1 and "HTTP 401" in refused.stderr
    assert rw.get("/config").json() == before


def test_the_config_routes_are_in_the_openapi_document(server):
    doc = httpx.get(f"{server.url}/api/v1/openapi.json", timeout=15).json()
    apply = doc["paths"]["/api/v1/config/apply"]["post"]
    assert set(apply["requestBody"]["content"]) == {"application/json", "application/yaml", "application/x-yaml",
                                                    "text/yaml"}
    assert apply["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ConfigPlan"}
    assert "get" in doc["paths"]["/api/v1/config"] and "post" in doc["paths"]["/api/v1/config/plan"]
    assert set(doc["components"]["schemas"]["ConfigDocument"]["properties"]) == {
        "kuma", "settings", "tags", "notifications", "monitors", "statusPages", "maintenance"}
