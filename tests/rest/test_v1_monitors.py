"""REST API v1 monitors over a real HTTP client: every route, validation (422 naming the field, nothing
stored), unknown ids (404), and the same results and messages as the Socket.IO handlers."""
from __future__ import annotations

import time

import httpx

PUSH = {"type": "push", "name": "rest push", "interval": 60}


def _create(rw, **fields) -> dict:
    reply = rw.post("/monitors", json={**PUSH, **fields})
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_create_get_patch_pause_resume_delete(rw):
    made = _create(rw, name="crud")
    assert made["name"] == "crud" and made["type"] == "push" and made["active"] is True
    assert rw.get(f"/monitors/{made['id']}").json() == made
    changed = rw.patch(f"/monitors/{made['id']}", json={"name": "crud renamed", "interval": 120}).json()
    assert (changed["name"], changed["interval"], changed["type"]) == ("crud renamed", 120, "push")
    assert rw.post(f"/monitors/{made['id']}/pause").json()["active"] is False
    assert rw.get(f"/monitors/{made['id']}").json()["active"] is False
    assert rw.post(f"/monitors/{made['id']}/resume").json()["active"] is True
    assert rw.delete(f"/monitors/{made['id']}").status_code == 204
    gone = rw.get(f"/monitors/{made['id']}")
    assert gone.status_code == 404 and gone.json()["ok"] is False


