"""`kuma backup` while the server runs under load, `kuma restore` into a stopped folder: every push the
server acknowledged before the backup began is in the copy, and the copy passes its integrity check."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time

import httpx

from tests.helpers.paths import REPO
from tests.helpers.server import start_kuma
from tests.helpers.sessions import make_keys
from tests.helpers.waiting import wait_until

MONITORS = 200


def _kuma(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kuma", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def _pusher(url: str, tokens: list[tuple[int, str]], acked: list, stop: threading.Event, offset: int) -> None:
    with httpx.Client(timeout=15) as client:
        n = offset
        while not stop.is_set():
            monitor_id, token = tokens[n % len(tokens)]
            msg = f"p{offset}-{n}"
            if client.get(f"{url}/api/push/{token}", params={"status": "up", "msg": msg}).status_code == 200:
                acked.append((time.monotonic(), monitor_id, msg))
            n += 2


def test_backup_under_load_holds_every_acknowledged_push(tmp_path):
    kuma = start_kuma(tmp_path / "data")
    stop = threading.Event()
    try:
        keys = make_keys(kuma.url)
        with httpx.Client(base_url=f"{kuma.url}/api/v1", auth=("", keys.write), timeout=30) as rest:
            made = [rest.post("/monitors", json={"type": "push", "name": f"load {i}", "interval": 20}).json()
                    for i in range(MONITORS)]
            rest.post("/monitors", json={"type": "http", "name": "beating", "interval": 20,
                                          "url": f"{kuma.url}/api/entry-page"})
        tokens = [(m["id"], m["pushToken"]) for m in made]
        acked: list[tuple[float, int, str]] = []
        threads = [threading.Thread(target=_pusher, args=(kuma.url, tokens, acked, stop, i)) for i in range(2)]
        for thread in threads:
            thread.start()
        wait_until(lambda: len(acked) > 20, 60, "pushes acknowledged before the backup")
        began = time.monotonic()
        result = _kuma("backup", str(tmp_path / "copy.db"), "--data-dir", str(kuma.data_dir))
        ended = time.monotonic()  # pushes go on during and after the backup
        wait_until(lambda: any(a[0] > ended for a in acked), 30, "a push acknowledged after the backup")
        stop.set()
        for thread in threads:
            thread.join()
        assert result.returncode == 0, result.stderr
        assert "integrity ok" in result.stdout
        before = {(mid, msg) for t, mid, msg in acked if t < began}
        after = [a for a in acked if a[0] > began]
        assert len(before) > 20 and after, (len(before), len(after))  # really under load, on both sides

        refused = _kuma("restore", str(tmp_path / "copy.db"), "--data-dir", str(kuma.data_dir))
        assert refused.returncode == 1 and "stop the server" in refused.stderr
    finally:
        stop.set()
        kuma.stop()

    restored_dir = tmp_path / "restored"
    done = _kuma("restore", str(tmp_path / "copy.db"), "--data-dir", str(restored_dir))
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(restored_dir / "kuma.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = set(conn.execute("SELECT monitor_id, msg FROM heartbeat"))
        assert conn.execute("SELECT count(*) FROM monitor").fetchone()[0] == MONITORS + 1
    finally:
        conn.close()
    assert before <= stored, sorted(before - stored)[:5]

    kuma = start_kuma(restored_dir)  # the restored folder serves
    try:
        health = httpx.get(f"{kuma.url}/api/v1/health", auth=("", keys.read)).json()
        assert health["ok"] is True and health["activeMonitors"] == MONITORS + 1
    finally:
        kuma.stop()


def test_restore_refuses_a_damaged_or_foreign_file(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = _kuma("restore", str(junk), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 1 and "cannot be restored" in result.stderr
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    result = _kuma("restore", str(other), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 1 and "not an Uptime Kuma database" in result.stderr
    assert not (tmp_path / "d" / "kuma.db").exists()
    missing = _kuma("backup", str(tmp_path / "x.db"), "--data-dir", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "no database" in missing.stderr
