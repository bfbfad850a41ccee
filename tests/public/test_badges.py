"""Badges: every golden badge request rendered by kuma equals the captured SVG byte for byte."""
from __future__ import annotations

import re
import sqlite3

import httpx
import pytest

from kuma.badges.svg import make_badge, percentage_color, preferred_width, text_width
from kuma.rest.badges import BadgeError, parse_duration, to_precision_4
from tests.helpers.paths import REST_FIXTURES
from tests.public.conftest import fixture_header, fixture_meta, fixture_text

BADGES = sorted(p.name for p in REST_FIXTURES.glob("*.svg"))
CORS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, PUT, POST, DELETE, OPTIONS",
    "access-control-allow-headers": "Origin, X-Requested-With, Content-Type, Accept",
}


def test_there_are_golden_badges():
    assert len(BADGES) == 15


@pytest.mark.parametrize("name", BADGES)
def test_badge_matches_the_capture(capture_server, name):
    meta = fixture_meta(name)
    r = httpx.get(capture_server.url + meta["request"]["url"])
    assert r.status_code == meta["status"]
    assert r.text == fixture_text(name)
    assert r.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert r.headers["etag"] == fixture_header(name, "etag")
    for header, value in CORS.items():
        assert r.headers.get(header) == fixture_header(name, header) == (None if "status-page" in name else value)


def test_invalid_monitor_id_and_duration_are_403_json(capture_server):
    r = httpx.get(capture_server.url + "/api/badge/abc/status")
    assert r.status_code == 403 and r.json() == {"status": "fail", "msg": "Invalid monitor ID"}
    r = httpx.get(capture_server.url + "/api/badge/1/uptime/5x")
    assert r.status_code == 403 and r.json()["status"] == "fail"
    r = httpx.get(capture_server.url + "/api/badge/1/uptime/800h")
    assert r.status_code == 403


def test_public_monitor_without_beats_is_an_error(fresh_capture_server):
    db = sqlite3.connect(fresh_capture_server.data_dir / "kuma.db")
    db.execute("INSERT INTO monitor (name, type, active, user_id) VALUES ('New', 'http', 0, 1)")
    mid = db.execute("SELECT max(id) FROM monitor").fetchone()[0]
    db.execute("INSERT INTO monitor_group (monitor_id, group_id, weight) VALUES (?, 1, 9)", (mid,))
    db.commit()
    db.close()
    assert httpx.get(f"{fresh_capture_server.url}/api/badge/{mid}/status").status_code == 403
    r = httpx.get(f"{fresh_capture_server.url}/api/badge/{mid}/response")
    assert r.status_code == 200 and 'aria-label="Response: N/A"' in r.text
    r = httpx.get(f"{fresh_capture_server.url}/api/badge/{mid}/ping/24h")
    assert 'aria-label="Avg. Ping (24h): NaNms"' in r.text


@pytest.mark.parametrize(
    "value, message, color",
    [("0", "Down", "#c2290a"), ("2", "Pending", "#f8a306"), ("3", "Maintenance", "#1747f5"), ("7", "N/A", "#999")],
)
def test_status_badge_states(capture_server, value, message, color):
    r = httpx.get(capture_server.url + "/api/badge/1/status", params={"value": value})
    assert f'aria-label="Status: {message}"' in r.text
    assert f'fill="{color}"' in r.text


def test_status_badge_custom_labels_and_colours(capture_server):
    r = httpx.get(
        capture_server.url + "/api/badge/1/status",
        params={"value": "0", "downLabel": "Broken", "downColor": "orange", "label": "Site", "labelColor": "#123456"},
    )
    assert 'aria-label="Site: Broken"' in r.text
    assert 'fill="#fe7d37"' in r.text and 'fill="#123456"' in r.text


def test_uptime_badge_units_and_suffixes(capture_server):
    r = httpx.get(capture_server.url + "/api/badge/1/uptime/7d", params={"prefix": "~", "suffix": " pct"})
    assert 'aria-label="Uptime (7h): ~73.33 pct"' in r.text  # Uptime Kuma's label quirk: the unit is always h
    r = httpx.get(capture_server.url + "/api/badge/1/uptime/720")
    assert 'aria-label="Uptime (720h): 73.33%"' in r.text
    r = httpx.get(capture_server.url + "/api/badge/12/uptime/24h")
    assert 'aria-label="N/A"' in r.text  # monitor 12 is on no status page


