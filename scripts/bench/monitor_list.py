"""Monitor list benchmark: prints figures, asserts nothing.

How long building the `monitorList` payload takes (one read: rows, tags, notification links, the group
tree) and how big it is on the wire, for N monitors (default 100, 1,000 and 5,000) with a tag and a
notification each and every tenth monitor a group holding the next nine.

    .venv/bin/python scripts/bench/monitor_list.py
    .venv/bin/python scripts/bench/monitor_list.py --monitors 20000
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import sqlite_utils  # noqa: E402

from kuma.views.monitors import load_monitor_jsons  # noqa: E402
from kuma.store.schema import create_schema  # noqa: E402


def populate(path: Path, count: int) -> None:
    conn = sqlite3.connect(path)
    create_schema(conn, now_ms=int(time.time() * 1000))
    conn.execute("INSERT INTO user (id, username, password) VALUES (1, 'admin', 'x')")
    conn.execute("INSERT INTO notification (id, name, config, user_id) VALUES (1, 'n', '{}', 1)")
    conn.execute("INSERT INTO tag (id, name, color) VALUES (1, 'env', '#059669')")
    for i in range(1, count + 1):
        group = i % 10 == 1
        parent = None if group else (i - (i - 1) % 10)
        conn.execute("INSERT INTO monitor (id, name, type, url, user_id, parent, interval) VALUES (?, ?, ?, ?, 1, ?, 60)",
                     (i, f"Monitor {i}", "group" if group else "http", "" if group else f"http://127.0.0.1/{i}",
                      parent))
        conn.execute("INSERT INTO monitor_notification (monitor_id, notification_id) VALUES (?, 1)", (i,))
        conn.execute("INSERT INTO monitor_tag (monitor_id, tag_id, value) VALUES (?, 1, 'prod')", (i,))
    conn.commit()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, nargs="*", default=[100, 1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for count in args.monitors:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "kuma.db"
            populate(path, count)
            db = sqlite_utils.Database(sqlite3.connect(path))
            timings = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                payload = {str(k): v for k, v in load_monitor_jsons(db, user_id=1).items()}
                timings.append(time.perf_counter() - start)
            size = len(json.dumps(payload, separators=(",", ":")))
            print(f"{count:>6} monitors: build {min(timings) * 1000:8.1f} ms (best of {args.repeat}), "
                  f"{size / 1024:8.1f} KiB on the wire, {size / count:6.0f} bytes per monitor")


if __name__ == "__main__":
    main()
