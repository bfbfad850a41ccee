"""Restart with many active monitors: prints figures, asserts nothing.

A kuma.db with N active HTTP monitors (default 1,000 at 60 s) against a local HTTP target, each with an
old beat (as after a restart); `kuma serve` from source starts on it. Prints the time to the first HTTP 200
(app ready) and the server's CPU time (user+sys) until then, then how long until every monitor has stored
its first beat since the start (the boot, behind the listening socket, spreads first checks evenly over
min(0.8 × interval, N × 50 ms)), with the share done at ¼, ½ and one interval, and the load average.
With PYTHONDONTWRITEBYTECODE set and no __pycache__ in the checkout, every start also compiles kuma's
~500 modules (~0.2 s): set PYTHONPYCACHEPREFIX (and unset PYTHONDONTWRITEBYTECODE) to measure what an installed copy does. Uptime Kuma 2.5.3 starts ~1.5 monitors/s (1,000 monitors: ~11 minutes).

    .venv/bin/python scripts/bench/restart.py [--monitors 1000] [--interval 60]
"""
from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import answers_200, free_port  # noqa: E402
from monitors import TARGET_CODE  # noqa: E402


def make_db(path: Path, monitors: int, interval: int, target_port: int) -> None:
    from kuma.store import Database

    Database.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO user (id, username, password) VALUES (1, 'admin', 'x')")
    conn.executemany(
        "INSERT INTO monitor (id, name, type, url, active, user_id, interval, retry_interval, maxretries, "
        "accepted_statuscodes_json, timeout) VALUES (?, ?, 'http', ?, 1, 1, ?, ?, 0, '[\"200-299\"]', 48)",
        [(i, f"m{i}", f"http://127.0.0.1:{target_port}/{i}", interval, interval) for i in range(1, monitors + 1)],
    )
    conn.executemany(
        "INSERT INTO heartbeat (monitor_id, status, msg, time, ping, important, duration, down_count, retries) "
        "VALUES (?, 1, 'old', '2020-01-01 00:00:00.000', 5, 1, 0, 0, 0)",
        [(i,) for i in range(1, monitors + 1)],
    )
    conn.commit()
    conn.close()


def cpu_seconds(pid: int) -> float:
    """user+sys seconds of the process so far (steadier than wall time on a busy machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def checked(path: Path) -> int:
    conn = sqlite3.connect(path, timeout=5)
    try:
        return conn.execute("SELECT count(DISTINCT monitor_id) FROM heartbeat WHERE msg != 'old'").fetchone()[0]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitors", type=int, default=1000)
    parser.add_argument("--interval", type=int, default=60)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    target_port = free_port()
    target = subprocess.Popen([sys.executable, "-c", TARGET_CODE, str(target_port)])
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        make_db(data / "kuma.db", args.monitors, args.interval, target_port)
        port = free_port()
        env = dict(os.environ, PYTHONPATH=str(REPO), KUMA_LOG_LEVEL="WARNING")
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "kuma", "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--data-dir", str(data)], env=env)
        try:
            while not answers_200(port):
                if time.perf_counter() - started > args.interval:
                    raise SystemExit(f"kuma did not answer within {args.interval} s")
                time.sleep(0.005)
            ready = time.perf_counter() - started
            print(f"app ready (first HTTP 200): {ready:.2f} s after the process started, "
                  f"{cpu_seconds(server.pid):.2f} s of CPU")
            marks = {args.interval / 4: None, args.interval / 2: None, float(args.interval): None}
            done_at = None
            while time.perf_counter() - started < args.interval * 1.5:
                count = checked(data / "kuma.db")
                elapsed = time.perf_counter() - started
                for mark in marks:
                    if marks[mark] is None and elapsed >= mark:
                        marks[mark] = count
                if count >= args.monitors:
                    done_at = elapsed
                    break
                time.sleep(0.5)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            target.terminate()
            target.wait()
    for mark, count in marks.items():
        if count is not None:
            print(f"  after {mark:.0f} s: {count}/{args.monitors} monitors checked")
    if done_at is None:
        print(f"NOT every monitor checked within {args.interval * 1.5:.0f} s")
    else:
        print(f"every monitor had its first check {done_at:.1f} s after start (interval {args.interval} s)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
