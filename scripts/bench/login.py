"""Login burst benchmark: prints figures, asserts nothing.

A fresh kuma.db gets one user, N monitors (default 1,500, paused push monitors so nothing runs) with B
heartbeats each (default 100) and matching stat rows; kuma serves it; a raw WebSocket client speaks
Engine.IO/Socket.IO by hand so every byte is counted, sends `login`, and stops the clock at the login ack
(the whole afterLogin burst arrives before it). Uptime Kuma 2.5.3 took 7.4–8.2 s (10 MB) for 1,500 × 100.

    .venv/bin/python scripts/bench/login.py [--monitors 1500] [--beats 100] [--runs 3] [--rebuild]
        [--profile DIR]

`--rebuild`: before each login after the first, the client adds an unused tag (a non-beat write), so every
login builds its burst again (nothing comes from `app.bursts`): the first build against later ones shows what
a start leaves cold. `--profile DIR`: py-spy records the server during each login (DIR/login-N.txt, collapsed
stacks with thread ids).
"""
from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import start_source_server  # noqa: E402

PASSWORD = "bench-password-1"


def build_database(path: Path, monitors: int, beats: int) -> None:
    import bcrypt
    import trio

    from kuma.store import Database

    async def create():
        db = Database.open(path)
        db.close()

    trio.run(create)
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO user (id, username, password) VALUES (1, 'admin', ?)",
                 (bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10)).decode(),))
    conn.execute("INSERT INTO setting (key, value, type) VALUES ('initServerTimezone', 'true', NULL)")
    conn.execute("INSERT INTO setting (key, value, type) VALUES ('serverTimezone', '\"UTC\"', 'general')")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    for monitor_id in range(1, monitors + 1):
        conn.execute(
            "INSERT INTO monitor (id, name, type, active, user_id, interval, retry_interval, push_token, "
            "accepted_statuscodes_json) VALUES (?, ?, 'push', 0, 1, 60, 60, ?, '[\"200-299\"]')",
            (monitor_id, f"Monitor {monitor_id}", f"token{monitor_id:027d}"),
        )
        rows = []
        for i in range(beats):
            t = now - timedelta(seconds=60 * (beats - i))
            status = 0 if i % 17 == 0 else 1
            rows.append((monitor_id, status, t.strftime("%Y-%m-%d %H:%M:%S.000"), "OK" if status else "down",
                         12.5 + i % 7, 1 if i % 17 in (0, 1) else 0, 60, 0, 0,
                         t.strftime("%Y-%m-%d %H:%M:%S.000")))
        conn.executemany(
            "INSERT INTO heartbeat (monitor_id, status, time, msg, ping, important, duration, down_count, retries, "
            "end_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        minute = int(now.timestamp()) // 60 * 60
        conn.executemany(
            "INSERT INTO stat_minutely (monitor_id, timestamp, ping, ping_min, ping_max, up, down) "
            "VALUES (?, ?, 15, 12, 19, 1, 0)", [(monitor_id, minute - 60 * k) for k in range(beats)])
        conn.execute("INSERT INTO stat_hourly (monitor_id, timestamp, ping, ping_min, ping_max, up, down) "
                     "VALUES (?, ?, 15, 12, 19, 94, 6)", (monitor_id, minute // 3600 * 3600))
        conn.execute("INSERT INTO stat_daily (monitor_id, timestamp, ping, ping_min, ping_max, up, down) "
                     "VALUES (?, ?, 15, 12, 19, 94, 6)", (monitor_id, minute // 86400 * 86400))
    conn.commit()
    conn.close()


def add_unused_tag(port: int, n: int) -> None:
    """Log in and add a tag no monitor has: a non-beat write, so the next login builds its burst anew."""
    ws = connect(port)
    try:
        ws.send("420" + json.dumps(["login", {"username": "admin", "password": PASSWORD, "token": ""}]))
        while not ws.recv().startswith("430"):
            pass
        ws.send("421" + json.dumps(["addTag", {"name": f"rebuild {n}", "color": "#000000"}]))
        while not ws.recv().startswith("431"):
            pass
    finally:
        ws.close()


def connect(port: int):
    """A connected Socket.IO client (raw WebSocket)."""
    import websocket

    ws = websocket.create_connection(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=60,
                                     skip_utf8_validation=True)  # pure-Python UTF-8 checks would dominate
    assert ws.recv().startswith("0")
    ws.send("40")
    while not ws.recv().startswith("40"):
        pass
    return ws


def login_once(port: int) -> tuple[float, int, int, dict[str, int]]:
    """(seconds from login emit to ack, bytes received in between, frames, events by name)."""
    ws = connect(port)
    try:
        payload = json.dumps(["login", {"username": "admin", "password": PASSWORD, "token": ""}])
        started = time.perf_counter()
        ws.send("421" + payload)
        received = frames = 0
        events: dict[str, int] = {}
        while True:
            frame = ws.recv()
            received += len(frame.encode() if isinstance(frame, str) else frame)
            frames += 1
            if frame == "2":
                ws.send("3")
            elif frame.startswith("431"):
                elapsed = time.perf_counter() - started
                reply = json.loads(frame[3:])
                assert reply[0].get("ok"), reply
                return elapsed, received, frames, events
            elif frame.startswith('42["'):  # the event's name only: decoding 37 MB here would load the machine
                name = frame[4:frame.index('"', 4)]
                events[name] = events.get(name, 0) + 1
    finally:
        ws.close()


def start_profile(folder: Path, pid: int, run: int) -> subprocess.Popen:
    """py-spy recording `pid` (every thread, idle ones left out) into folder/login-<run>.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--rate", "250",
                            "--format", "raw", "--threads", "--output", str(folder / f"login-{run}.txt")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # py-spy attaches
    return spy


def stop_profile(spy: subprocess.Popen) -> None:
    spy.send_signal(signal.SIGINT)
    spy.wait(30)


def start_server(data: Path) -> tuple[subprocess.Popen, int]:
    """`python -m kuma serve` on a free port over `data`; returns once it answers."""
    return start_source_server(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=1500)
    parser.add_argument("--beats", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="every login builds its burst anew")
    parser.add_argument("--profile", type=Path, help="py-spy records the server during each login into DIR")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        t0 = time.perf_counter()
        build_database(data / "kuma.db", args.monitors, args.beats)
        print(f"database: {args.monitors} monitors × {args.beats} beats built in {time.perf_counter() - t0:.1f} s")
        server, port = start_server(data)
        try:
            import psutil

            proc = psutil.Process(server.pid)
            for run in range(1, args.runs + 1):
                if args.rebuild and run > 1:
                    add_unused_tag(port, run)
                spy = start_profile(args.profile, server.pid, run) if args.profile else None
                cpu_before, client_before = sum(proc.cpu_times()[:2]), time.process_time()
                elapsed, received, frames, events = login_once(port)
                cpu, client = sum(proc.cpu_times()[:2]) - cpu_before, time.process_time() - client_before
                if spy is not None:
                    stop_profile(spy)
                kind = ("first login, nothing cached" if run == 1 else
                        "again, built anew" if args.rebuild else "again, parts cached (app.bursts)")
                print(f"run {run}, {kind}: login → ack {elapsed:.3f} s, {received / 1e6:.2f} MB in {frames} frames, "
                      f"server CPU {cpu:.3f} s, this client's CPU {client:.3f} s; "
                      f"heartbeatList ×{events.get('heartbeatList', 0)}, "
                      f"uptime ×{events.get('uptime', 0)}, avgPing ×{events.get('avgPing', 0)}")
            print(f"server RSS after the bursts: {proc.memory_info().rss / 2**20:.1f} MB")
            print("issue #14 target: ≤ 1.0 s at 100 beats, ≤ 0.5 s at 1 beat (Uptime Kuma 2.5.3: 7.4–8.2 s, 10 MB)")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)


if __name__ == "__main__":
    main()
