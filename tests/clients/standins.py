"""What the client tests point kuma at, all on 127.0.0.1: an HTTP and an HTTPS target for monitors, a
webhook receiver (for `test_notification`), a Docker Engine API answering `GET /containers/json` (for
`test_docker_host`), and a `chromium` whose `--version` answers as Chromium does (for `test_chrome`)."""
from __future__ import annotations

import json
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tests.helpers.targets import HttpTarget, Reply, default_routes, http_target, make_cert

CONTAINERS = [{"Id": "c1", "Names": ["/web"], "State": "running"}, {"Id": "c2", "Names": ["/db"], "State": "exited"}]
CHROME_VERSION = "131.0.6778.85"


@dataclass
class StandIns:
    web: HttpTarget
    tls: HttpTarget
    chrome: Path

    def config(self) -> dict[str, str]:
        return {"http": self.web.url + "/", "https": self.tls.url + "/", "hook": self.web.url + "/hook",
                "docker": self.web.url, "chrome": str(self.chrome)}

    def hook_bodies(self) -> list[dict]:
        return [json.loads(r.body) for r in self.web.requests if r.path == "/hook" and r.method == "POST"]


def fake_chromium(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "chromium"
    path.write_text(f"#!/bin/sh\necho 'Chromium {CHROME_VERSION} built on Debian'\n")
    path.chmod(0o755)
    return path


@contextmanager
def stand_ins(folder: Path) -> Iterator[StandIns]:
    routes = {**default_routes(), "/hook": Reply(200, '{"ok":true}', {"Content-Type": "application/json"}),
              "/containers/json": Reply(200, json.dumps(CONTAINERS), {"Content-Type": "application/json"})}
    with ExitStack() as stack:
        web = stack.enter_context(http_target(routes))
        tls = stack.enter_context(http_target(tls=make_cert(directory=folder / "cert")))
        yield StandIns(web, tls, fake_chromium(folder / "bin"))
