"""`/api/push/:token` on the golden database: replies as captured, beats stored as Uptime Kuma stored them."""
from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from kuma.rest.push import PushError, parse_ping, parse_push_query
from tests.public.conftest import PUSH_TOKEN, fixture_header, fixture_meta, fixture_text

CAPTURED = ["push-ok.json", "push-down.json", "push-post.json", "push-bad-token.json", "push-paused-monitor.json"]


def _beats(server, after_id: int = 0) -> list[dict]:
    db = sqlite3.connect(server.data_dir / "kuma.db")
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM heartbeat WHERE monitor_id = 10 AND id > ? ORDER BY id", (after_id,))]
    db.close()
    return rows


def _last_id(server) -> int:
    db = sqlite3.connect(server.data_dir / "kuma.db")
    value = db.execute("SELECT COALESCE(MAX(id), 0) FROM heartbeat").fetchone()[0]
    db.close()
    return value


def test_captured_push_sequence_replies_and_stored_beats(fresh_capture_server):
    start = _last_id(fresh_capture_server)
    for name in CAPTURED:
        meta = fixture_meta(name)
        r = httpx.request(meta["request"]["method"], fresh_capture_server.url + meta["request"]["url"])
        assert r.status_code == meta["status"], name
        assert r.text == fixture_text(name)
        assert r.headers["content-type"] == fixture_header(name, "content-type")
        assert r.headers["etag"] == fixture_header(name, "etag")
        assert "cache-control" not in r.headers
    stored = _beats(fresh_capture_server, start)
    # Uptime Kuma stored these three beats (fixture kuma.db ids 160-162) for the same three requests
    assert [(b["status"], b["msg"], b["ping"], b["retries"], b["important"]) for b in stored] == [
        (1, "OK", 12, 0, 0),
        (0, "Job failed", None, 0, 1),
        (1, "via POST", 7, 0, 1),
    ]
    assert stored[0]["duration"] >= 36  # whole seconds since the previous beat (10:11:24)


def test_paused_monitor_and_bad_ping_are_404(fresh_capture_server):
    url = f"{fresh_capture_server.url}/api/push/{PUSH_TOKEN}"
    r = httpx.get(url, params={"ping": "-5"})
    assert r.status_code == 404
    assert r.json() == {"ok": False, "msg": "Invalid ping value. Must be between 0 and 100000000000 ms."}
    db = sqlite3.connect(fresh_capture_server.data_dir / "kuma.db")
    db.execute("UPDATE monitor SET active = 0 WHERE id = 10")
    db.commit()
    db.close()
    start = _last_id(fresh_capture_server)
    r = httpx.put(url)
    assert r.status_code == 404 and r.json() == {"ok": False, "msg": "Monitor not found or not active."}
    assert _beats(fresh_capture_server, start) == []


def test_defaults_and_non_up_statuses(fresh_capture_server):
    url = f"{fresh_capture_server.url}/api/push/{PUSH_TOKEN}"
    start = _last_id(fresh_capture_server)
    assert httpx.delete(url, params={"status": "Up", "ping": "abc"}).status_code == 200
    assert httpx.get(url).status_code == 200
    stored = _beats(fresh_capture_server, start)
    assert [(b["status"], b["msg"], b["ping"]) for b in stored] == [(0, "OK", None), (1, "OK", None)]


def test_every_acknowledged_concurrent_push_is_stored(fresh_capture_server):
    url = f"{fresh_capture_server.url}/api/push/{PUSH_TOKEN}"
    start = _last_id(fresh_capture_server)

    def push(i: int) -> int:
        with httpx.Client() as client:
            return client.get(url, params={"msg": f"n{i}", "ping": str(i + 1)}).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(push, range(120)))
    assert codes == [200] * 120
    stored = _beats(fresh_capture_server, start)
    assert sorted(b["msg"] for b in stored) == sorted(f"n{i}" for i in range(120))


def test_query_parsing_rules():
    assert parse_push_query({}) == (1, "OK", None)
    assert parse_push_query({"status": "down", "msg": "x", "ping": "12.5"}) == (0, "x", 12.5)
    assert parse_push_query({"status": "1"})[0] == 0
    assert parse_ping("0") is None and parse_ping("") is None and parse_ping("nope") is None
    assert parse_ping("42ms") == 42
    for bad in ("-1", "100000000001", "Infinity"):
        with pytest.raises(PushError):
            parse_ping(bad)
