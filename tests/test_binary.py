"""The one-file binary: starts with an empty environment, serves from any folder, stops cleanly, and
still finds everything kuma discovers at run time (monitor types, providers, package data)."""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys

import httpx
import pytest

from kuma import __version__
from tests.helpers.binary import built_binary, patient, target_machine
from tests.helpers.paths import REPO
from tests.helpers.server import free_port
from tests.helpers.waiting import wait_for_http

# The first test waits for the PyInstaller build (1–2 min alone, several on a busy machine).
pytestmark = pytest.mark.timeout(1500)


@pytest.fixture(scope="module")
def binary():
    return built_binary()


def test_version_with_empty_environment(binary, tmp_path):
    """Version, the commit it was built from, build date and the architecture it was built for (issue #16)."""
    out = subprocess.run(["env", "-i", str(binary), "--version"], capture_output=True, text=True, cwd=tmp_path,
                         timeout=patient(120))
    assert out.returncode == 0, out.stderr
    line = re.fullmatch(rf"kuma {re.escape(__version__)} \(Uptime Kuma API 2\.5\.3\) commit (\w+), "
                        rf"built (\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ), linux-{target_machine()}\n", out.stdout)
    assert line, out.stdout
    # the commit is this checkout's (the build cache is keyed by the sources, so it is one with these sources)
    assert re.fullmatch(r"[0-9a-f]{12}", line[1]) and subprocess.run(
        ["git", "-C", str(REPO), "cat-file", "-e", f"{line[1]}^{{commit}}"]).returncode == 0, line[1]
    built = json.loads(subprocess.run([str(binary), "self-check", "--json"], capture_output=True, text=True,
                                      cwd=tmp_path, timeout=patient(120)).stdout)["build"]
    assert built == {"ok": True, "value": {"version": __version__, "commit": line[1], "built": line[2],
                                            "arch": target_machine()}}


