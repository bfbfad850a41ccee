"""`kuma serve` as a real process: answers HTTP, stops cleanly on SIGTERM, leaves a sound database."""
from __future__ import annotations

import pytest

import sqlite3
import subprocess
import sys

import httpx

from kuma import __version__
from kuma.config import Config
from tests.helpers.server import REPO


def test_serve_answers_and_stops_cleanly(kuma_server):
    root = httpx.get(kuma_server.url + "/", follow_redirects=False)
    assert root.status_code == 302
    assert root.headers["location"] == "/dashboard"
    assert root.headers["vary"] == "Accept"
    assert root.headers["x-frame-options"] == "SAMEORIGIN"
    assert root.text == "Found. Redirecting to /dashboard"
    entry = httpx.get(kuma_server.url + "/api/entry-page")
    assert entry.status_code == 200
    assert entry.text == '{"type":"entryPage","entryPage":"dashboard"}'
    missing = httpx.get(kuma_server.url + "/api/does-not-exist")
    assert missing.status_code == 404 and missing.json()["ok"] is False
    assert kuma_server.stop() == 0
    assert "stopped" in kuma_server.log()
    conn = sqlite3.connect(kuma_server.data_dir / "kuma.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_fixture_database_entry_page(fixture_kuma_server):
    entry = httpx.get(fixture_kuma_server.url + "/api/entry-page")
    assert entry.json() == {"type": "entryPage", "entryPage": "statusPage-main"}
    root = httpx.get(fixture_kuma_server.url + "/", follow_redirects=False)
    assert root.headers["location"] == "/status/main"
    assert root.text == "Found. Redirecting to /status/main"


def test_version_and_help():
    out = subprocess.run([sys.executable, "-m", "kuma", "--version"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0 and __version__ in out.stdout
    help_text = subprocess.run([sys.executable, "-m", "kuma", "serve", "--help"], capture_output=True, text=True, cwd=REPO).stdout
    for option in ("--port", "--host", "--data-dir", "--log-level", "UPTIME_KUMA_PORT", "DATA_DIR"):
        assert option in help_text


def test_config_precedence():
    env = {"UPTIME_KUMA_PORT": "4000", "PORT": "5000", "DATA_DIR": "/srv/kuma", "HOST": "::1"}
    config = Config.from_sources(env=env)
    assert (config.port, str(config.data_dir), config.host) == (4000, "/srv/kuma", "::1")
    assert Config.from_sources(port=6000, env=env).port == 6000
    assert Config.from_sources(env={"PORT": "5000"}).port == 5000
    assert Config.from_sources(env={}).port == 3001


def test_outbound_budget_and_socket_bound_from_the_environment():
    default = Config.from_sources(env={})
    assert (default.outbound_budget_bytes, default.socket_outbox_bytes) == (64 * 2**20, 8 * 2**20)
    config = Config.from_sources(env={"KUMA_OUTBOUND_BUDGET_MB": "16", "KUMA_SOCKET_OUTBOX_MB": "0.5"})
    assert (config.outbound_budget_bytes, config.socket_outbox_bytes) == (16 * 2**20, 2**19)
    for bad in ("0", "-3", "lots"):
        with pytest.raises(ValueError, match="KUMA_OUTBOUND_BUDGET_MB"):
            Config.from_sources(env={"KUMA_OUTBOUND_BUDGET_MB": bad})
