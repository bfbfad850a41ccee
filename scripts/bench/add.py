"""Creating monitors over Socket.IO, one `add` at a time: prints figures, asserts nothing.

A fresh kuma.db with one user; kuma serves it; a raw WebSocket client logs in and sends N `add` events
(default 1,000), each waiting for its ack before the next, as the dashboard's form does. Prints the total
time, the per-add round trip (median, p99), the server CPU, the frames the client received meanwhile
(the list updates the room gets), and the load average. `--type http` (default) adds HTTP monitors at
60 s against a closed local port; their first checks are held while the adds come in a burst
(kuma/monitoring/first_checks.py), so the bench then waits for every monitor's first `heartbeat` and prints
when the last one came (after the last ack) and the server CPU until then; `--type push` adds push monitors
(nothing checks within the run). `--no-legacy-lists` turns off the coalesced full `monitorList` kuma
sends for clients made for 1.x (kuma/api/legacy_lists.py). Uptime Kuma 2.5.3 took 7.4 s for 1,000.

    .venv/bin/python scripts/bench/add.py [--monitors 1000] [--type http|push] [--no-legacy-lists]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import free_port, start_source_server  # noqa: E402

PASSWORD = "bench-password-1"


def build_database(path: Path) -> None:
    import sqlite3

    import bcrypt

    from kuma.store import Database

    Database.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO user (id, username, password) VALUES (1, 'admin', ?)",
        (bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10)).decode(),),
    )
    conn.commit()
    conn.close()


def monitor_payload(kind: str, i: int, closed_port: int) -> dict:
    """What the dashboard's form sends for a new monitor (the keys that matter; the rest default)."""
    base = {
        "name": f"bench {i}",
        "type": kind,
        "interval": 60,
        "retryInterval": 60,
        "maxretries": 0,
        "notificationIDList": {},
        "accepted_statuscodes": ["200-299"],
        "active": True,
    }
    if kind == "http":
        base.update(url=f"http://127.0.0.1:{closed_port}/{i}", method="GET", timeout=48)
    else:
        base.update(pushToken=f"addbench{i:024d}")
    return base


def login(port: int):
    import websocket

    ws = websocket.create_connection(
        f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=60, skip_utf8_validation=True
    )
    assert ws.recv().startswith("0")
    ws.send("40")
    while not ws.recv().startswith("40"):
        pass
    ws.send("420" + json.dumps(["login", {"username": "admin", "password": PASSWORD, "token": ""}]))
    while not (frame := ws.recv()).startswith("430"):
        if frame == "2":
            ws.send("3")
    assert json.loads(frame[3:])[0].get("ok"), frame
    return ws


HEARTBEAT = '42["heartbeat",'


def note_beat(frame: str, beaten: set[int]) -> None:
    if frame.startswith(HEARTBEAT):
        beaten.add(json.loads(frame[2:])[1]["monitorID"])


def add_all(ws, kind: str, count: int, closed_port: int, beaten: set[int], first: int = 0) -> tuple[list[float], int]:
    """Send `add` one at a time; (round trip of each, frames received besides the acks). Monitors whose
    `heartbeat` came meanwhile go into `beaten`."""
    times: list[float] = []
    other = 0
    for i in range(first, first + count):
        ack_id = 1000 + i
        started = time.perf_counter()
        ws.send(f"42{ack_id}" + json.dumps(["add", monitor_payload(kind, i, closed_port)]))
        prefix = f"43{ack_id}"
        while True:
            frame = ws.recv()
            if frame.startswith(prefix):
                reply = json.loads(frame[len(prefix) :])[0]
                assert reply.get("ok"), reply
                break
            if frame == "2":
                ws.send("3")
            note_beat(frame, beaten)
            other += 1
        times.append(time.perf_counter() - started)
    return times, other


