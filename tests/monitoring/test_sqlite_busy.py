"""Issue #16: another process holding the database's write lock (a backup, `sqlite3` in a shell, an SD
card's slow fsync) makes beats wait, never lost and never DOWN; a push during the lock is answered once
the lock is gone. A real server, real HTTP monitors against a local target, a real second process."""
from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import threading
import time

import httpx

from tests.helpers.server import start_kuma
from tests.helpers.sessions import logged_in
from tests.helpers.targets import Reply, Request, http_target
from tests.helpers.waiting import wait_until

LOCK_SECONDS = 10
#: holds BEGIN IMMEDIATE (the write lock) on the database, says "locked", lets go after LOCK_SECONDS
LOCKER = """import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def _beats(db_path, monitor_id: int) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT status, msg, time, end_time FROM heartbeat WHERE monitor_id = ? ORDER BY id",
                            (monitor_id,)).fetchall()
    finally:
        conn.close()


def _push_id(db_path) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT id FROM monitor WHERE type = 'push'").fetchone()[0]
    finally:
        conn.close()


def _epoch(stored: str) -> float:
    return dt.datetime.strptime(stored, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=dt.UTC).timestamp()


def _add_monitors(url: str, target_url: str, paths: list[str]) -> tuple[dict[str, int], str]:
    """HTTP monitors beating every 2 s (the Python client refuses under 20 s; the server takes 1 s, as Uptime
    Kuma does) and one push monitor; returns {path: monitor id} and the push token."""
    with logged_in(url, "busy-Passw0rd", setup=True) as client:
        ids = {}
        for path in paths:
            reply = client.call("add", {"type": "http", "name": path, "url": target_url + path, "interval": 2,
                                        "retryInterval": 2, "maxretries": 0, "accepted_statuscodes": ["200-299"],
                                        "notificationIDList": {}})[0]
            assert reply["ok"], reply
            ids[path] = reply["monitorID"]
        token = "busy-push-token-1"
        reply = client.call("add", {"type": "push", "name": "cron", "interval": 60, "pushToken": token,
                                    "accepted_statuscodes": ["200-299"], "notificationIDList": {}})[0]
        assert reply["ok"], reply
        return ids, token


def test_a_write_lock_held_elsewhere_loses_no_beat_and_makes_no_down(tmp_path):
    server = start_kuma(tmp_path / "data")
    db_path = tmp_path / "data" / "kuma.db"
    hits: dict[str, list[float]] = {}  # path → when each check reached the target (this machine's clock)
    guard = threading.Lock()

    def answer(req: Request) -> Reply:
        with guard:
            hits.setdefault(req.path, []).append(time.time())
        return Reply(200, "ok")

    try:
        with http_target() as web:
            monitors = {f"/m{n}": 0 for n in range(4)}
            for path in monitors:
                web.routes[path] = answer
            monitors, token = _add_monitors(server.url, web.url, list(monitors))
            wait_until(lambda: all(_beats(db_path, m) for m in monitors.values()), 30, "a first beat of each")

            locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(db_path), str(LOCK_SECONDS)],
                                      stdout=subprocess.PIPE, text=True)
            assert locker.stdout.readline() == "locked\n"
            before = {m: len(_beats(db_path, m)) for m in monitors.values()}
            # a push while the lock is held: answered (after the lock), not a 503 "database is locked"
            pushed = httpx.get(f"{server.url}/api/push/{token}", params={"status": "up", "msg": "during lock"},
                               timeout=LOCK_SECONDS * 6)
            assert pushed.status_code == 200 and pushed.json() == {"ok": True}, pushed.text
            assert locker.wait(LOCK_SECONDS * 3) == 0
            # each monitor beats on after the lock: two more beats stored than before it
            wait_until(lambda: all(len(_beats(db_path, m)) >= before[m] + 2 for m in monitors.values()), 60,
                       f"beats after the lock\n{server.log()[-3000:]}", interval=0.2)
    finally:
        code = server.stop()
    log = server.log()
    assert code == 0, log[-3000:]
    assert "database is locked by another process" in log  # the lock did stand in the writer's way
    assert "beat failed" not in log and "write batch" not in log, log[-3000:]
    assert [b[:2] for b in _beats(db_path, _push_id(db_path))] == [(1, "during lock")]
    for path, monitor_id in monitors.items():
        beats = _beats(db_path, monitor_id)
        assert {status for status, *_ in beats} == {1}, beats  # never DOWN (0) nor PENDING (2)
        # no beat lost: every check that reached the target before the last stored beat ended is stored
        # (a check still under way when the server stopped may have no beat; it is not counted). Stored times
        # are truncated to the millisecond, so a check answered within 1 ms of its beat's end still counts.
        last_end = _epoch(beats[-1][3])
        answered = [t for t in hits[path] if t < last_end + 0.001]
        assert len(beats) == len(answered) > before[monitor_id] + 1, (path, len(beats), len(answered))
