"""Reports and the backup download (issue #21) benchmark: prints figures, asserts nothing.

A fresh kuma with N push monitors (default 200) and H heartbeats written into its database (default
400,000, spread over the monitors at one a minute, so one monitor holds a month and more); then
- `GET /api/v1/monitors/{id}/report` over one month (43,200 beats) as JSON and CSV, R runs (p50/p99);
- `GET /api/v1/backup` while two threads push to the monitors: download time, size, MB/s, and the push
  latency p50/p99 before and during the downloads (the checks are not paused).

    .venv/bin/python scripts/bench/reports_backup.py [--monitors 200] [--beats 400000] [--runs 10]
"""
from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import start_source_server  # noqa: E402
from rest_api import make_key  # noqa: E402

START = datetime(2026, 10, 1, tzinfo=UTC)


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def p50_p99(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def seed(db_path: Path, ids: list[int], beats: int) -> None:
    """`beats` heartbeats, monitor by monitor, one a minute from 2026-10-01 (every 50th DOWN)."""
    conn = sqlite3.connect(db_path, timeout=30)
    per = beats // len(ids)
    with conn:
        for monitor_id in ids:
            conn.executemany(
                "INSERT INTO heartbeat (monitor_id, time, status, msg, ping, important, duration, down_count, retries)"
                " VALUES (?, ?, ?, ?, ?, 0, 60, 0, 0)",
                ((monitor_id, (START + timedelta(minutes=n)).strftime("%Y-%m-%d %H:%M:%S.000"), 0 if n % 50 == 0 else 1,
                  "timeout" if n % 50 == 0 else "OK", None if n % 50 == 0 else 20 + n % 30) for n in range(per)))
    conn.close()


def time_reports(rest: httpx.Client, monitor_id: int, runs: int) -> None:
    params = {"from": "2026-10-01", "to": "2026-10-31"}
    for fmt in ("json", "csv"):
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            answer = rest.get(f"/monitors/{monitor_id}/report", params={**params, "format": fmt})
            times.append((time.perf_counter() - began) * 1000)
            assert answer.status_code == 200, answer.text
        p50, p99 = p50_p99(times)
        print(f"report of one month (43,200 beats, {fmt}): p50 {p50:.0f} ms, p99 {p99:.0f} ms  {load()}")


def pusher(url: str, tokens: list[str], stop: threading.Event, latencies: list[tuple[float, float]]) -> None:
    with httpx.Client(timeout=30) as client:
        n = 0
        while not stop.is_set():
            began = time.perf_counter()
            if client.get(f"{url}/api/push/{tokens[n % len(tokens)]}", params={"msg": "bench"}).status_code == 200:
                latencies.append((time.monotonic(), (time.perf_counter() - began) * 1000))
            n += 1


def time_backups(url: str, rest: httpx.Client, tokens: list[str], runs: int, folder: Path) -> None:
    stop, latencies = threading.Event(), []
    threads = [threading.Thread(target=pusher, args=(url, tokens[i::2], stop, latencies)) for i in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    windows, sizes = [], []
    for n in range(runs):
        began = time.monotonic()
        with rest.stream("GET", "/backup") as answer, open(folder / f"b{n}.db", "wb") as out:
            for chunk in answer.iter_bytes():
                out.write(chunk)
        windows.append((began, time.monotonic()))
        sizes.append((folder / f"b{n}.db").stat().st_size)
        (folder / f"b{n}.db").unlink()
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    during = [ms for t, ms in latencies if any(a <= t <= b for a, b in windows)]
    before = [ms for t, ms in latencies if t < windows[0][0]]
    seconds = [b - a for a, b in windows]
    size_mb = statistics.median(sizes) / 1e6
    print(f"GET /api/v1/backup of {size_mb:.1f} MB: p50 {statistics.median(seconds):.2f} s "
          f"({size_mb / statistics.median(seconds):.0f} MB/s), {runs} runs  {load()}")
    for label, values in (("before", before), ("during the downloads", during)):
        if values:
            p50, p99 = p50_p99(values)
            print(f"push latency {label}: p50 {p50:.1f} ms, p99 {p99:.1f} ms ({len(values)} pushes)  {load()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=200)
    parser.add_argument("--beats", type=int, default=400_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        server, port = start_source_server(data, env={"KUMA_API_RATE_PER_MINUTE": "1000000"})
        try:
            url = f"http://127.0.0.1:{port}"
            key = make_key(url)
            with httpx.Client(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=120) as rest:
                made = [rest.post("/monitors", json={"type": "push", "name": f"bench {n}", "interval": 60}).json()
                        for n in range(args.monitors)]
                seed(data / "kuma.db", [m["id"] for m in made[: max(1, args.beats // 43_200)]], args.beats)
                time_reports(rest, made[0]["id"], args.runs)
                time_backups(url, rest, [m["pushToken"] for m in made], max(3, args.runs // 3), Path(tmp))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)


if __name__ == "__main__":
    main()