def wait_first_beats(ws, count: int, beaten: set[int], timeout: float = 60.0) -> None:
    """Read frames until `count` monitors have had a `heartbeat` (or the timeout)."""
    deadline = time.perf_counter() + timeout
    ws.settimeout(1.0)
    while len(beaten) < count and time.perf_counter() < deadline:
        try:
            frame = ws.recv()
        except Exception:  # websocket timeout: look at the deadline again
            continue
        if frame == "2":
            ws.send("3")
        note_beat(frame, beaten)


def main_thread_cpu(proc) -> float:
    """CPU-seconds (user + system) of the server's event-loop thread (the process's first thread)."""
    return next(sum(t[1:3]) for t in proc.threads() if t.id == proc.pid)


def start_py_spy(pid: int, out: str) -> subprocess.Popen:
    """py-spy (from the venv) sampling the server until SIGINT; collapsed stacks, the main thread and the others."""
    spy = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--threads",
            "--rate",
            "250",
            "-o",
            out,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    return spy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitors", type=int, default=1000)
    parser.add_argument("--type", choices=("http", "push"), default="http")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="one add and a 2 s pause before the timed ones: the one-time import of the check "
        "modules (in a worker thread, holding the GIL) is then out of the figure",
    )
    parser.add_argument("--py-spy", metavar="OUT", help="record the server with py-spy into OUT (raw collapsed stacks)")
    parser.add_argument(
        "--no-legacy-lists",
        action="store_true",
        help="KUMA_LEGACY_LIST_EVENTS=0: no coalesced full monitorList (Uptime Kuma 2.5.3's wire)",
    )
    args = parser.parse_args()
    import psutil

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        build_database(data / "kuma.db")
        env = {"KUMA_LEGACY_LIST_EVENTS": "0"} if args.no_legacy_lists else None
        server, port = start_source_server(data, env)
        try:
            ws = login(port)
            beaten: set[int] = set()
            if args.warm:
                add_all(ws, args.type, 1, free_port(), beaten, first=args.monitors)
                time.sleep(2.0)
            spy = start_py_spy(server.pid, args.py_spy) if args.py_spy else None
            proc = psutil.Process(server.pid)
            cpu_before = sum(proc.cpu_times()[:2])
            main_before = main_thread_cpu(proc)
            started, client_cpu = time.perf_counter(), time.process_time()
            times, other = add_all(ws, args.type, args.monitors, free_port(), beaten)
            total = time.perf_counter() - started
            client_cpu = time.process_time() - client_cpu
            cpu = sum(proc.cpu_times()[:2]) - cpu_before
            main_cpu = main_thread_cpu(proc) - main_before
            during = len(beaten)
            if spy is not None:  # the adds only
                spy.send_signal(signal.SIGINT)
                spy.wait(60)
            if args.type == "http":
                wait_first_beats(ws, args.monitors + args.warm, beaten)
                beats_done = time.perf_counter() - started
                beats_cpu = sum(proc.cpu_times()[:2]) - cpu_before
            ws.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    times.sort()
    print(
        f"add ×{args.monitors} ({args.type}), one at a time: {total:.2f} s total, "
        f"round trip median {statistics.median(times) * 1000:.2f} ms, "
        f"p90 {times[int(len(times) * 0.9) - 1] * 1000:.2f} ms, p99 {times[int(len(times) * 0.99) - 1] * 1000:.2f} ms, "
        f"server CPU {cpu:.2f} s ({cpu / args.monitors * 1000:.2f} ms per add; client {client_cpu:.2f} s), "
        f"{other} other frames received"
    )
    print(
        f"server CPU by thread: event loop {main_cpu:.2f} s ({main_cpu / args.monitors * 1000:.2f} ms per add), "
        f"other threads (writer, workers) {cpu - main_cpu:.2f} s ({(cpu - main_cpu) / args.monitors * 1000:.2f} ms per add)"
    )
    if args.type == "http":
        print(
            f"first beats: {during} during the adds; all {len(beaten)} of {args.monitors} by "
            f"{beats_done - total:.2f} s after the last ack; server CPU {beats_cpu:.2f} s from the first add until then"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("target: ≤ 1.5 s for 1,000 (Uptime Kuma 2.5.3: 7.4 s)")


if __name__ == "__main__":
    main()
