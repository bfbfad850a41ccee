"""Push guarantees under load: an acknowledged push survives the server being killed (SIGKILL, no shutdown),
each monitor's beats are stored in the order they were acknowledged, and the raw ASGI push path answers
every method and conditional request as the Quart route did."""
from __future__ import annotations

import http.client
import sqlite3
import threading
from pathlib import Path

import httpx

from kuma.store.db import Database
from tests.helpers.server import start_kuma
from tests.helpers.waiting import wait_until
from tests.public.conftest import PUSH_TOKEN, fixture_header

CLIENTS = 8
MONITORS_PER_CLIENT = 5


def _push_database(data: Path, monitors: int) -> list[str]:
    data.mkdir(parents=True, exist_ok=True)
    Database.open(data / "kuma.db").close()
    conn = sqlite3.connect(data / "kuma.db")
    conn.execute("INSERT INTO user (username, password, active) VALUES ('admin', 'x', 1)")
    tokens = [f"durable{i:025d}" for i in range(monitors)]
    conn.executemany(
        "INSERT INTO monitor (name, type, active, user_id, interval, push_token) VALUES (?, 'push', 1, 1, 3600, ?)",
        [(f"push {i}", t) for i, t in enumerate(tokens)],
    )
    conn.commit()
    conn.close()
    return tokens


def _pusher(port: int, tokens: list[str], name: str, acked: list[tuple[str, str]], stop: threading.Event) -> None:
    """Push round-robin over this client's own monitors until the server goes away; record each 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    n = 0
    while not stop.is_set():
        token = tokens[n % len(tokens)]
        msg = f"{name}-{n}"
        try:
            conn.request("GET", f"/api/push/{token}?msg={msg}&ping=3")
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            return  # the server was killed
        if resp.status == 200:
            acked.append((token, msg))
        n += 1


def test_kill_under_push_load_loses_no_acknowledged_push_and_keeps_order(tmp_path):
    data = tmp_path / "data"
    tokens = _push_database(data, CLIENTS * MONITORS_PER_CLIENT)
    server = start_kuma(data, env={"KUMA_LOG_LEVEL": "WARNING"})
    acked: list[tuple[str, str]] = []
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=_pusher,
            args=(server.port, tokens[i * MONITORS_PER_CLIENT : (i + 1) * MONITORS_PER_CLIENT], f"c{i}", acked, stop),
        )
        for i in range(CLIENTS)
    ]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: len(acked) >= 400, timeout=60, what="400 acknowledged pushes")
        server.process.kill()  # SIGKILL: no shutdown hook, no final commit
        server.process.wait()
    finally:
        stop.set()
        for t in threads:
            t.join()
    conn = sqlite3.connect(data / "kuma.db")
    rows = conn.execute(
        "SELECT m.push_token, h.msg FROM heartbeat h JOIN monitor m ON m.id = h.monitor_id ORDER BY h.id"
    ).fetchall()
    conn.close()
    stored = {msg for _, msg in rows}
    assert [msg for _, msg in acked if msg not in stored] == []
    for token in tokens:  # one client per monitor, sequential: stored order = acknowledged order
        acked_order = [msg for t, msg in acked if t == token]
        stored_order = [msg for t, msg in rows if t == token]
        assert stored_order[: len(acked_order)] == acked_order


def test_raw_push_path_methods_and_conditional_get(fresh_capture_server):
    url = f"{fresh_capture_server.url}/api/push/{PUSH_TOKEN}"
    head = httpx.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == "11" and head.headers["etag"] == fixture_header("push-ok.json", "etag")
    posted = httpx.post(url, content=b"x" * 5000, params={"msg": "with body"})
    assert posted.status_code == 200 and posted.content == b'{"ok":true}'
    assert posted.headers["x-frame-options"] == "SAMEORIGIN"
    again = httpx.get(url, headers={"If-None-Match": posted.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    nested = httpx.get(f"{url}/more")
    assert nested.status_code == 404 and nested.json() == {"ok": False, "msg": "Not Found"}
    conn = sqlite3.connect(fresh_capture_server.data_dir / "kuma.db")
    msgs = [r[0] for r in conn.execute("SELECT msg FROM heartbeat WHERE monitor_id = 10 ORDER BY id DESC LIMIT 3")]
    conn.close()
    assert msgs == ["OK", "with body", "OK"]  # HEAD, POST and the conditional GET each stored a beat