def test_avg_response_and_cert_exp_parameters(capture_server):
    r = httpx.get(capture_server.url + "/api/badge/1/avg-response/48", params={"labelSuffix": "!"})
    assert re.search(r'aria-label="Avg\. Response \(48h\)!: \d+ms"', r.text)
    r = httpx.get(capture_server.url + "/api/badge/1/cert-exp", params={"style": "flat-square"})
    assert 'aria-label="No/Bad Cert"' in r.text and "crispEdges" in r.text


def test_status_page_badge_overall_states(fresh_capture_server):
    url = fresh_capture_server.url + "/api/status-page/main/badge"
    assert 'aria-label="Up"' in httpx.get(url).text
    db = sqlite3.connect(fresh_capture_server.data_dir / "kuma.db")
    db.execute("INSERT INTO heartbeat (monitor_id, status, msg, time) VALUES (7, 0, 'x', '2026-11-26 10:11:59.000')")
    db.commit()
    r = httpx.get(url, params={"label": "Main"})
    assert 'aria-label="Main: Degraded"' in r.text and 'fill="#f6be00"' in r.text
    db.execute("INSERT INTO heartbeat (monitor_id, status, msg, time) VALUES (9, 3, 'm', '2026-11-26 10:11:59.500')")
    db.commit()
    db.close()
    assert 'aria-label="Maintenance"' in httpx.get(url).text
    assert 'aria-label="N/A"' in httpx.get(fresh_capture_server.url + "/api/status-page/nope/badge").text


# -- the renderer on its own -----------------------------------------------------------------------------
def test_text_widths_follow_the_verdana_table():
    assert preferred_width("Status") == 35 and preferred_width("Up") == 15 and preferred_width("N/A") == 21
    assert text_width("\x01") == 0
    assert text_width("\U0001F600") == text_width("m")  # unknown characters count as an "m"


def test_styles_render_their_shapes():
    plastic = make_badge(label="a", message="b", color="red", style="plastic")
    assert 'height="18"' in plastic and 'rx="4"' in plastic and 'fill="#e05d44"' in plastic
    social = make_badge(label="stars", message="12", style="social")
    assert "Stars" in social and 'id="llink"' in social and 'id="rlink"' in social
    assert "shape-rendering" in make_badge(label="x", message="y", style="flat-square")
    assert make_badge(label="x", message="y", style="nonsense") == make_badge(label="x", message="y")


def test_colours_and_contrast():
    assert 'fill="#abcdef"' in make_badge(message="m", color="ABCDEF")
    assert 'fill="purple"' in make_badge(message="m", color="purple")
    assert 'fill="#4c1"' in make_badge(message="m", color="not-a-colour")
    light = make_badge(message="m", color="#ffffff")
    assert 'fill="#333"' in light  # dark text on a light background
    assert percentage_color(11 / 15) == "#a7c20a"
    assert percentage_color(0) == "#c2290a" and percentage_color(1) == "#66c20a"


def test_escaping():
    svg = make_badge(label="<a&b>", message='"q"')
    assert "&lt;a&amp;b&gt;" in svg and "&quot;q&quot;" in svg


def test_duration_parsing_and_precision():
    assert parse_duration(None) == ("hour", 24, "24")
    assert parse_duration("720") == ("hour", 720, "720")
    assert parse_duration("90m") == ("minute", 90, "90")
    assert parse_duration("2w") == ("day", 14, "2")
    assert parse_duration("1M") == ("day", 30, "1")
    assert parse_duration("1y") == ("day", 365, "1")
    for bad in ("0h", "1441m", "721h", "366d", "2y", "h", "1.5h"):
        with pytest.raises(BadgeError):
            parse_duration(bad)
    assert to_precision_4(100.0) == "100.0"
    assert to_precision_4(0.0) == "0.000"
    assert to_precision_4(99.95) == "99.95"
    assert to_precision_4(73.333333) == "73.33"
