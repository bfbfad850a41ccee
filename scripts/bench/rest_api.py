"""REST API v1 benchmark: prints figures, asserts nothing.

A fresh kuma; one user and a read-write API key (over Socket.IO, as the dashboard makes them); then
N monitors (default 1,000) created one by one with `POST /api/v1/monitors` (total time), again until there
are 2,000, and `GET /api/v1/monitors` timed R times (p50/p99) for a page of 100 and of 1,000.
Push monitors, so nothing probes the network. The per-key rate limit is lifted for the run.

    .venv/bin/python scripts/bench/rest_api.py [--create 1000] [--total 2000] [--runs 50]
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import start_source_server  # noqa: E402


def make_key(url: str) -> str:
    client = socketio.Client(reconnection=False)
    client.connect(url, transports=["websocket"], wait_timeout=10)
    try:
        assert client.call("setup", ("admin", "bench-password-1"), timeout=30)["ok"]
        assert client.call("login", {"username": "admin", "password": "bench-password-1", "token": ""}, timeout=30)["ok"]
        ack = client.call("addAPIKey", {"name": "bench", "expires": None, "active": True, "scope": "write"}, timeout=30)
        return ack["key"]
    finally:
        client.disconnect()


def create(rest: httpx.Client, start: int, count: int) -> float:
    began = time.perf_counter()
    for n in range(start, start + count):
        reply = rest.post("/monitors", json={"type": "push", "name": f"bench {n}", "interval": 60})
        assert reply.status_code == 201, reply.text
    return time.perf_counter() - began


def percentiles(rest: httpx.Client, params: dict, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        assert rest.get("/monitors", params=params).status_code == 200
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--create", type=int, default=1000)
    parser.add_argument("--total", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server, port = start_source_server(Path(tmp) / "data", env={"KUMA_API_RATE_PER_MINUTE": "1000000"})
        try:
            url = f"http://127.0.0.1:{port}"
            key = make_key(url)
            with httpx.Client(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=60) as rest:
                seconds = create(rest, 0, args.create)
                print(f"create {args.create} monitors via POST /api/v1/monitors: {seconds:.1f} s "
                      f"({seconds / args.create * 1000:.1f} ms each)  load {os.getloadavg()[0]:.1f}")
                create(rest, args.create, max(0, args.total - args.create))
                for limit in (100, 1000):
                    p50, p99 = percentiles(rest, {"limit": limit}, args.runs)
                    print(f"GET /api/v1/monitors?limit={limit} with {args.total} monitors: p50 {p50:.0f} ms, "
                          f"p99 {p99:.0f} ms  load {os.getloadavg()[0]:.1f}")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)


if __name__ == "__main__":
    main()
