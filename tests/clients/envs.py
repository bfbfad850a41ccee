"""Virtual environments for client packages that cannot share the test venv.

`uptime-kuma-api` 1.2.1, `uptime-kuma-api2` and `uptime-kuma-api-ng` are all the module `uptime_kuma_api`,
and the other packages pin their own dependencies, so each gets a venv of its own, made on first use under
`.cache/client-envs/<name>` with `python -m venv` + pip from the package index. A venv is reused only when
its marker file names exactly the same requirements; if it cannot be made the test fails, loudly.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers.paths import REPO

CACHE = REPO / ".cache" / "client-envs"
MARKER = "kuma-client-env.json"


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise AssertionError(f"{what} failed ({done.returncode}): {' '.join(args)}\n{done.stdout}\n{done.stderr}")


def client_python(name: str, requirements: list[str], *, pip_args: tuple[str, ...] = ()) -> Path:
    """The python of the venv `name` holding exactly `requirements` (pinned `pkg==ver` strings)."""
    home = CACHE / name
    python = home / "bin" / "python"
    wanted = {"requirements": requirements, "pip_args": list(pip_args), "python": sys.version.split()[0]}
    marker = home / MARKER
    if python.exists() and marker.exists() and json.loads(marker.read_text()) == wanted:
        return python
    shutil.rmtree(home, ignore_errors=True)
    home.parent.mkdir(parents=True, exist_ok=True)
    _run([sys.executable, "-m", "venv", str(home)], f"creating the venv for {name}")
    _run([str(python), "-m", "pip", "install", "--quiet", *pip_args, *requirements], f"installing {requirements}")
    marker.write_text(json.dumps(wanted))
    return python


def run_driver(python: Path, driver: str, config: dict, timeout: float = 240) -> dict:
    """Run `tests/clients/drivers/<driver>` with `python`; it prints one line `RESULTS <json>` at its end."""
    script = Path(__file__).parent / "drivers" / driver
    done = subprocess.run([str(python), str(script), json.dumps(config)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULTS ")]
    if done.returncode != 0 or not lines:
        raise AssertionError(f"driver {driver} failed ({done.returncode})\n{done.stdout[-4000:]}\n{done.stderr[-8000:]}")
    return json.loads(lines[-1][len("RESULTS "):])
