"""1.x → 2.x migration benchmark: prints figures, asserts nothing.

Builds an Uptime Kuma 1.23-shaped kuma.db from the real 1.23 fixture by growing it to --monitors monitors
with --days of beats every --interval s (default 20 × 365 days × 60 s ≈ 10.5 M heartbeats, ≈ 1.4 GB; kept
in --work and reused by later runs with the same figures), then runs `kuma migrate` on a copy as a child
process and prints the wall time of each phase (backup, schema, aggregate tables), the aggregate step's
rows/s, the child's peak RSS and the load average (the machine may be shared).

    .venv/bin/python scripts/bench/migrate.py
    .venv/bin/python scripts/bench/migrate.py --monitors 12 --days 30 --interval 20   # smaller
    .venv/bin/python scripts/bench/migrate.py --binary dist/kuma
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.helpers.legacy_db import MIGRATED_AT, copy_legacy, extend_history  # noqa: E402

PHASES = {  # log text → phase that starts there
    "backing up to": "backup",
    "schema:": "schema",
    "heartbeats to fold in": "aggregate tables",
    "migration finished": "end",
}


def synthesize(work: Path, monitors: int, days: float, interval: int) -> Path:
    """The synthetic 1.23 database for these figures (built once, then reused)."""
    folder = work / f"legacy-{monitors}m-{days:g}d-{interval}s"
    db = folder / "kuma.db"
    if db.exists():
        return db
    shutil.rmtree(folder, ignore_errors=True)
    started = time.monotonic()
    path = copy_legacy(folder / "building")
    count = extend_history(path, days=days, interval=interval, monitors=monitors)
    path.rename(db)
    shutil.rmtree(folder / "building")
    print(f"synthesized {count:,} heartbeats in {time.monotonic() - started:.0f} s -> {db}")
    return db


def run_migrate(command: list[str], data: Path) -> tuple[float, str, int, float]:
    """(wall s, log, peak RSS kB, CPU s) of one `kuma migrate` child."""
    env = dict(os.environ, PYTHONPATH=str(REPO), KUMA_CLOCK_START=MIGRATED_AT, KUMA_LOG_LEVEL="INFO")
    started = time.monotonic()
    done = subprocess.run([*command, "migrate", "--data-dir", str(data)], env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"kuma migrate failed ({done.returncode}):\n{done.stderr[-3000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, done.stderr, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def phase_times(log: str) -> dict[str, float]:
    """Seconds per phase from the log's timestamps (1 s resolution)."""
    marks: list[tuple[str, datetime]] = []
    for line in log.splitlines():
        for text, phase in PHASES.items():
            if text in line and not any(p == phase for p, _ in marks):
                marks.append((phase, datetime.fromisoformat(line.split(" ", 1)[0])))
    return {a: (tb - ta).total_seconds() for (a, ta), (_, tb) in zip(marks, marks[1:])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--monitors", type=int, default=20)
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--interval", type=int, default=60)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kuma-bench-migrate"))
    parser.add_argument("--binary", type=Path, help="a built kuma binary instead of `python -m kuma`")
    args = parser.parse_args()
    source = synthesize(args.work, args.monitors, args.days, args.interval)
    beats = sqlite3.connect(source).execute("SELECT count(*) FROM heartbeat").fetchone()[0]
    run = args.work / "run"
    shutil.rmtree(run, ignore_errors=True)
    copy_legacy(run, source)
    command = [str(args.binary)] if args.binary else [sys.executable, "-m", "kuma"]
    wall, log, rss, cpu = run_migrate(command, run)
    rate = re.findall(r"([\d,]+) rows/s", log)
    print(f"heartbeats      {beats:,} ({source.stat().st_size / 1e9:.2f} GB, {args.monitors} monitors x "
          f"{args.days:g} days x {args.interval} s)")
    print(f"migration wall  {wall:.1f} s ({beats / wall:,.0f} heartbeats/s overall)")
    print(f"migration CPU   {cpu:.1f} s ({beats / cpu:,.0f} heartbeats per CPU second; wall ≈ CPU when the machine is idle)")
    for phase, seconds in phase_times(log).items():
        print(f"  {phase:<16} {seconds:.0f} s")
    print(f"aggregate step  {rate[-1] if rate else '?'} rows/s")
    print(f"peak RSS        {rss / 1024:.0f} MB (the kuma migrate process)")
    print(f"load average    {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared)")


if __name__ == "__main__":
    main()