def test_self_check_frozen(binary, tmp_path):
    out = subprocess.run(["env", "-i", str(binary), "self-check", "--json"], capture_output=True, text=True, cwd=tmp_path,
                         timeout=patient(120))
    results = json.loads(out.stdout)
    assert results["frozen"] is True
    failed = {k: v for k, v in results.items() if isinstance(v, dict) and not v["ok"]}
    assert not failed, failed
    assert out.returncode == 0
    # The binary finds exactly what the source tree finds (pkgutil discovery works frozen).
    source = subprocess.run([sys.executable, "-m", "kuma", "self-check", "--json"], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    expected = json.loads(source.stdout)
    for name in ("monitor_types", "notification_providers", "store_resources", "apprise"):
        assert results[name] == expected[name], name
    assert results["store_resources"]["value"]["migrations"] > 50


def _self_check(command: list[str], cwd) -> dict:
    out = subprocess.run([*command, "self-check", "--json"], capture_output=True, text=True, cwd=cwd,
                         timeout=patient(120))
    assert out.stdout, f"self-check printed nothing ({out.returncode}):\n{out.stderr[-4000:]}"
    return json.loads(out.stdout)


def test_frozen_build_has_every_module_event_and_route_of_the_source_tree(binary, tmp_path):
    """Issue #11: a package PyInstaller skipped took Socket.IO out of the binary without any error. The
    binary now lists what it holds and serves (modules, Socket.IO handlers, HTTP routes), exactly the
    source tree's lists."""
    frozen = _self_check(["env", "-i", str(binary)], tmp_path)
    source = _self_check([sys.executable, "-m", "kuma"], REPO)
    assert frozen["frozen"] is True and source["frozen"] is False
    for name in ("modules", "socketio_events", "http_routes", "socketio_endpoint"):
        assert source[name]["ok"], (name, source[name])
        assert frozen[name]["ok"], (name, frozen[name])
        if isinstance(source[name]["value"], list):
            want, got = set(source[name]["value"]), set(frozen[name]["value"])
            assert not want - got, f"{name} missing from the binary: {sorted(want - got)}"
            assert not got - want, f"{name} only in the binary: {sorted(got - want)}"
        assert frozen[name] == source[name], name
    # non-trivial lists: what issue #11 lost, and what the public surface needs
    modules, events = frozen["modules"]["value"], frozen["socketio_events"]["value"]
    assert len(modules) > 100 and {"kuma.realtime", "kuma.realtime.endpoint", "kuma.realtime.hub", "kuma.api.auth",
                                   "kuma.rest.push", "kuma.monitors.http", "kuma.notifications.providers.webhook"} <= set(modules)
    assert len(events) > 60 and {"needSetup", "setup", "login", "loginByToken", "logout", "add", "editMonitor",
                                 "deleteMonitor", "addStatusPage", "saveStatusPage", "addAPIKey"} <= set(events)
    rules = {route.split(" ", 1)[1] for route in frozen["http_routes"]["value"]}
    assert {"/socket.io/", "/api/push/<token>", "/api/badge/<raw_id>/status", "/api/status-page/<slug>",
            "/api/status-page/heartbeat/<slug>", "/metrics", "/api/entry-page", "/"} <= rules, sorted(rules)
    assert "ASGI /socket.io/" in frozen["http_routes"]["value"]
    assert frozen["socketio_endpoint"] == {"ok": True, "value": "/socket.io/"}


def test_self_check_fails_when_the_socketio_endpoint_is_missing(tmp_path):
    """A build without kuma.realtime.endpoint (issue #11's binary) fails the self-check, not the first user.
    Runs from source with the module blocked, so it needs no build."""
    script = ("import sys; sys.modules['kuma.realtime.endpoint'] = None\n"
              "from kuma.cli import main; sys.exit(main(['self-check', '--json']))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    results = json.loads(out.stdout)
    assert out.returncode == 1
    for name in ("socketio_endpoint", "modules", "socketio_events", "http_routes"):
        assert results[name]["ok"] is False and "kuma.realtime.endpoint" in results[name]["error"], (name, results[name])
    assert results["monitor_types"]["ok"] is True  # the rest still reports


def test_every_python_folder_under_kuma_is_a_package():
    """PyInstaller's collect_submodules and pkgutil (source and frozen alike) skip a folder without
    __init__.py, so its modules would be missing from the binary's lists and the binary (issue #11)."""
    folders = {path.parent for path in (REPO / "kuma").rglob("*.py") if "__pycache__" not in path.parts}
    missing = sorted(str(f.relative_to(REPO)) for f in folders if not (f / "__init__.py").is_file())
    assert not missing, f"folders with Python modules but no __init__.py: {missing}"


def test_serve_from_another_folder(binary, tmp_path):
    data_dir, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "KUMA_LOG_LEVEL": "INFO"}
    log_path = tmp_path / "kuma.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)],
            cwd=elsewhere, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        entry = _wait_for(f"http://127.0.0.1:{port}/api/entry-page", process, log_path)
        assert entry.status_code == 200
        assert entry.text == '{"type":"entryPage","entryPage":"dashboard"}'
        root = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False)
        assert root.status_code == 302 and root.headers["location"] == "/dashboard"
        # The dashboard's files (kuma/web/static) are inside the binary.
        shell = httpx.get(f"http://127.0.0.1:{port}/dashboard")
        assert shell.status_code == 200 and shell.content == (REPO / "kuma/web/static/index.html").read_bytes()
        script = httpx.get(f"http://127.0.0.1:{port}/assets/js/app.js")
        assert script.status_code == 200 and script.content == (REPO / "kuma/web/static/js/app.js").read_bytes()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(patient(30))
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError("binary did not stop on SIGTERM\n" + log_path.read_text(errors="replace"))
    assert code == 0, log_path.read_text(errors="replace")
    assert "stopped" in log_path.read_text(errors="replace")
    assert not (elsewhere / "data").exists() and os.listdir(elsewhere) == []
    conn = sqlite3.connect(data_dir / "kuma.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM knex_migrations").fetchone()[0] > 50


def _wait_for(url: str, process: subprocess.Popen, log_path) -> httpx.Response:
    return wait_for_http(url, process, patient(60), describe=lambda: log_path.read_text(errors="replace"))


def test_children_get_the_callers_library_path(binary, tmp_path):
    """The bootloader prepends its own folder to LD_LIBRARY_PATH; `ping` & co. must see the caller's."""
    env = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": "/opt/callers/lib"}
    out = subprocess.run([str(binary), "self-check", "--json"], capture_output=True, text=True, cwd=tmp_path, env=env,
                         timeout=patient(120))
    assert json.loads(out.stdout)["subprocess_env"] == {"ok": True, "value": "/opt/callers/lib"}
