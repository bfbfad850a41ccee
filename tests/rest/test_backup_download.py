"""`GET /api/v1/backup` under load (push monitors receiving pushes, HTTP monitors beating): the download is a
SQLite file that passes `PRAGMA integrity_check` and holds every push acknowledged before the request; it
needs a read-write key or the dashboard's one-time token (got over a logged-in socket), never nothing."""
from __future__ import annotations

import re
import sqlite3
import threading
import time

import httpx

from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import start_kuma
from tests.helpers.sessions import USER, connected, make_keys
from tests.helpers.waiting import wait_until
from tests.rest.test_backup import _pusher

MONITORS = 100
NAME = re.compile(r'attachment; filename="kuma-backup-20261126-\d{6}\.db"')


def _download(client: httpx.Client, target, **params) -> httpx.Response:
    with client.stream("GET", "/backup", params=params) as answer:
        if answer.status_code == 200:
            with open(target, "wb") as out:
                for chunk in answer.iter_bytes():
                    out.write(chunk)
        else:
            answer.read()
        return answer


def _stored(path) -> tuple[set[tuple[int, str]], int]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return set(conn.execute("SELECT monitor_id, msg FROM heartbeat")), conn.execute(
            "SELECT count(*) FROM monitor").fetchone()[0]
    finally:
        conn.close()


def test_download_under_load_holds_every_acknowledged_push(tmp_path):
    kuma = start_kuma(tmp_path / "data", clock_start=CAPTURE_CLOCK)
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        keys = make_keys(kuma.url)
        with httpx.Client(base_url=f"{kuma.url}/api/v1", auth=("", keys.write), timeout=60) as rest:
            made = [rest.post("/monitors", json={"type": "push", "name": f"push {i}", "interval": 20}).json()
                    for i in range(MONITORS)]
            for i in range(3):
                rest.post("/monitors", json={"type": "http", "name": f"beating {i}", "interval": 20,
                                              "url": f"{kuma.url}/api/entry-page"})
            acked: list[tuple[float, int, str]] = []
            tokens = [(m["id"], m["pushToken"]) for m in made]
            threads = [threading.Thread(target=_pusher, args=(kuma.url, tokens, acked, stop, i)) for i in range(2)]
            for thread in threads:
                thread.start()
            wait_until(lambda: len(acked) > 20, 60, "pushes acknowledged before the download")
            began = time.monotonic()
            answer = _download(rest, tmp_path / "by-key.db")
            ended = time.monotonic()
            wait_until(lambda: any(a[0] > ended for a in acked), 30, "a push acknowledged after the download")
            stop.set()
            for thread in threads:
                thread.join()
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/vnd.sqlite3"
        assert NAME.fullmatch(answer.headers["content-disposition"]), answer.headers["content-disposition"]
        assert int(answer.headers["content-length"]) == (tmp_path / "by-key.db").stat().st_size
        stored, monitors = _stored(tmp_path / "by-key.db")
        before = {(mid, msg) for t, mid, msg in acked if t < began}
        assert len(before) > 20 and [a for a in acked if a[0] > ended], "pushes went on before and after"
        assert before <= stored, sorted(before - stored)[:5]
        assert monitors == MONITORS + 3
        assert not list(kuma.data_dir.glob(".kuma-download-*")), "the temporary copy is gone"
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        kuma.stop()


def test_token_once_and_never_without_auth(tmp_path, server):
    with connected(server.url) as client:
        assert client.call("getBackupDownloadToken")[0]["ok"] is False  # not logged in yet
        assert client.call("login", USER)[0]["ok"] is True
        ack = client.call("getBackupDownloadToken")[0]
    assert ack["ok"] is True and ack["url"] == f"/api/v1/backup?token={ack['token']}"
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as anonymous:
        first = _download(anonymous, tmp_path / "by-token.db", token=ack["token"])
        assert first.status_code == 200
        assert _stored(tmp_path / "by-token.db")[1] >= 0
        again = _download(anonymous, tmp_path / "again.db", token=ack["token"])
        assert again.status_code == 401 and again.json() == {"ok": False, "msg": "Invalid or expired download token"}
        nothing = _download(anonymous, tmp_path / "nothing.db")
        assert nothing.status_code == 401 and nothing.json()["ok"] is False
        guessed = _download(anonymous, tmp_path / "guess.db", token="x" * 43)
        assert guessed.status_code == 401
        read_only = anonymous.get("/backup", headers={"Authorization": f"Bearer {server.keys.read}"})
        assert read_only.status_code == 403 and read_only.json()["msg"] == "This API key is read-only"
    assert not (tmp_path / "again.db").exists() and not (tmp_path / "nothing.db").exists()
