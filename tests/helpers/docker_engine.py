"""A stand-in Docker Engine: Debian's docker.io daemon cannot run here, so this answers the Engine API's
`GET /containers/<name>/json` (and `/containers/json`) over a unix socket or TCP with the real JSON shapes
(`State` with `Status`, `Running`, `Paused`, `Restarting`, optional `Health`; 404 `{"message": …}`).

A container is a list of states: each inspect moves on to the next one (the last one stays), so a test can
show a container that restarts between two checks.
"""
from __future__ import annotations

import json
import socketserver
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def state(status: str = "running", *, health: str | None = None, exit_code: int = 0) -> dict[str, Any]:
    """An inspect `State` object as dockerd 20+ writes it."""
    running = status in ("running", "paused", "restarting")
    out: dict[str, Any] = {
        "Status": status, "Running": running, "Paused": status == "paused",
        "Restarting": status == "restarting", "OOMKilled": False, "Dead": status == "dead",
        "Pid": 4242 if running else 0, "ExitCode": exit_code, "Error": "",
        "StartedAt": "2026-11-26T10:00:00.000000000Z", "FinishedAt": "0001-01-01T00:00:00Z",
    }
    if health is not None:
        out["Health"] = {"Status": health, "FailingStreak": 3 if health == "unhealthy" else 0, "Log": [
            {"Start": "2026-11-26T10:11:00.0Z", "End": "2026-11-26T10:11:00.1Z", "ExitCode": 0, "Output": "ok\n"}]}
    return out


def inspect_body(name: str, container_state: dict[str, Any]) -> dict[str, Any]:
    return {
        "Id": "4fa6e0f0c6786287e131c3852c58a2e01cc697a68231826813597e4994f1d6e2", "Created": "2026-11-26T09:00:00Z",
        "Path": "nginx", "Args": ["-g", "daemon off;"], "State": container_state,
        "Image": "sha256:0b9f4a5", "Name": f"/{name}", "RestartCount": 0, "Driver": "overlay2",
        "Config": {"Hostname": "4fa6e0f0c678", "Image": "nginx:1.27", "Labels": {}},
        "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.2"}}},
    }


class Engine:
    def __init__(self, containers: dict[str, list[dict[str, Any]]]) -> None:
        self.containers = containers
        self.requests: list[str] = []
        self.lock = threading.Lock()

    def answer(self, path: str) -> tuple[int, Any]:
        with self.lock:
            self.requests.append(path)
            if path.startswith("/containers/json"):
                return 200, [{"Id": n, "Names": [f"/{n}"], "ImageID": "sha256:0b9f4a5"} for n in self.containers]
            parts = path.split("/")
            if len(parts) == 4 and parts[1] == "containers" and parts[3] == "json":
                states = self.containers.get(parts[2])
                if states:
                    current = states.pop(0) if len(states) > 1 else states[0]
                    return 200, inspect_body(parts[2], current)
                return 404, {"message": f"No such container: {parts[2]}"}
            return 404, {"message": "page not found"}


def _handler(engine: Engine) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            status, data = engine.answer(self.path)
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Api-Version", "1.43")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 128  # dockerd's backlog is large; 5 would refuse concurrent checks

    def get_request(self):
        request, _ = super().get_request()
        return request, ("local", 0)


@contextmanager
def docker_engine(containers: dict[str, list[dict[str, Any]]], *, socket_path: Path | None = None,
                  tls: ssl.SSLContext | None = None) -> Iterator[tuple[Engine, str]]:
    """(engine, daemon): a unix socket path when `socket_path` is given, else `tcp://127.0.0.1:<port>`
    (`https://localhost:<port>` with `tls`, a server context that may require client certificates, as
    `dockerd --tlsverify` does)."""
    engine = Engine(containers)
    server: socketserver.BaseServer
    if socket_path is not None:
        server = _UnixServer(str(socket_path), _handler(engine))
        daemon = str(socket_path)
    else:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(engine))
        daemon = f"tcp://127.0.0.1:{server.server_address[1]}"
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
            daemon = f"https://localhost:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield engine, daemon
    finally:
        server.shutdown()
        server.server_close()
