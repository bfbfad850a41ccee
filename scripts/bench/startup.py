#!/usr/bin/env python3
"""Cold start to the first HTTP 200 and idle memory of `kuma serve`, from source and as the binary.

For each program (`python -m kuma`, `dist/kuma`, `dist/kuma-dir/kuma` when built) and each data folder
(fresh: the schema gets created; existing: a copy of Uptime Kuma 2.5.3's fixture kuma.db) it starts the
server, polls GET /api/entry-page every 5 ms until it answers 200, waits IDLE seconds, reads the resident
memory of the whole process tree (the one-file binary is a bootloader plus the Python child), and stops it
with SIGTERM. Prints the median of RUNS starts. Nothing is asserted: these are figures.

    .venv/bin/python scripts/bench/startup.py [--runs 3] [--idle 5] [--binary dist/kuma] [--no-binary]
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import answers_200, free_port  # noqa: E402
FIXTURE_DB = Path(os.environ.get("KUMA_SHARED", REPO.parent / "shared")) / "fixtures/uptime-kuma-2.5.3/kuma.db"
UPTIME_KUMA = "Uptime Kuma 2.5.3 (for reference): 2.5 s cold, 1.4 s warm, 183-193 MB idle RSS"
TARGETS = "targets: < 1.0 s from source, < 1.5 s binary, idle RSS < 60 MB"


@dataclass
class Sample:
    seconds_to_200: float
    cpu_to_200: float  # user+sys seconds of the process tree: steadier than wall time on a busy machine
    rss_mb: float
    main_rss_mb: float


def tree_pids(pid: int) -> list[int]:
    """The process and all its descendants, from /proc (no psutil needed)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return pids


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def run_once(command: list[str], data_dir: Path, idle: float, timeout: float = 60) -> Sample:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if "-m" in command:  # from source: this checkout, not whatever the venv has installed
        env["PYTHONPATH"] = str(REPO)
    env["KUMA_LOG_LEVEL"] = "WARNING"
    args = [*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=data_dir.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while not answers_200(port):
            if process.poll() is not None:
                raise RuntimeError(f"{args} exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{args} did not answer within {timeout} s")
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(tree_pids(process.pid))
        time.sleep(idle)
        pids = tree_pids(process.pid)
        total = sum(rss_mb(p) for p in pids)
        biggest = max(rss_mb(p) for p in pids)
        return Sample(seconds, cpu, total, biggest)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def prepare(data_dir: Path, existing: bool) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    if existing:
        shutil.copyfile(FIXTURE_DB, data_dir / "kuma.db")
        (data_dir / "kuma.db").chmod(0o644)


def programs(args: argparse.Namespace) -> list[tuple[str, list[str]]]:
    found = [("python -m kuma", [str(REPO / ".venv/bin/python") if (REPO / ".venv/bin/python").exists() else sys.executable, "-m", "kuma"])]
    if not args.no_binary:
        for label, path in (("dist/kuma (one file)", Path(args.binary)), ("dist/kuma-dir (one folder)", REPO / "dist/kuma-dir/kuma")):
            if path.exists():
                found.append((label, [str(path.resolve())]))
            else:
                print(f"({path} not built: run scripts/build-binary{' --onedir' if 'dir' in label else ''})")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before reading RSS")
    parser.add_argument("--binary", default=str(REPO / "dist/kuma"))
    parser.add_argument("--no-binary", action="store_true")
    args = parser.parse_args()
    args.binary = str(Path(args.binary).resolve())  # before the chdir below

    print(f"{'program':28} {'data':8} {'to 200 (median)':>16} {'min':>7} {'CPU to 200':>11} {'idle RSS tree':>14} {'largest proc':>13}")
    with tempfile.TemporaryDirectory(prefix="kuma-bench-") as tmp:
        # Run from a foreign folder, so source runs import the installed/editable package like users do.
        os.chdir(tmp)
        for label, command in programs(args):
            for existing in (False, True):
                if existing and not FIXTURE_DB.exists():
                    print(f"(no fixture database at {FIXTURE_DB})")
                    continue
                samples = []
                for _ in range(args.runs):
                    data_dir = Path(tmp) / "data"
                    prepare(data_dir, existing)
                    samples.append(run_once(command, data_dir, args.idle))
                times = [s.seconds_to_200 for s in samples]
                print(
                    f"{label:28} {'existing' if existing else 'fresh':8} {statistics.median(times):>14.3f} s"
                    f" {min(times):>5.3f} s {statistics.median(s.cpu_to_200 for s in samples):>9.2f} s"
                    f" {statistics.median(s.rss_mb for s in samples):>11.1f} MB"
                    f" {statistics.median(s.main_rss_mb for s in samples):>10.1f} MB",
                    flush=True,
                )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with it)")
    print(TARGETS)
    print(UPTIME_KUMA)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
