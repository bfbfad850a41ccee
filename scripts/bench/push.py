#!/usr/bin/env python3
"""Push and status page throughput of a real kuma server. Prints figures; asserts nothing.

1,000 push monitors, 50 concurrent clients (keep-alive connections spread over worker processes)
for 20 s: requests/s, p50/p99 latency, and lost pushes (acknowledged with 200 but not in the database
afterwards). Then the time to answer `/api/status-page/:slug` and `/api/status-page/heartbeat/:slug`
for a page with 200 monitors, 100 beats each.

    .venv/bin/python scripts/bench/push.py [--seconds 20] [--clients 50] [--monitors 1000]
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.helpers.server import start_kuma  # noqa: E402

PAGE_MONITORS = 200
BEATS_PER_MONITOR = 100


def make_database(data_dir: Path, monitors: int) -> list[str]:
    """A fresh kuma.db with `monitors` push monitors and one status page holding 200 of them."""
    from kuma.store.db import Database

    data_dir.mkdir(parents=True, exist_ok=True)
    Database.open(data_dir / "kuma.db").close()  # creates the schema
    conn = sqlite3.connect(data_dir / "kuma.db")
    conn.execute("INSERT INTO user (username, password, active) VALUES ('admin', 'x', 1)")
    tokens = [f"bench{i:027d}" for i in range(monitors)]
    conn.executemany(
        "INSERT INTO monitor (name, type, active, user_id, interval, push_token) VALUES (?, 'push', 1, 1, 3600, ?)",
        [(f"push {i}", t) for i, t in enumerate(tokens)],
    )
    conn.execute(
        "INSERT INTO status_page (slug, title, icon, theme, published) VALUES ('bench', 'Bench', '', 'auto', 1)"
    )
    page_id = conn.execute("SELECT id FROM status_page WHERE slug = 'bench'").fetchone()[0]
    for g in range(4):
        conn.execute("INSERT INTO [group] (name, public, weight, status_page_id) VALUES (?, 1, ?, ?)", (f"g{g}", g + 1, page_id))
    groups = [r[0] for r in conn.execute("SELECT id FROM [group] ORDER BY id")]
    ids = [r[0] for r in conn.execute("SELECT id FROM monitor ORDER BY id LIMIT ?", (PAGE_MONITORS,))]
    conn.executemany(
        "INSERT INTO monitor_group (monitor_id, group_id, weight) VALUES (?, ?, ?)",
        [(mid, groups[i % len(groups)], i) for i, mid in enumerate(ids)],
    )
    now = int(time.time())
    beats = []
    for mid in ids:
        for k in range(BEATS_PER_MONITOR):
            t = now - (BEATS_PER_MONITOR - k) * 60
            beats.append((mid, 1, "OK", time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime(t)), random.randint(1, 50)))
    conn.executemany("INSERT INTO heartbeat (monitor_id, status, msg, time, ping) VALUES (?, ?, ?, ?, ?)", beats)
    minute = now // 60 * 60
    conn.executemany(
        "INSERT INTO stat_minutely (monitor_id, timestamp, ping, up, down) VALUES (?, ?, 10, 1, 0)",
        [(mid, minute - m * 60) for mid in ids for m in range(1, BEATS_PER_MONITOR + 1)],
    )
    conn.commit()
    conn.close()
    return tokens


def _client_thread(port: int, tokens: list[str], deadline: float, out: list, acked: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = 0
    while time.monotonic() < deadline:
        token = random.choice(tokens)
        msg = f"b{threading.get_ident()}-{n}"
        n += 1
        start = time.perf_counter()
        try:
            conn.request("GET", f"/api/push/{token}?status=up&msg={msg}&ping=5")
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        out.append(time.perf_counter() - start)
        if resp.status == 200:
            acked.append(msg)
    conn.close()


def _worker(port: int, tokens: list[str], clients: int, seconds: float, queue) -> None:
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    acked: list[str] = []
    threads = [
        threading.Thread(target=_client_thread, args=(port, tokens, deadline, latencies, acked)) for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((latencies, acked))


def run_push_load(port: int, tokens: list[str], clients: int, seconds: float) -> tuple[list[float], list[str], float]:
    procs = max(1, min(multiprocessing.cpu_count(), 10, clients))
    per = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_worker, args=(port, tokens, n, seconds, queue)) for n in per if n]
    started = time.perf_counter()
    for w in workers:
        w.start()
    latencies: list[float] = []
    acked: list[str] = []
    for _ in workers:
        lat, ack = queue.get()
        latencies += lat
        acked += ack
    for w in workers:
        w.join()
    return latencies, acked, time.perf_counter() - started


def time_get(port: int, path: str, repeat: int = 20) -> tuple[float, float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        size = len(resp.read())
        times.append(time.perf_counter() - start)
    conn.close()
    return statistics.median(times), max(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--monitors", type=int, default=1000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        tokens = make_database(data, args.monitors)
        server = start_kuma(data, env={"KUMA_LOG_LEVEL": "WARNING"})
        try:
            for path in ("/api/status-page/bench", "/api/status-page/heartbeat/bench"):
                median, worst, size = time_get(server.port, path)
                print(f"GET {path}: median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms ({size} bytes, {PAGE_MONITORS} monitors)")
            latencies, acked, elapsed = run_push_load(server.port, tokens, args.clients, args.seconds)
        finally:
            server.stop()
        conn = sqlite3.connect(data / "kuma.db")
        stored = {r[0] for r in conn.execute("SELECT msg FROM heartbeat WHERE msg LIKE 'b%-%'")}
        conn.close()
    latencies.sort()
    lost = sum(1 for m in acked if m not in stored)
    if latencies:
        p50 = latencies[len(latencies) // 2] * 1000
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    else:
        p50 = p99 = float("nan")
    print(
        f"push: {len(latencies)} requests by {args.clients} clients over {args.monitors} monitors in {elapsed:.1f} s: "
        f"{len(latencies) / elapsed:.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"acknowledged {len(acked)}, lost {lost}"
    )


if __name__ == "__main__":
    main()
