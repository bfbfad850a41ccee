"""Start a real kuma server process on 127.0.0.1 for integration tests."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.paths import FIXTURE_DB, REPO
from tests.helpers.waiting import wait_for_http


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_fixture_db(data_dir: Path) -> Path:
    """The shared fixture is read-only: always work on a copy."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / "kuma.db"
    shutil.copyfile(FIXTURE_DB, target)
    target.chmod(0o644)
    return target


@dataclass
class KumaProcess:
    process: subprocess.Popen
    port: int
    data_dir: Path
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"kuma did not stop within {timeout}s on SIGTERM\n{self.log()}")
        return self.process.returncode


#: The env of servers whose wire is compared, event by event, with Uptime Kuma 2.5.3's captures (the transcript
#: replays). 2.5.3 sends no full `monitorList` / `statusPageList` after a change; kuma sends one ~300 ms later
#: for clients made for Uptime Kuma 1.x (kuma/api/legacy_lists.py), which those comparisons would see as an
#: extra event. A test module sets `KUMA_ENV = REPLAY_ENV` and conftest's `kuma_server` /
#: `fixture_kuma_server` start with it.
REPLAY_ENV = {"KUMA_LEGACY_LIST_EVENTS": "0"}


def start_kuma(
    data_dir: Path,
    *,
    command: list[str] | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    extra_args: list[str] = (),
    ready_timeout: float = 30,
    clock_start: str | None = None,
) -> KumaProcess:
    """Start `python -m kuma serve` (or `command`) and wait until it answers HTTP.

    `clock_start` (ISO 8601 or epoch seconds, e.g. `CAPTURE_CLOCK`) pins the server's wall clock there
    (`KUMA_CLOCK_START`): servers compared with the fixture must not depend on today's date."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"kuma-{port}.log"
    base_env = dict(os.environ)
    base_env["PYTHONPATH"] = str(REPO)
    base_env.setdefault("KUMA_LOG_LEVEL", "INFO")
    base_env.pop("KUMA_CLOCK_START", None)
    if clock_start is not None:
        base_env["KUMA_CLOCK_START"] = clock_start
    if env:
        base_env.update(env)
    cmd = command or [sys.executable, "-m", "kuma"]
    args = [*cmd, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir), *extra_args]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(args, cwd=cwd or REPO, env=base_env, stdout=log_file, stderr=subprocess.STDOUT)
    kuma = KumaProcess(process, port, data_dir, log_path)
    try:
        wait_for_http(f"{kuma.url}/api/entry-page", process, ready_timeout, describe=kuma.log)
    except AssertionError:
        kuma.stop()
        raise
    return kuma