def test_list_filters_and_paging(rw):
    a = _create(rw, name="filter alpha")
    b = _create(rw, name="filter beta", type="http", url="http://127.0.0.1:9/beta")
    rw.post(f"/monitors/{b['id']}/pause")
    found = rw.get("/monitors", params={"q": "filter "}).json()
    assert {m["id"] for m in found["items"]} == {a["id"], b["id"]} and found["total"] == 2
    assert [m["id"] for m in rw.get("/monitors", params={"q": "filter", "type": "http"}).json()["items"]] == [b["id"]]
    assert [m["id"] for m in rw.get("/monitors", params={"q": "filter", "active": "false"}).json()["items"]] == [b["id"]]
    assert [m["id"] for m in rw.get("/monitors", params={"q": "127.0.0.1:9/BETA"}).json()["items"]] == [b["id"]]
    page = rw.get("/monitors", params={"q": "filter", "limit": 1, "offset": 1}).json()
    assert (page["total"], page["limit"], page["offset"], [m["id"] for m in page["items"]]) == (2, 1, 1, [b["id"]])
    bad = rw.get("/monitors", params={"limit": "lots", "active": "maybe"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"limit", "active"}


def test_tag_filter_and_clone_copies_tags(rw, wire):
    tag = wire.call("addTag", {"name": "rest-tag", "color": "#ff0000", "new": True})[0]["tag"]
    source = _create(rw, name="tagged")
    assert wire.call("addMonitorTag", tag["id"], source["id"], "v1")[0]["ok"] is True
    assert [m["id"] for m in rw.get("/monitors", params={"tag": "rest-tag"}).json()["items"]] == [source["id"]]
    clone = rw.post(f"/monitors/{source['id']}/clone", json={"name": "tagged copy"})
    assert clone.status_code == 201
    copy = clone.json()
    assert copy["id"] != source["id"] and copy["name"] == "tagged copy" and copy["type"] == "push"
    assert [(t["name"], t["value"]) for t in copy["tags"]] == [("rest-tag", "v1")]
    assert copy["pushToken"] != source["pushToken"]


def test_validation_names_each_bad_field_and_stores_nothing(rw):
    before = rw.get("/monitors").json()["total"]
    reply = rw.post("/monitors", json={"type": "push", "interval": "often", "port": 70000})
    assert reply.status_code == 422
    assert {(e["field"], e["msg"]) for e in reply.json()["errors"]} == {
        ("name", "is required"), ("interval", "must be an integer"), ("port", "must be at most 65535")}
    assert rw.post("/monitors", content=b"{not json", headers={"content-type": "application/json"}).status_code == 422
    assert rw.get("/monitors").json()["total"] == before


def test_domain_refusals_carry_the_socketio_text(rw, wire):
    bad = {"type": "http", "name": "bad headers", "url": "http://127.0.0.1:9/", "interval": 60, "retryInterval": 60,
           "headers": "{not json", "accepted_statuscodes": ["200-299"], "notificationIDList": {}}
    ack = wire.call("add", bad)[0]
    assert ack["ok"] is False
    before = rw.get("/monitors").json()["total"]
    reply = rw.post("/monitors", json=bad)
    assert reply.status_code == 422 and reply.json()["msg"] == ack["msg"]
    assert ack["msg"].startswith("Headers must be valid JSON")
    assert rw.get("/monitors").json()["total"] == before


def test_unknown_ids_are_404(rw):
    for method, path in (("GET", "/monitors/999999"), ("PATCH", "/monitors/999999"), ("DELETE", "/monitors/999999"),
                         ("POST", "/monitors/999999/pause"), ("GET", "/monitors/999999/beats"),
                         ("GET", "/monitors/abc"), ("GET", "/monitors/99999999999999999999999")):
        reply = rw.request(method, path, json={} if method == "PATCH" else None)
        assert reply.status_code == 404, (method, path, reply.text)
        assert reply.json()["ok"] is False


def test_beats_uptime_and_chart_after_pushes(server, rw):
    made = _create(rw, name="beats")
    for status in ("up", "up", "up", "down"):
        pushed = httpx.get(f"{server.url}/api/push/{made['pushToken']}", params={"status": status, "msg": status})
        assert pushed.status_code == 200, pushed.text
    beats = rw.get(f"/monitors/{made['id']}/beats").json()
    assert [b["status"] for b in beats] == [1, 1, 1, 0]
    assert all(b["monitor_id"] == made["id"] for b in beats)
    later = rw.get(f"/monitors/{made['id']}/beats", params={"from": time.time() + 3600, "to": time.time() + 7200})
    assert later.json() == []
    day = rw.get(f"/monitors/{made['id']}/uptime", params={"period": "24h"}).json()
    assert day["uptime"] == 0.75
    ranged = rw.get(f"/monitors/{made['id']}/uptime", params={"from": time.time() - 600}).json()
    assert ranged["uptime"] == 0.75
    assert rw.get(f"/monitors/{made['id']}/uptime", params={"from": "yesterday-ish"}).status_code == 422
    assert rw.get(f"/monitors/{made['id']}/uptime", params={"period": "2w"}).status_code == 422
    chart = rw.get(f"/monitors/{made['id']}/chart", params={"period": 1}).json()
    assert sum(item["up"] for item in chart) == 3 and sum(item["down"] for item in chart) == 1


def test_rest_changes_reach_a_logged_in_socket(rw, wire):
    made = _create(rw, name="live")
    assert wire.wait_for(lambda: any(str(made["id"]) in args[0] for args in wire.events("updateMonitorIntoList")))
    pushed = next(args[0][str(made["id"])] for args in wire.events("updateMonitorIntoList") if str(made["id"]) in args[0])
    assert pushed == made  # the same Monitor JSON on both transports
    rw.delete(f"/monitors/{made['id']}")
    assert wire.wait_for(lambda: [made["id"]] in wire.events("deleteMonitorFromList"))


def test_socketio_and_rest_give_the_same_monitor(rw, wire):
    made = _create(rw, name="same")
    assert wire.call("getMonitor", made["id"])[0]["monitor"]["name"] == "same"
    socket_list = wire.call("getMonitorList")[0]
    assert socket_list["ok"] is True
    assert wire.wait_for(lambda: any(str(made["id"]) in args[0] for args in wire.events("monitorList")))
    listed = next(args[0] for args in reversed(wire.events("monitorList")) if str(made["id"]) in args[0])
    assert listed[str(made["id"])] == rw.get(f"/monitors/{made['id']}").json()


def test_groups_and_children(rw):
    group = _create(rw, type="group", name="rest group")
    child = _create(rw, name="rest child", parent=group["id"])
    assert child["parent"] == group["id"] and child["pathName"] == "rest group / rest child"
    assert rw.get(f"/monitors/{group['id']}").json()["childrenIDs"] == [child["id"]]
    assert rw.post(f"/monitors/{group['id']}/clone").status_code == 422  # a group is not cloned
    assert rw.post("/monitors", json={**PUSH, "parent": 999999}).json()["msg"] == "Invalid Monitor Group"
    assert rw.delete(f"/monitors/{group['id']}", params={"deleteChildren": "true"}).status_code == 204
    assert rw.get(f"/monitors/{child['id']}").status_code == 404
