"""Status page REST routes against the golden captures of Uptime Kuma 2.5.3 (body, status, headers)."""
from __future__ import annotations

import json
import re
import sqlite3

import httpx
import pytest

from kuma.rest.public_http import weak_etag
from tests.public.conftest import PUSH_TOKEN, fixture_header, fixture_meta, fixture_text

CAPTURED_JSON = [
    "status-page-main.json",
    "status-page-heartbeat-main.json",
    "status-page-main-manifest.json",
    "status-page-main-incident-history.json",
    "status-page-missing.json",
    "status-page-heartbeat-missing.json",
]


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def expected_text(name: str) -> str:
    """The capture, with the one key kuma adds to a page's JSON: `incident` (the seed document's newest pinned
    incident or null) after `config`, next to 2.5.3's `incidents` (issue #13). Nothing else differs."""
    text = fixture_text(name)
    if name != "status-page-main.json":
        return text
    captured = json.loads(text)
    assert _compact(captured) == text  # the capture is compact JSON in key order: re-encoding changes nothing
    body = {"config": captured["config"], "incident": (captured["incidents"] or [None])[0]}
    body.update((k, v) for k, v in captured.items() if k != "config")
    return _compact(body)


def expected_etag(name: str) -> str:
    text = fixture_text(name)
    assert weak_etag(text.encode()) == fixture_header(name, "etag")
    return weak_etag(expected_text(name).encode())


@pytest.mark.parametrize("name", CAPTURED_JSON)
def test_json_routes_match_the_capture_byte_for_byte(capture_server, name):
    meta = fixture_meta(name)
    r = httpx.get(capture_server.url + meta["request"]["url"])
    assert r.status_code == meta["status"]
    assert r.text == expected_text(name)
    assert r.headers["content-type"] == fixture_header(name, "content-type")
    assert r.headers["etag"] == expected_etag(name)
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["x-frame-options"] == "SAMEORIGIN"


def test_key_order_of_the_page_json(capture_server):
    body = httpx.get(capture_server.url + "/api/status-page/main").json()
    expected = json.loads(fixture_text("status-page-main.json"))
    assert list(body) == ["config", "incident", "incidents", "publicGroupList", "maintenanceList"]
    assert body["incident"] == expected["incidents"][0]
    assert list(body["config"]) == list(expected["config"])
    for got, want in zip(body["publicGroupList"], expected["publicGroupList"]):
        assert [list(m) for m in got["monitorList"]] == [list(m) for m in want["monitorList"]]


