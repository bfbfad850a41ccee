"""`kuma migrate --from mysql://…` benchmark: prints figures, asserts nothing.

Starts a throwaway MariaDB on 127.0.0.1 (tests/helpers/db_servers.py), loads the real 2.5.3 fixture into it
and doubles its heartbeats --doublings times (default 12: 172 × 4096 ≈ 705,000 rows), then runs
`kuma migrate --from mysql://… --data-dir <tmp>` as a child process and prints the wall time, rows/s over
all copied rows, the child's peak RSS and the load average (the machine may be shared).

    .venv/bin/python scripts/bench/migrate_mysql.py
    .venv/bin/python scripts/bench/migrate_mysql.py --doublings 8 --batch-rows 5000
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.helpers.db_servers import mariadb_server  # noqa: E402
from tests.helpers.mysql_fixture import double_heartbeats, load_fixture  # noqa: E402
from tests.helpers.paths import CAPTURE_CLOCK, FIXTURE_DB  # noqa: E402


def run(doublings: int, batch_rows: int | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="kuma-bench-mysql-"))
    try:
        shutil.copy(FIXTURE_DB, work / "fixture.db")
        with mariadb_server() as server:
            loaded = time.monotonic()
            source = load_fixture(server.port, work / "fixture.db")
            beats = double_heartbeats(server.port, doublings)
            print(f"MariaDB loaded: {beats:,} heartbeats in {time.monotonic() - loaded:.1f} s")
            env = dict(os.environ, PYTHONPATH=str(REPO), KUMA_CLOCK_START=CAPTURE_CLOCK, KUMA_LOG_LEVEL="INFO")
            cmd = [sys.executable, "-m", "kuma", "migrate", "--from", source, "--data-dir", str(work / "data")]
            if batch_rows:
                cmd += ["--batch-rows", str(batch_rows)]
            started = time.monotonic()
            done = subprocess.run(cmd, env=env, capture_output=True, text=True)
            seconds = time.monotonic() - started
        if done.returncode != 0:
            print(done.stderr)
            raise SystemExit(done.returncode)
        rows = int(re.search(r"copied ([\d,]+) rows", done.stderr)[1].replace(",", ""))  # type: ignore[index]
        copy_rate = re.findall(r"copy from MySQL: .*?([\d,]+) rows/s", done.stderr)[-1]
        print(f"copy step alone (the progress line): {copy_rate} rows/s")
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size = (work / "data" / "kuma.db").stat().st_size / 1e6
        print(f"copied {rows:,} rows in {seconds:.1f} s: {rows / seconds:,.0f} rows/s (whole command, incl. checks)")
        print(f"kuma.db {size:.0f} MB, peak RSS {rss:.0f} MB, load average {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doublings", type=int, default=12)
    parser.add_argument("--batch-rows", type=int)
    args = parser.parse_args()
    run(args.doublings, args.batch_rows)


if __name__ == "__main__":
    main()
