"""packaging/kuma.service: valid for systemd, sandboxed, and its environment really runs kuma."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys

from tests.helpers.paths import REPO
from tests.helpers.server import free_port
from tests.helpers.waiting import wait_for_http

UNIT = REPO / "packaging" / "kuma.service"


def parse_unit(text: str) -> dict[str, list[tuple[str, str]]]:
    """Sections → (key, value) pairs in order; keys may repeat (Environment=)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None and "=" in line, f"bad line: {raw!r}"
        key, value = line.split("=", 1)
        current.append((key.strip(), value.strip()))
    return sections


def values(section: list[tuple[str, str]], key: str) -> list[str]:
    return [v for k, v in section if k == key]


def environment(service: list[tuple[str, str]]) -> dict[str, str]:
    env = {}
    for value in values(service, "Environment"):
        name, _, val = value.partition("=")
        env[name] = val
    return env


def test_required_keys():
    unit = parse_unit(UNIT.read_text())
    service = unit["Service"]
    one = lambda key: values(service, key)[-1]  # noqa: E731  (the last assignment wins in systemd)
    assert one("ExecStart").split()[1:] == ["serve"]
    assert one("StateDirectory") == "kuma"
    assert environment(service)["DATA_DIR"] == "%S/kuma"
    assert one("DynamicUser") == "yes" or values(service, "User")
    assert one("Restart") == "on-failure"
    for key, expected in {"ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                          "NoNewPrivileges": "yes"}.items():
        assert one(key) == expected, key
    assert "CAP_NET_RAW" in one("AmbientCapabilities").split()
    assert "CAP_NET_RAW" in one("CapabilityBoundingSet").split()
    assert set(one("RestrictAddressFamilies").split()) == {"AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK"}
    for forbidden in ("PrivateNetwork", "IPAddressDeny", "MemoryDenyWriteExecute"):  # would break checks / cffi
        assert not values(service, forbidden), forbidden
    assert values(unit["Install"], "WantedBy") == ["multi-user.target"]
    assert "network-online.target" in values(unit["Unit"], "After")[0]


def test_systemd_analyze_verify(tmp_path):
    """systemd's own parser: unknown keys or bad values are printed as warnings, so any output fails."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # Debian without the systemd package: test_required_keys is the check
        return
    stub = tmp_path / "kuma"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    text = UNIT.read_text().replace("ExecStart=/usr/local/bin/kuma", f"ExecStart={stub}")
    assert f"ExecStart={stub} serve" in text
    unit = tmp_path / "kuma.service"
    unit.write_text(text)
    out = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    messages = [line for line in (out.stdout + out.stderr).splitlines() if "kuma.service" in line]
    assert out.returncode == 0 and not messages, out.stdout + out.stderr


def test_unit_environment_runs_kuma(tmp_path):
    """kuma started the way the unit starts it (its Environment=, %S expanded) keeps its data in %S/kuma."""
    state = tmp_path / "state"
    env = {k: v.replace("%S", str(state)) for k, v in environment(parse_unit(UNIT.read_text())["Service"]).items()}
    port = free_port()
    env |= {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "UPTIME_KUMA_PORT": str(port), "UPTIME_KUMA_HOST": "127.0.0.1"}
    (state / "kuma").mkdir(parents=True)  # systemd creates StateDirectory before the start
    process = subprocess.Popen([sys.executable, "-m", "kuma", "serve"], cwd=state / "kuma", env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        answer = wait_for_http(f"http://127.0.0.1:{port}/api/entry-page", process, 30,
                               describe=lambda: process.stderr.read().decode() if process.poll() is not None else "")
        assert answer.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    assert (state / "kuma" / "kuma.db").is_file()