def test_slug_is_case_insensitive_and_etag_gives_304(capture_server):
    r = httpx.get(capture_server.url + "/api/status-page/MAIN")
    assert r.status_code == 200 and r.text == expected_text("status-page-main.json")
    again = httpx.get(capture_server.url + "/api/status-page/main", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_rss_matches_the_capture_apart_from_host_and_build_date(capture_server):
    r = httpx.get(capture_server.url + "/status/main/rss")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/rss+xml; charset=utf-8"
    expected = fixture_text("status-main-rss.xml").replace("http://127.0.0.1:3021", capture_server.url)
    normalise = lambda text: re.sub(r"<lastBuildDate>[^<]*</lastBuildDate>", "<lastBuildDate/>", text)
    assert normalise(r.text) == normalise(expected)
    assert re.search(r"<lastBuildDate>\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT</lastBuildDate>", r.text)


def test_rss_unknown_slug_is_404(capture_server):
    assert httpx.get(capture_server.url + "/status/nope/rss").status_code == 404


def test_rss_lists_down_monitors_and_degraded_status(fresh_capture_server):
    db = sqlite3.connect(fresh_capture_server.data_dir / "kuma.db")
    db.execute(
        "INSERT INTO heartbeat (monitor_id, status, msg, time, important) VALUES (7, 0, 'refused', '2026-11-26 10:11:59.000', 1)"
    )
    db.commit()
    db.close()
    text = httpx.get(fresh_capture_server.url + "/status/main/rss").text
    assert "<description>Current status: Partially Degraded Service</description>" in text
    assert "<title><![CDATA[Child TCP is down]]></title>" in text
    assert "<guid>7-2026-11-26 10:11:59.000</guid>" in text
    assert "Child TCP has been down since 2026-11-26 10:11:59.000 UTC" in text


def test_incident_history_pages_by_cursor(fresh_capture_server):
    db = sqlite3.connect(fresh_capture_server.data_dir / "kuma.db")
    for i in range(12):
        db.execute(
            "INSERT INTO incident (title, content, style, created_date, pin, active, status_page_id) VALUES (?, 'c', 'info', ?, 0, 0, 1)",
            (f"old {i}", f"2026-11-01 00:00:{i:02d}"),
        )
    db.commit()
    db.close()
    first = httpx.get(fresh_capture_server.url + "/api/status-page/main/incident-history").json()
    assert first["total"] == 13 and first["hasMore"] is True and len(first["incidents"]) == 10
    assert first["incidents"][0]["id"] == 1
    assert first["nextCursor"] == first["incidents"][-1]["createdDate"] == "2026-11-01 00:00:03"
    second = httpx.get(
        fresh_capture_server.url + "/api/status-page/main/incident-history", params={"cursor": first["nextCursor"]}
    ).json()
    assert [i["title"] for i in second["incidents"]] == ["old 2", "old 1", "old 0"]
    assert second["hasMore"] is False and second["nextCursor"] is None


def test_upload_serves_files_and_refuses_escapes(capture_server):
    upload = capture_server.data_dir / "upload"
    upload.mkdir(exist_ok=True)
    (upload / "logo1.png").write_bytes(b"\x89PNG fake")
    r = httpx.get(capture_server.url + "/upload/logo1.png")
    assert r.status_code == 200 and r.content == b"\x89PNG fake"
    assert httpx.get(capture_server.url + "/upload/nothing.png").status_code == 404
    assert httpx.get(capture_server.url + "/upload/..%2fkuma.db").status_code == 404


def test_heartbeat_json_is_valid_and_prints_whole_ratios_as_integers(fresh_capture_server):
    db = sqlite3.connect(fresh_capture_server.data_dir / "kuma.db")
    db.execute("DELETE FROM stat_minutely WHERE monitor_id = 4 AND down > 0")
    db.execute("UPDATE heartbeat SET time = time || '\"' WHERE id = (SELECT max(id) FROM heartbeat WHERE monitor_id = 5)")
    db.commit()
    db.close()
    r = httpx.get(fresh_capture_server.url + "/api/status-page/heartbeat/main")
    body = r.json()
    assert '"4_24":1,' in r.text and body["uptimeList"]["4_24"] == 1
    assert body["heartbeatList"]["5"][-1]["time"].endswith('"')
    assert body["heartbeatList"]["10"][0]["ping"] is None or isinstance(body["heartbeatList"]["10"][0]["ping"], int)


def test_fast_heartbeat_text_equals_the_dict_shape(tmp_path):
    import sqlite_utils

    from kuma.clock import parse_instant
    from kuma.rest.jsonwire import dumps
    from kuma.rest.status_pages import heartbeats_json, load_heartbeats
    from kuma.store.db import connect
    from tests.helpers.paths import CAPTURE_CLOCK
    from tests.public.conftest import prepare_capture_db

    path = prepare_capture_db(tmp_path / "data")
    db = sqlite_utils.Database(connect(path))
    now = parse_instant(CAPTURE_CLOCK)
    assert heartbeats_json(db, "main", now) == dumps(load_heartbeats(db, "main", now))
    assert heartbeats_json(db, "nope", now) == dumps(load_heartbeats(db, "nope", now))


def test_heartbeat_body_follows_a_push_at_once(fresh_capture_server):
    url = fresh_capture_server.url + "/api/status-page/heartbeat/main"
    first = httpx.get(url)
    assert httpx.get(url).content == first.content  # nothing changed: the same bytes (from the cache)
    assert httpx.get(f"{fresh_capture_server.url}/api/push/{PUSH_TOKEN}", params={"status": "down"}).status_code == 200
    after = httpx.get(url)
    assert after.headers["etag"] != first.headers["etag"] and after.headers["cache-control"] == "no-cache"
    assert after.json()["heartbeatList"]["10"][-1]["status"] == 0  # the push just stored


def test_heartbeat_cache_drops_entries_on_beats_of_its_monitors_other_writes_and_the_minute():
    import trio

    from kuma.rest.heartbeat_cache import HeartbeatCache

    writes = [0]
    builds: list[str] = []

    async def build(slug: str, now: float):
        builds.append(slug)
        return f"{slug}-{len(builds)}".encode(), [1, 2]

    class Beat:
        def __init__(self, monitor_id: int) -> None:
            self.monitor = {"id": monitor_id}

    async def scenario():
        cache = HeartbeatCache(lambda: writes[0])
        now = 1_795_687_200.0
        assert (await cache.get("p", now, build))[0] == b"p-1"
        assert (await cache.get("p", now + 1, build))[0] == b"p-1"  # hit
        await cache.on_beat(Beat(3))  # not on the page
        assert (await cache.get("p", now + 2, build))[0] == b"p-1"
        await cache.on_beat(Beat(2))
        assert (await cache.get("p", now + 3, build))[0] == b"p-2"
        writes[0] += 1  # some other write was committed
        assert (await cache.get("p", now + 4, build))[0] == b"p-3"
        assert (await cache.get("p", now + 60, build))[0] == b"p-4"  # the next minute
        assert cache.hits == 2

    trio.run(scenario)
