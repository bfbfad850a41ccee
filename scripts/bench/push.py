#!/usr/bin/env python3
"""Push and status page throughput of a real kuma server. Prints figures; asserts nothing.

1,000 push monitors, 50 concurrent keep-alive clients for 20 s, round-robin over the tokens: requests/s,
p50/p99 latency, server CPU, and lost pushes (acknowledged with 200 but not in the database afterwards).
The load comes from `wrk -t1 -c50` when wrk is installed (`apt-get install wrk`; lost = acknowledged
count minus stored count), else from Python clients in worker processes (lost per message; the clients
then take much of the machine). `--socket` keeps one logged-in dashboard socket attached during the
load (every push then emits heartbeat/avgPing/uptime events to it); `--ceiling` first measures a
hello-world raw ASGI app on Hypercorn's Trio worker under the same load, i.e. what the stack can do on
this machine right now. Then the time to answer `/api/status-page/:slug` and
`/api/status-page/heartbeat/:slug` for a page with 200 monitors, 100 beats each.

`--profile out.svg` records the server with py-spy (from the venv) during the load.

    .venv/bin/python scripts/bench/push.py [--seconds 20] [--clients 50] [--monitors 1000] [--socket] [--ceiling]
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.helpers.server import start_kuma  # noqa: E402

PASSWORD = "bench-password-1"
PAGE_MONITORS = 200
BEATS_PER_MONITOR = 100


def make_database(data_dir: Path, monitors: int) -> list[str]:
    """A fresh kuma.db with `monitors` push monitors and one status page holding 200 of them."""
    from kuma.store.db import Database

    data_dir.mkdir(parents=True, exist_ok=True)
    Database.open(data_dir / "kuma.db").close()  # creates the schema
    conn = sqlite3.connect(data_dir / "kuma.db")
    import bcrypt

    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10)).decode()
    conn.execute("INSERT INTO user (username, password, active) VALUES ('admin', ?, 1)", (hashed,))
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


def time_get(port: int, path: str, repeat: int = 20) -> tuple[float, float, float, int]:
    """(first, median, max) seconds and the body size: the first request builds what later ones reuse."""
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
    return times[0], statistics.median(times), max(times), size


WRK_SCRIPT = """
local n = %d
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", string.format("/api/push/bench%%027d?status=up&msg=w%%d&ping=5", i %% n, i))
end
"""


def run_wrk(port: int, monitors: int, clients: int, seconds: float, tmp: Path) -> dict[str, float]:
    """`wrk -t1 -cN` round-robin over the tokens: requests, non-2xx, requests/s, p50/p99 in ms."""
    script = tmp / "push.lua"
    script.write_text(WRK_SCRIPT % monitors)
    out = subprocess.run(["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    def ms(label: str) -> float:
        value = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if value is None:
            return float("nan")
        return float(value.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[value.group(2)]
    total = re.search(r"(\d+) requests in", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests": float(total.group(1)) if total else 0.0, "rate": float(rate.group(1)) if rate else 0.0,
            "non2xx": float(non2xx.group(1)) if non2xx else 0.0, "p50": ms("50%"), "p99": ms("99%")}


HELLO_APP = """
import sys, trio
from hypercorn.config import Config
from hypercorn.trio import serve
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", b"11")]})
    await send({"type": "http.response.body", "body": b'{"ok":true}'})
config = Config()
config.bind = [f"127.0.0.1:{sys.argv[1]}"]
config.accesslog = None
trio.run(serve, app, config)
"""


def measure_ceiling(monitors: int, clients: int, seconds: float, tmp: Path) -> dict[str, float]:
    """Hello-world JSON at /api/push/<token> on Hypercorn's Trio worker, raw ASGI, same wrk load."""
    from common import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", HELLO_APP, str(port)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        return run_wrk(port, monitors, clients, seconds, tmp)
    finally:
        proc.terminate()
        proc.wait()


