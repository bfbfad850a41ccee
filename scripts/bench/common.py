"""What the benchmark scripts share: a free loopback port, the "is kuma answering" probe, and starting
`python -m kuma serve` from this checkout. Scripts run as `python scripts/bench/x.py`, so this folder is
on `sys.path` and they import it as `common`."""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers_200(port: int) -> bool:
    """Whether kuma on 127.0.0.1:port answers `/api/entry-page` with 200 (it is up and serving)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", "/api/entry-page")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def start_source_server(data: Path, env: dict[str, str] | None = None,
                        timeout: float = 60, stdout: Any = None) -> tuple[subprocess.Popen, int]:
    """`python -m kuma serve` of this checkout on a free port over `data`; returns once it answers."""
    port = free_port()
    full_env = dict(os.environ, PYTHONPATH=str(REPO), KUMA_LOG_LEVEL=os.environ.get("KUMA_LOG_LEVEL", "WARNING"))
    full_env.update(env or {})
    server = subprocess.Popen([sys.executable, "-m", "kuma", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--data-dir", str(data)], env=full_env, stdout=stdout,
                              stderr=subprocess.STDOUT if stdout is not None else None)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"kuma exited with {server.returncode}")
        if answers_200(port):
            return server, port
        time.sleep(0.1)
    server.kill()
    raise SystemExit(f"kuma did not answer within {timeout:g} s")
