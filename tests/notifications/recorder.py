"""A local HTTP server on 127.0.0.1 that records every request (stand-in for internet services)."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: list[tuple[str, str]]
    body: bytes
    target: str = ""  # the request target as sent (absolute-form when the recorder acts as a proxy)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self):
        return json.loads(self.body)

    @property
    def raw_path(self) -> str:
        return self.path


@dataclass
class Recorder:
    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    #: (status, body, content type) answered to every request; tests may change it
    reply: tuple[int, str, str] = (200, '{"ok":true}', "application/json")
    #: per-path replies (path without query) that win over `reply`
    routes: dict[str, tuple[int, str, str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Recorded]:
        import time

        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_recorder() -> Recorder:
    holder: dict[str, Recorder] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            rec = holder["r"]
            rec.requests.append(Recorded(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                                         list(self.headers.items()), body, self.path))
            status, text, ctype = rec.routes.get(parts.path, rec.reply)
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    recorder = Recorder(server)
    holder["r"] = recorder
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return recorder