def attach_dashboard_socket(port: int, stop: threading.Event, counts: dict[str, int]) -> threading.Thread:
    """One logged-in Socket.IO client (raw Engine.IO over a WebSocket) reading every event until `stop`."""
    import websocket

    ws = websocket.create_connection(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=60,
                                     skip_utf8_validation=True)
    assert ws.recv().startswith("0")
    ws.send("40")
    while not ws.recv().startswith("40"):
        pass
    ws.send("421" + json.dumps(["login", {"username": "admin", "password": PASSWORD, "token": ""}]))
    while not (frame := ws.recv()).startswith("431"):
        if frame == "2":
            ws.send("3")
    assert json.loads(frame[3:])[0].get("ok"), frame

    def read() -> None:
        ws.settimeout(0.5)
        while not stop.is_set():
            try:
                frame = ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (OSError, websocket.WebSocketException):
                return
            if frame == "2":
                ws.send("3")
            elif frame.startswith("42"):
                name = frame[2:].split(",", 1)[0].strip('["')
                counts[name] = counts.get(name, 0) + 1
        ws.close()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def start_profile(svg: str, pid: int, seconds: float) -> subprocess.Popen:
    """py-spy (next to this interpreter) recording the server's threads for the load's duration."""
    spy = Path(sys.executable).with_name("py-spy")
    fmt = "flamegraph" if svg.endswith(".svg") else "raw"  # raw: collapsed stacks, one per line
    return subprocess.Popen([str(spy), "record", "--threads", "--format", fmt, "-o", svg, "--pid", str(pid),
                             "--duration", str(max(1, int(seconds) - 1))], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stored_messages(data: Path, prefix: str) -> set[str]:
    conn = sqlite3.connect(data / "kuma.db")
    stored = {r[0] for r in conn.execute("SELECT msg FROM heartbeat WHERE msg LIKE ?", (prefix + "%",))}
    conn.close()
    return stored


def push_phase(args: argparse.Namespace, data: Path, port: int, tokens: list[str], tmp: Path) -> str:
    """Run the load against a started server; the figures line (lost counted once the server stopped)."""
    if shutil.which("wrk"):
        fig = run_wrk(port, args.monitors, args.clients, args.seconds, tmp)
        return (f"push (wrk -t1 -c{args.clients} -d{args.seconds:g}s): {fig['requests']:.0f} requests, "
                f"{fig['rate']:.0f} requests/s, p50 {fig['p50']:.1f} ms, p99 {fig['p99']:.1f} ms, "
                f"acknowledged {fig['requests'] - fig['non2xx']:.0f}"), fig["requests"] - fig["non2xx"]
    latencies, acked, elapsed = run_push_load(port, tokens, args.clients, args.seconds)
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else float("nan")
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else float("nan")
    return (f"push (Python clients): {len(latencies)} requests in {elapsed:.1f} s, {len(latencies) / elapsed:.0f} "
            f"requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, acknowledged {len(acked)}"), acked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--monitors", type=int, default=1000)
    parser.add_argument("--socket", action="store_true", help="keep one logged-in dashboard socket attached")
    parser.add_argument("--ceiling", action="store_true", help="first measure a hello-world app on the same stack")
    parser.add_argument("--profile", metavar="SVG", help="record the server with py-spy during the load")
    args = parser.parse_args()
    import psutil

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.ceiling and shutil.which("wrk"):
            fig = measure_ceiling(args.monitors, args.clients, args.seconds, tmp)
            print(f"ceiling (hello-world raw ASGI, Hypercorn Trio): {fig['rate']:.0f} requests/s, p99 {fig['p99']:.1f} ms")
        data = tmp / "data"
        tokens = make_database(data, args.monitors)
        server = start_kuma(data, env={"KUMA_LOG_LEVEL": "WARNING"})
        stop = threading.Event()
        counts: dict[str, int] = {}
        try:
            for path in ("/api/status-page/bench", "/api/status-page/heartbeat/bench"):
                first, median, worst, size = time_get(server.port, path)
                print(f"GET {path}: first {first * 1000:.1f} ms, median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms "
                      f"({size} bytes, {PAGE_MONITORS} monitors)")
            reader = attach_dashboard_socket(server.port, stop, counts) if args.socket else None
            proc = psutil.Process(server.process.pid)
            spy = start_profile(args.profile, server.process.pid, args.seconds) if args.profile else None
            cpu_before, started = sum(proc.cpu_times()[:2]), time.perf_counter()
            line, acked = push_phase(args, data, server.port, tokens, tmp)
            cpu_seconds = sum(proc.cpu_times()[:2]) - cpu_before
            cpu = cpu_seconds / (time.perf_counter() - started)
            if spy is not None:
                spy.wait(30)
            stop.set()
            if reader is not None:
                reader.join(5)
        finally:
            server.stop()
        if isinstance(acked, list):
            stored = stored_messages(data, "b")
            lost = sum(1 for m in acked if m not in stored)
        else:
            lost = max(0, int(acked) - len(stored_messages(data, "w")))
    extra = f", socket received {counts.get('heartbeat', 0)} heartbeat events" if args.socket else ""
    print(f"{line}, lost {lost}; server CPU {cpu * 100:.0f} % of one core ({cpu_seconds:.1f} CPU-s){extra}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
