"""Pi-class budget (issue #16): the monitor load a Raspberry Pi 3 can carry, measured on this machine with the
server confined to one core at a Pi 3-like share of it and 512 MB of memory. Prints figures (and, with
--markdown, the table for docs/BENCHMARKS.md); asserts nothing.

For each size (default 50, 200, 1,000): N HTTP monitors every 60 s against a local target plus N/5 push
monitors, each pushed once a minute by this script, in a fresh kuma.db; the server (scripts/bench/monitors.py's
child: the real `serve` plus a counter reporter) runs in a cgroup with the CPU quota and memory limit, the
target and the pusher outside it. After a warm-up of one interval, over --duration seconds: CPU % of one core,
peak RSS, check lateness p99, SQLite commits/s, bytes the server wrote to disk per day (/proc/<pid>/io),
database growth per day, and the dashboard's load (HTML, scripts, styles, then the Socket.IO login whose
after-login burst carries every monitor and its beats) timed from a client outside the cgroup.

    sudo .venv/bin/python scripts/bench/pi_budget.py                       # ~12 min: 50 / 200 / 1000
    sudo .venv/bin/python scripts/bench/pi_budget.py --sizes 200 --duration 60 --cpu-quota 12.5

Needs root for the cgroup (v1 cpu/cpuset/memory, or v2 cpu.max/memory.max). --cpu-quota is % of one core.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
from common import free_port  # noqa: E402
from monitors import TARGET_CODE, make_db, read_stats  # noqa: E402

CGROUP = Path("/sys/fs/cgroup")
NAME = f"kuma-pi-budget-{os.getpid()}"
PASSWORD = "bench-Passw0rd"


# -- the cgroup -----------------------------------------------------------------------------------
def make_cgroup(quota_percent: float, memory_mb: int) -> list[Path]:
    """Folders of a new cgroup (v1: one per controller; v2: one) limited to CPU 0, the quota and the memory."""
    period = 100_000
    quota = int(period * quota_percent / 100)
    if (CGROUP / "cgroup.controllers").exists():  # unified hierarchy (Debian 12 with systemd)
        folder = CGROUP / NAME
        folder.mkdir()
        (folder / "cpu.max").write_text(f"{quota} {period}")
        (folder / "memory.max").write_text(str(memory_mb * 2**20))
        (folder / "memory.swap.max").write_text("0")
        if (folder / "cpuset.cpus").exists():
            (folder / "cpuset.cpus").write_text("0")
        return [folder]
    folders = [CGROUP / "cpu" / NAME, CGROUP / "cpuset" / NAME, CGROUP / "memory" / NAME]
    for folder in folders:
        folder.mkdir()
    (folders[0] / "cpu.cfs_period_us").write_text(str(period))
    (folders[0] / "cpu.cfs_quota_us").write_text(str(quota))
    (folders[1] / "cpuset.cpus").write_text("0")
    (folders[1] / "cpuset.mems").write_text("0")
    (folders[2] / "memory.limit_in_bytes").write_text(str(memory_mb * 2**20))
    return folders


def join_cgroup(folders: list[Path]) -> None:
    """Runs in the child between fork and exec: the server starts inside the limits."""
    for folder in folders:
        (folder / ("cgroup.procs" if (folder / "cgroup.procs").exists() else "tasks")).write_text(str(os.getpid()))


def remove_cgroup(folders: list[Path]) -> None:
    for folder in folders:
        for _ in range(50):  # the server's threads leave the cgroup a moment after it exits
            try:
                folder.rmdir()
                break
            except OSError:
                time.sleep(0.1)


# -- load and probes ------------------------------------------------------------------------------
def pusher(port: int, tokens: list[str], interval: float, stop: threading.Event) -> None:
    """Each push monitor gets one push per interval, spread evenly (as cron jobs would send them)."""
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        n, started = 0, time.monotonic()
        while not stop.is_set() and tokens:
            due = started + n * interval / len(tokens)
            if stop.wait(max(0.0, due - time.monotonic())):
                return
            try:
                client.get(f"/api/push/{tokens[n % len(tokens)]}", params={"status": "up", "msg": "OK"})
            except httpx.HTTPError:
                pass
            n += 1


def dashboard_load(port: int) -> dict:
    """Seconds for what a browser fetches to show the dashboard: the page and its assets, then a Socket.IO
    login whose ack comes after the burst (monitorList, heartbeatList, …); and the bytes of that burst."""
    import httpx
    import websocket

    started = time.perf_counter()
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        page = client.get("/dashboard")
        scripts = sorted((REPO / "kuma/web/static/js").glob("*.js"))  # app.js imports the others
        for asset in ["/assets/css/app.css", "/assets/icon.svg", *(f"/assets/js/{p.name}" for p in scripts)]:
            client.get(asset).raise_for_status()
    ws = websocket.create_connection(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=120)
    received = 0
    try:
        ws.recv()
        ws.send("40")
        ws.send("421" + json.dumps(["login", {"username": "admin", "password": PASSWORD, "token": ""}]))
        while True:
            frame = ws.recv()
            received += len(frame)
            if frame == "2":
                ws.send("3")
            elif frame.startswith("431"):
                break
    finally:
        ws.close()
    return {
        "dashboard_load_s": round(time.perf_counter() - started, 2),
        "dashboard_page_bytes": len(page.content),
        "login_burst_kb": round(received / 1024, 1),
    }


def add_admin(db_path: Path) -> None:
    """The bench user gets a real bcrypt password, so the dashboard probe can log in."""
    import sqlite3

    import bcrypt

    conn = sqlite3.connect(db_path)
    conn.execute(
        "UPDATE user SET username = 'admin', password = ?",
        (bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10)).decode(),),
    )
    conn.commit()
    conn.close()


def db_bytes(data: Path) -> int:
    return sum(p.stat().st_size for p in data.glob("kuma.db*"))


# -- one size -------------------------------------------------------------------------------------
def measure(size: int, target_url: str, args: argparse.Namespace) -> dict:
    import psutil

    pushes = max(1, size // 5)
    monitors = [(f"http {i}", "http", target_url, args.interval, args.interval, None, 0) for i in range(size)]
    tokens = [f"pi{i:030d}" for i in range(pushes)]
    monitors += [(f"push {i}", "push", None, args.interval, args.interval, tokens[i], 0) for i in range(pushes)]
    with tempfile.TemporaryDirectory(prefix="kuma-pi-", dir=args.tmp) as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        make_db(data / "kuma.db", monitors)
        add_admin(data / "kuma.db")
        start_bytes = db_bytes(data)
        stats_path, port = Path(tmp) / "stats.json", free_port()
        folders = make_cgroup(args.cpu_quota, args.memory_mb)
        stop = threading.Event()
        child = subprocess.Popen(
            [sys.executable, str(HERE / "monitors.py"), "--child", str(data), str(port), str(stats_path)],
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            cwd=REPO,
            preexec_fn=lambda: join_cgroup(folders),
        )
        feeder = threading.Thread(target=pusher, args=(port, tokens, args.interval, stop), daemon=True)
        try:
            proc = psutil.Process(child.pid)
            read_stats(stats_path, child)
            feeder.start()
            time.sleep(args.interval + 5)
            s0, c0, io0, t0 = read_stats(stats_path), proc.cpu_times(), proc.io_counters(), time.monotonic()
            rss_max = 0
            while time.monotonic() < t0 + args.duration:
                rss_max = max(rss_max, proc.memory_info().rss)
                time.sleep(1)
            s1, c1, io1, t1 = read_stats(stats_path), proc.cpu_times(), proc.io_counters(), time.monotonic()
            dashboard = dashboard_load(port)
        finally:
            stop.set()
            child.terminate()
            child.wait(120)
            remove_cgroup(folders)
        wall = t1 - t0
        beats_total = s1["beats"]
        late = sorted(s1["lateness"][len(s0["lateness"]) :])
        beats_per_s = (s1["beats"] - s0["beats"]) / wall
        growth_per_beat = (db_bytes(data) - start_bytes) / max(1, beats_total)  # after the close's checkpoint
        return {
            "monitors": f"{size} http + {pushes} push",
            "cpu_percent_of_one_core": round((c1.user + c1.system - c0.user - c0.system) / wall * 100, 2),
            "rss_mb_max": round(rss_max / 2**20, 1),
            "lateness_p99_ms": round(late[min(len(late) - 1, int(len(late) * 0.99))] * 1000, 1) if late else None,
            "checks_measured": len(late),
            "heartbeats_per_second": round(beats_per_s, 2),
            "sqlite_commits_per_second": round((s1["commits"] - s0["commits"]) / wall, 2),
            "disk_writes_mb_per_day": round((io1.write_bytes - io0.write_bytes) / wall * 86400 / 2**20, 1),
            "db_growth_mb_per_day": round(growth_per_beat * beats_per_s * 86400 / 2**20, 1),
            **dashboard,
        }


def markdown(results: list[dict], args: argparse.Namespace) -> str:
    head = (
        "| monitors | CPU % of one core | RSS max MB | check lateness p99 ms | SQLite commits/s | "
        "disk writes MB/day | DB growth MB/day | dashboard load s (burst KB) |"
    )
    rows = [head, "|" + "---|" * 8]
    for r in results:
        rows.append(
            f"| {r['monitors']} | {r['cpu_percent_of_one_core']} | {r['rss_mb_max']} | {r['lateness_p99_ms']} | "
            f"{r['sqlite_commits_per_second']} | {r['disk_writes_mb_per_day']} | {r['db_growth_mb_per_day']} | "
            f"{r['dashboard_load_s']} ({r['login_burst_kb']}) |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--interval", type=int, default=60)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--cpu-quota", type=float, default=12.5, help="%% of one core (default 12.5: a Pi 3)")
    parser.add_argument("--memory-mb", type=int, default=512)
    parser.add_argument("--tmp", default=None, help="folder for the data (default $TMPDIR): put it on the disk")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("pi_budget.py needs root to make its cgroup (sudo .venv/bin/python …)")
    target_port = free_port()
    target = subprocess.Popen([sys.executable, "-c", TARGET_CODE, str(target_port)])
    results = []
    try:
        time.sleep(0.5)
        for size in args.sizes:
            print(
                f"{size} http + {max(1, size // 5)} push monitors, interval {args.interval} s, CPU quota "
                f"{args.cpu_quota}% of core 0, {args.memory_mb} MB; measuring {args.duration:g} s …",
                flush=True,
            )
            results.append(measure(size, f"http://127.0.0.1:{target_port}/", args))
            print(json.dumps(results[-1]), flush=True)
    finally:
        target.terminate()
        target.wait()
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    if args.markdown:
        print(markdown(results, args))


if __name__ == "__main__":
    main()
