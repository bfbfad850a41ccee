"""`/metrics`: auth as captured, series parsed with prometheus-client's own parser and compared with the capture."""
from __future__ import annotations

import sqlite3

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from kuma.rest.metrics import js_number_text, sanitize_label_name, tag_label_names
from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import start_kuma
from tests.public.conftest import API_KEY, fixture_header, fixture_text, prepare_capture_db

MONITOR_FAMILIES = [
    "monitor_cert_days_remaining",
    "monitor_cert_is_valid",
    "monitor_uptime_ratio",
    "monitor_response_time_seconds",
    "monitor_response_time",
    "monitor_status",
]


def _series(text: str) -> dict[tuple, float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


@pytest.fixture(scope="module")
def metrics_server(tmp_path_factory):
    """Push monitor 10 active, the others paused; no tags (the capture's tags were made after boot)."""
    data = tmp_path_factory.mktemp("metrics") / "data"
    prepare_capture_db(data, drop_tags=True)
    server = start_kuma(data, clock_start=CAPTURE_CLOCK)
    yield server
    server.stop()


def test_no_credentials_and_wrong_key_are_401_as_captured(metrics_server):
    for name, auth in (("metrics-noauth.txt", None), ("metrics-badkey.txt", ("", "uk1_wrongwrongwrongwrong"))):
        r = httpx.get(metrics_server.url + "/metrics", auth=auth)
        assert r.status_code == 401
        assert r.content == b"" and fixture_text(name) == ""
        assert r.headers["www-authenticate"] == fixture_header(name, "www-authenticate") == "Basic"
        assert r.headers["content-type"] == fixture_header(name, "content-type")


def test_user_password_does_not_work_once_api_keys_exist(metrics_server):
    assert httpx.get(metrics_server.url + "/metrics", auth=("admin", "secret123")).status_code == 401


def test_api_key_scrape_matches_the_capture(metrics_server):
    r = httpx.get(metrics_server.url + "/metrics", auth=("", API_KEY))
    assert r.status_code == 200
    assert r.headers["content-type"] == fixture_header("metrics.txt", "content-type")
    assert "cache-control" not in r.headers
    families = [f.name for f in text_string_to_metric_families(r.text)]
    assert families[:6] == MONITOR_FAMILIES
    assert "app_version" in families and any(f.startswith("process_") for f in families)
    got = _series(r.text)
    captured = _series(fixture_text("metrics.txt"))
    push_job = {k: v for k, v in captured.items() if k[0].startswith("monitor_") and ("monitor_id", "10") in k[1]}
    assert push_job and set(push_job) <= set(got)
    for key, value in push_job.items():
        if key[0] in ("monitor_status", "monitor_response_time"):
            assert got[key] == value, key
        # Uptime Kuma's gauges of a push monitor lag one beat behind (0.5 = 4 of 8, avg 12 ms); kuma
        # computes them at scrape time, so the last push (UP, 33 ms) counts: 5 of 9, avg 16.2 ms
        elif key[0] == "monitor_uptime_ratio":
            assert value == 0.5 and got[key] == pytest.approx(5 / 9), key
        elif key[0] == "monitor_response_time_seconds":
            assert value == 0.012 and got[key] == pytest.approx((12 * 4 + 33) / 5 / 1000), key
    ours = [k for k in got if k[0].startswith("monitor_")]
    assert all(("monitor_id", "10") in k[1] for k in ours)  # paused monitors have no series
    assert got[("app_version", (("major", "2"), ("minor", "5"), ("patch", "3"), ("version", "2.5.3")))] == 1
    # prom-client's layout: label order as declared, a blank line closing every monitor family
    assert 'monitor_status{monitor_id="10",monitor_name="Push Job",monitor_type="push",monitor_url="",' \
           'monitor_hostname="null",monitor_port="null"} 1\n\n' in r.text


def test_all_active_monitors_have_the_captured_label_sets(tmp_path):
    data = tmp_path / "data"
    prepare_capture_db(data, keep_active=tuple(range(1, 13)), drop_tags=True)
    db = sqlite3.connect(data / "kuma.db")
    db.execute("UPDATE monitor SET active = 0 WHERE id = 11")
    db.commit()
    db.close()
    server = start_kuma(data, clock_start=CAPTURE_CLOCK)
    try:
        text = httpx.get(server.url + "/metrics", auth=("", API_KEY)).text
    finally:
        server.stop()
    # values move once the engine checks again; the series (names + labels) must be the captured ones
    got = {k for k in _series(text) if k[0].startswith("monitor_")}
    captured = {k for k in _series(fixture_text("metrics.txt")) if k[0].startswith("monitor_")}
    assert got == captured


def test_tags_present_at_start_become_labels(tmp_path):
    data = tmp_path / "data"
    prepare_capture_db(data)
    server = start_kuma(data, env={}, clock_start=CAPTURE_CLOCK)
    try:
        text = httpx.get(server.url + "/metrics", auth=("", API_KEY)).text
    finally:
        server.stop()
    line = next(l for l in text.splitlines() if l.startswith("monitor_status{"))
    assert line.startswith('monitor_status{critical="",env="",team="",monitor_id="10",')


def test_auth_disabled_means_open(tmp_path):
    data = tmp_path / "data"
    prepare_capture_db(data)
    db = sqlite3.connect(data / "kuma.db")
    db.execute("UPDATE setting SET value = 'true' WHERE key = 'disableAuth'")
    db.commit()
    db.close()
    server = start_kuma(data, clock_start=CAPTURE_CLOCK)
    try:
        assert httpx.get(server.url + "/metrics").status_code == 200
    finally:
        server.stop()


def test_label_and_number_rules():
    assert sanitize_label_name("9 Team-Name!") == "TeamName"
    assert sanitize_label_name("__x") == "__x" and sanitize_label_name("123") == ""
    assert tag_label_names(["b", "A", "a b", "monitor_id", "", "9"]) == ["A", "ab", "b"]
    assert js_number_text(1.0) == "1" and js_number_text(0.75) == "0.75" and js_number_text(-1) == "-1"
    assert js_number_text(2.2066666666666667e-05) == "0.000022066666666666667"
