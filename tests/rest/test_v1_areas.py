"""REST API v1 beyond monitors: tags and monitor tags, notifications (CRUD + test against a local webhook
receiver), settings, API keys — each against the running server, each compared with what Socket.IO sees."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx


def test_tags_and_monitor_tags(rw, wire):
    tag = rw.post("/tags", json={"name": "area-tag", "color": "#123456"})
    assert tag.status_code == 201
    tag_id = tag.json()["id"]
    assert any(t["id"] == tag_id for t in rw.get("/tags").json())
    assert any(t["id"] == tag_id and t["name"] == "area-tag" for t in wire.call("getTags")[0]["tags"])
    assert rw.patch(f"/tags/{tag_id}", json={"color": "#654321"}).json() == {**tag.json(), "color": "#654321"}
    monitor = rw.post("/monitors", json={"type": "push", "name": "tag target"}).json()
    tagged = rw.post(f"/monitors/{monitor['id']}/tags", json={"tagId": tag_id, "value": "eu"})
    assert tagged.status_code == 200
    assert [(t["tag_id"], t["value"]) for t in tagged.json()["tags"]] == [(tag_id, "eu")]
    assert wire.wait_for(lambda: any(
        str(monitor["id"]) in args[0] and args[0][str(monitor["id"])]["tags"]
        for args in wire.events("updateMonitorIntoList")))
    assert rw.post(f"/monitors/{monitor['id']}/tags", json={"tagId": 999999}).status_code == 404
    untagged = rw.delete(f"/monitors/{monitor['id']}/tags/{tag_id}", params={"value": "eu"})
    assert untagged.status_code == 200 and untagged.json()["tags"] == []
    assert rw.post("/tags", json={"name": "", "color": 5}).status_code == 422
    assert rw.delete(f"/tags/{tag_id}").status_code == 204
    assert rw.patch(f"/tags/{tag_id}", json={"name": "x"}).status_code == 404


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("content-length", 0))
        _Receiver.bodies.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_notifications_crud_and_test(rw, wire):
    receiver = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{receiver.server_port}/hook"
        made = rw.post("/notifications", json={"type": "webhook", "name": "rest hook", "webhookURL": url,
                                               "webhookContentType": "json"})
        assert made.status_code == 201, made.text
        item = made.json()
        assert item["name"] == "rest hook" and json.loads(item["config"])["webhookURL"] == url
        assert wire.wait_for(lambda: any(any(n["id"] == item["id"] for n in args[0])
                                         for args in wire.events("notificationList")))
        assert rw.get(f"/notifications/{item['id']}").json() == item
        renamed = rw.patch(f"/notifications/{item['id']}", json={"name": "renamed hook"}).json()
        assert renamed["name"] == "renamed hook" and json.loads(renamed["config"])["webhookURL"] == url
        tested = rw.post(f"/notifications/{item['id']}/test")
        assert tested.status_code == 200 and tested.json()["ok"] is True
        assert _Receiver.bodies and "renamed hook Testing" in json.dumps(_Receiver.bodies[-1])
        bad = rw.post("/notifications", json={"type": "no-such-provider", "name": "x"})
        ack = wire.call("addNotification", {"type": "no-such-provider", "name": "x"}, None)[0]
        assert bad.status_code == 422 and bad.json()["msg"] == ack["msg"] == "Notification type is not supported"
        assert rw.delete(f"/notifications/{item['id']}").status_code == 204
        assert rw.get(f"/notifications/{item['id']}").status_code == 404
    finally:
        receiver.shutdown()


def test_settings_read_and_update(rw, wire):
    assert rw.patch("/settings", json={"serverTimezone": "Europe/Berlin", "keepDataPeriodDays": 42}).status_code == 200
    settings = rw.get("/settings").json()
    assert settings["serverTimezone"] == "Europe/Berlin" and settings["keepDataPeriodDays"] == 42
    assert wire.call("getSettings")[0]["data"]["keepDataPeriodDays"] == 42
    bad = rw.patch("/settings", json={"serverTimezone": "Mars/Olympus"})
    assert bad.status_code == 422 and bad.json()["msg"] == "Invalid timezone"
    assert rw.patch("/settings", json={"keepDataPeriodDays": -1}).status_code == 422
    assert rw.get("/settings").json()["serverTimezone"] == "Europe/Berlin"


def test_api_keys(server, rw, ro):
    made = rw.post("/api-keys", json={"name": "from rest"})
    assert made.status_code == 201
    key = made.json()
    assert key["scope"] == "read" and key["status"] == "active" and key["key"].startswith(f"uk{key['id']}_")
    headers = {"Authorization": f"Bearer {key['key']}"}
    assert httpx.get(f"{server.url}/api/v1/monitors", headers=headers).status_code == 200
    listed = {k["id"]: k for k in ro.get("/api-keys").json()}
    assert listed[key["id"]]["scope"] == "read" and "key" not in listed[key["id"]]
    assert rw.post(f"/api-keys/{key['id']}/disable").json()["status"] == "inactive"
    assert httpx.get(f"{server.url}/api/v1/health", headers=headers).status_code == 403
    assert rw.post(f"/api-keys/{key['id']}/enable").json()["status"] == "active"
    assert ro.post("/api-keys", json={"name": "escalate", "scope": "write"}).status_code == 403
    assert rw.post("/api-keys", json={"name": "x", "scope": "admin"}).status_code == 422
    assert rw.delete(f"/api-keys/{key['id']}").status_code == 204
    assert httpx.get(f"{server.url}/api/v1/health", headers=headers).status_code == 401
    assert rw.delete(f"/api-keys/{key['id']}").status_code == 404


def test_maintenance_crud_pause_resume_and_links(rw, wire):
    monitor = rw.post("/monitors", json={"type": "push", "name": "under maintenance"}).json()
    made = rw.post("/maintenance", json={"title": "Window", "strategy": "manual", "monitors": [monitor["id"]]})
    assert made.status_code == 201, made.text
    item = made.json()
    assert (item["title"], item["strategy"], item["active"], item["monitors"]) == ("Window", "manual", True,
                                                                                    [monitor["id"]])
    assert item["status"] == "under-maintenance"
    assert wire.wait_for(lambda: any(str(item["id"]) in args[0] for args in wire.events("maintenanceList")))
    assert wire.call("getMaintenance", item["id"])[0]["maintenance"]["title"] == "Window"
    assert rw.get(f"/maintenance/{item['id']}").json() == item
    assert any(m["id"] == item["id"] for m in rw.get("/maintenance").json())
    renamed = rw.patch(f"/maintenance/{item['id']}", json={"title": "Renamed", "monitors": []}).json()
    assert (renamed["title"], renamed["strategy"], renamed["monitors"]) == ("Renamed", "manual", [])
    assert rw.post(f"/maintenance/{item['id']}/pause").json()["active"] is False
    assert rw.post(f"/maintenance/{item['id']}/resume").json()["active"] is True
    cron = rw.post("/maintenance", json={"title": "Nightly", "strategy": "cron", "cron": "0 3 * * *",
                                         "durationMinutes": 30, "timezoneOption": "UTC"})
    assert cron.status_code == 201 and cron.json()["cron"] == "0 3 * * *"
    bad = rw.post("/maintenance", json={"title": "Bad", "strategy": "cron", "cron": "not a cron"})
    ack = wire.call("addMaintenance", {"title": "Bad", "strategy": "cron", "cron": "not a cron"})[0]
    assert bad.status_code == 422 and bad.json()["msg"] == ack["msg"]
    assert rw.post("/maintenance", json={"title": "x", "strategy": "sometimes"}).json()["errors"][0]["field"] == "strategy"
    for maintenance_id in (item["id"], cron.json()["id"]):
        assert rw.delete(f"/maintenance/{maintenance_id}").status_code == 204
    assert rw.get(f"/maintenance/{item['id']}").status_code == 404


def test_status_pages_and_incidents(server, rw, wire):
    monitor = rw.post("/monitors", json={"type": "push", "name": "on the page"}).json()
    made = rw.post("/status-pages", json={"title": "Public", "slug": "rest-page"})
    assert made.status_code == 201, made.text
    page = made.json()
    assert (page["slug"], page["title"], page["publicGroupList"]) == ("rest-page", "Public", [])
    assert rw.post("/status-pages", json={"title": "Dup", "slug": "bad slug!"}).json()["msg"] == "Invalid Slug"
    groups = [{"name": "Services", "monitorList": [{"id": monitor["id"]}]}]
    changed = rw.patch("/status-pages/rest-page", json={"description": "all is well", "publicGroupList": groups})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["description"] == "all is well"
    assert [[m["id"] for m in g["monitorList"]] for g in body["publicGroupList"]] == [[monitor["id"]]]
    kept = rw.patch("/status-pages/rest-page", json={"title": "Public!"}).json()
    assert kept["title"] == "Public!" and kept["publicGroupList"] == body["publicGroupList"]
    assert body["published"] is True
    assert rw.patch("/status-pages/rest-page", json={"published": False}).json()["published"] is False
    assert wire.call("getStatusPage", "rest-page")[0]["config"]["published"] is False
    assert rw.patch("/status-pages/rest-page", json={"published": True}).json()["published"] is True
    assert wire.call("getStatusPage", "rest-page")[0]["config"]["title"] == "Public!"
    public = httpx.get(f"{server.url}/api/status-page/rest-page").json()
    assert public["config"]["title"] == "Public!" and public["publicGroupList"][0]["name"] == "Services"
    assert any(p["slug"] == "rest-page" for p in rw.get("/status-pages").json())

    incident = rw.post("/status-pages/rest-page/incidents", json={"title": "Slow", "content": "Looking", "style": "warning"})
    assert incident.status_code == 201, incident.text
    incident_id = incident.json()["id"]
    assert httpx.get(f"{server.url}/api/status-page/rest-page").json()["incidents"][0]["title"] == "Slow"
    edited = rw.patch(f"/status-pages/rest-page/incidents/{incident_id}", json={"title": "Slower", "content": "Still"})
    assert edited.status_code == 200 and edited.json()["title"] == "Slower"
    resolved = rw.post(f"/status-pages/rest-page/incidents/{incident_id}/resolve")
    assert resolved.status_code == 200
    assert httpx.get(f"{server.url}/api/status-page/rest-page").json()["incidents"] == []
    history = rw.get("/status-pages/rest-page/incidents").json()
    assert [i["id"] for i in history["incidents"]] == [incident_id] and history["total"] == 1
    assert rw.post("/status-pages/rest-page/incidents/999999/resolve").status_code == 404
    assert rw.delete(f"/status-pages/rest-page/incidents/{incident_id}").status_code == 204
    assert rw.delete("/status-pages/rest-page").status_code == 204
    assert rw.get("/status-pages/rest-page").status_code == 404
