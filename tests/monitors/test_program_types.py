"""system-service, tailscale-ping and pm2: checks that run a system program.

`systemctl` and `tailscale` are stand-in executables on PATH (systemd is not PID 1 here and there is no
tailnet): they answer with the real programs' output and exit codes. `pm2` is the real one from npm, installed
by the test into build/test-cache/ (node is on the machine; scripts/lib/system-deps.sh installs it in CI).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kuma.monitors import pm2 as pm2_module
from kuma.monitors import system_service
from kuma.monitors.base import UP, CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.paths import REPO

PM2_VERSION = "6.0.14"

SYSTEMCTL = """\
import json, sys, time
units = json.load(open(sys.argv[0] + ".json"))
if sys.argv[1:2] != ["is-active"]:
    sys.exit(2)
state = units.get(sys.argv[2], "inactive")
if state == "hang":
    time.sleep(30)
print(state)
sys.exit(0 if state == "active" else 3)
"""

TAILSCALE = """\
import json, sys, time
answers = json.load(open(sys.argv[0] + ".json"))
if sys.argv[1:4] != ["ping", "--c", "1"]:
    sys.exit(2)
if answers.get(sys.argv[4]) == "hang":
    time.sleep(30)
out, err, code = answers.get(sys.argv[4], ["", "no such host", 1])
sys.stdout.write(out); sys.stderr.write(err); sys.exit(code)
"""


def stand_in(folder: Path, name: str, source: str, table: dict) -> dict[str, str]:
    """An executable `name` in `folder` (a Python script reading `<name>.json`), and a PATH with it first."""
    program = folder / name
    program.write_text(f"#!{sys.executable}\n{source}")
    program.chmod(0o755)
    (folder / f"{name}.json").write_text(json.dumps(table))
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}


def empty_path(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "empty").mkdir(exist_ok=True)
    return {**os.environ, "PATH": str(tmp_path / "empty")}


async def check(kind: str, env: dict[str, str], **row):
    return await get_monitor_type(kind).check(monitor_row(type=kind, **row), CheckContext(subprocess_env=env))


# ---------------------------------------------------------------- system-service


@pytest.fixture
def systemctl(tmp_path):
    return stand_in(tmp_path, "systemctl", SYSTEMCTL,
                    {"nginx.service": "active", "backup@daily.timer": "active", "cron": "failed", "slow": "hang"})


async def test_active_unit_is_up(systemctl):
    result = await check("system-service", systemctl, system_service_name="nginx.service")
    assert (result.status, result.msg) == (UP, "Service 'nginx.service' is running.")
    assert (await check("system-service", systemctl, system_service_name=" backup@daily.timer ")).status == UP


async def test_failed_and_unknown_units_are_down_with_systemctls_answer(systemctl):
    with pytest.raises(CheckFailed, match="^failed$"):
        await check("system-service", systemctl, system_service_name="cron")
    with pytest.raises(CheckFailed, match="^inactive$"):
        await check("system-service", systemctl, system_service_name="nope")


async def test_bad_names_never_reach_the_program(systemctl):
    with pytest.raises(CheckFailed, match="^Invalid service name. Please use the internal Service Name"):
        await check("system-service", systemctl, system_service_name="--root=/ nginx")
    with pytest.raises(CheckFailed, match="^Service Name is required.$"):
        await check("system-service", systemctl, system_service_name="  ")


async def test_systemctl_that_hangs_is_cut(systemctl, monkeypatch):
    monkeypatch.setattr(system_service, "TIMEOUT", 0.5)
    with pytest.raises(CheckFailed, match="^Service 'slow' is not running. \\(systemctl gave no answer in 5 s\\)$"):
        await check("system-service", systemctl, system_service_name="slow")


async def test_no_systemd_is_said_plainly(tmp_path):
    with pytest.raises(CheckFailed, match="^Service 'nginx' cannot be checked: systemctl is not installed"):
        await check("system-service", empty_path(tmp_path), system_service_name="nginx")


# ---------------------------------------------------------------- tailscale-ping


@pytest.fixture
def tailscale(tmp_path):
    return stand_in(tmp_path, "tailscale", TAILSCALE, {
        "nas": ["pong from nas (100.101.102.103) via 192.168.1.20:41641 in 23ms\n", "", 0],
        "far": ["pong from far (100.64.0.9) via DERP(fra) in 117ms\n", "", 0],
        "gone": ["ping \"100.64.0.7\" timed out\n", "", 1],
        "ghost": ["", "no matching peer\n", 1],
        "self": ["100.101.102.104 is local Tailscale IP\n", "", 0],
        "stuck": "hang",
    })


async def test_pong_is_up_with_the_reported_time(tailscale):
    result = await check("tailscale-ping", tailscale, hostname="nas")
    assert (result.status, result.msg, result.ping) == (UP, "OK", 23)
    assert (await check("tailscale-ping", tailscale, hostname="far")).ping == 117


@pytest.mark.parametrize("host, message", [
    ("gone", 'Error checking Tailscale ping: Error: Ping timed out: "ping "100.64.0.7" timed out"'),
    ("ghost", "Error checking Tailscale ping: Error: Error in output: no matching peer\n"),
    ("self", 'Error checking Tailscale ping: Error: Tailscale only works if used on other machines: '
             '"100.101.102.104 is local Tailscale IP"'),
])
async def test_tailscale_failures(tailscale, host, message):
    with pytest.raises(CheckFailed) as caught:
        await check("tailscale-ping", tailscale, hostname=host)
    assert str(caught.value) == message


async def test_tailscale_that_hangs_is_killed_at_interval_times_0_8(tailscale):
    with pytest.raises(CheckFailed, match="^Error checking Tailscale ping: Error: tailscale ping gave no answer in 0.8 s$"):
        await check("tailscale-ping", tailscale, hostname="stuck", interval=1)


async def test_tailscale_missing(tmp_path):
    with pytest.raises(CheckFailed, match="^Error checking Tailscale ping: tailscale is not installed$"):
        await check("tailscale-ping", empty_path(tmp_path), hostname="nas")


# ---------------------------------------------------------------- pm2 (the real one)


def pm2_bin() -> Path:
    """The real pm2 from npm, installed once into build/test-cache/ (node and npm must be there)."""
    folder = REPO / "build" / "test-cache" / f"pm2-{PM2_VERSION}"
    program = folder / "node_modules" / ".bin" / "pm2"
    if not program.exists():
        npm = shutil.which("npm")
        assert npm and shutil.which("node"), "pm2 tests need node and npm (scripts/lib/system-deps.sh)"
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", f"pm2@{PM2_VERSION}"],
                       check=True, capture_output=True, timeout=600)
    return program


@pytest.fixture
def pm2(tmp_path):
    program = pm2_bin()
    env = {**os.environ, "PM2_HOME": str(tmp_path / "pm2-home"),
           "PATH": f"{program.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    app = tmp_path / "app.js"
    app.write_text("setInterval(() => {}, 1000);\n")

    def run(*args):
        return subprocess.run([str(program), *args], env=env, check=True, capture_output=True, timeout=120)

    run("start", str(app), "--name", "web")
    run("start", str(app), "--name", "worker")
    run("stop", "worker")
    try:
        yield env
    finally:
        run("kill")  # the daemon this test started


async def test_pm2_online_stopped_and_missing(pm2):
    result = await check("pm2", pm2, system_service_name="web")
    assert (result.status, result.msg) == (UP, "PM2 process 'web' is online.")
    assert (await check("pm2", pm2, system_service_name="0")).msg == "PM2 process '0' is online."  # by id
    with pytest.raises(CheckFailed, match="^PM2 process 'worker' is stopped.$"):
        await check("pm2", pm2, system_service_name="worker")
    with pytest.raises(CheckFailed, match="^PM2 process 'nope' was not found.$"):
        await check("pm2", pm2, system_service_name="nope")


async def test_pm2_missing_or_broken(tmp_path, monkeypatch):
    with pytest.raises(CheckFailed, match="^Unable to query PM2 process list \\(pm2 is not installed\\).$"):
        await check("pm2", empty_path(tmp_path), system_service_name="web")
    broken = stand_in(tmp_path, "pm2", "import sys, time\ntime.sleep(30)\n", {})
    monkeypatch.setattr(pm2_module, "TIMEOUT", 0.5)
    with pytest.raises(CheckFailed, match="^Unable to query PM2 process list \\(no answer in 5 s\\).$"):
        await check("pm2", broken, system_service_name="web")


def test_pm2_list_parsing():
    listing = json.dumps([{"pm_id": 3, "name": "api", "pm2_env": {"status": "ERRORED"}}, {"pm_id": 4}, {}])
    assert pm2_module.process_list(listing, "") == [
        {"id": "3", "name": "api", "status": "errored"}, {"id": "4", "name": "4", "status": "unknown"}]
    with pytest.raises(CheckFailed, match="^Unexpected PM2 process list output.$"):
        pm2_module.process_list("{}", "")
    with pytest.raises(CheckFailed, match="^Unable to parse PM2 process list output.$"):
        pm2_module.process_list("[PM2] Spawning", "")
