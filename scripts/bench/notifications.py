"""Notification dispatch benchmark: prints figures, asserts nothing.

N monitors, each linked to one webhook notification pointing at a local HTTP receiver, get a DOWN beat
event at once (an outage of everything). Prints how long the engine's listener call took per event (it
must only queue), the time until every alert was received, alerts per second, and the peak RSS.

    .venv/bin/python scripts/bench/notifications.py --monitors 500
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trio

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from kuma.app import App  # noqa: E402
from kuma.config import Config  # noqa: E402
from kuma.notifications.notifier import Notifier  # noqa: E402
from kuma.store import Database  # noqa: E402


class Event:
    def __init__(self, monitor, beat):
        self.monitor, self.beat = monitor, beat
        self.important, self.notify, self.previous_status, self.is_first = True, True, 1, False
        self.set_keys = frozenset()
        self.tls_info = None


def receiver():
    count = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                count[0] += 1
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, count


async def run(monitors: int) -> None:
    server, received = receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    folder = Path(tempfile.mkdtemp())
    db = Database.open(folder / "kuma.db")
    app = App(Config.from_sources(data_dir=folder, env={}), db)
    notifier = Notifier(app)

    def populate(conn):
        conn.conn.execute("INSERT INTO user (id, username, password, active) VALUES (1, 'a', 'x', 1)")
        conn.conn.execute("INSERT INTO notification (id, name, config, user_id) VALUES "
                          f"(1, 'hook', '{{\"type\":\"webhook\",\"webhookURL\":\"{url}\"}}', 1)")
        rows = []
        for i in range(1, monitors + 1):
            conn.conn.execute("INSERT INTO monitor (id, name, type, url, user_id, interval) "
                              "VALUES (?, ?, 'http', 'http://127.0.0.1:9/', 1, 20)", (i, f"m{i}"))
            conn.conn.execute("INSERT INTO monitor_notification (monitor_id, notification_id) VALUES (?, 1)", (i,))
            cur = conn.conn.execute("INSERT INTO heartbeat (monitor_id, status, msg, time, important, retries) "
                                    "VALUES (?, 0, 'Request failed with status code 503', "
                                    "'2026-11-26 10:00:00.000', 1, 1)", (i,))
            rows.append(dict(conn.conn.execute("SELECT * FROM heartbeat WHERE id = ?", (cur.lastrowid,)).fetchone()))
        return [(dict(conn.conn.execute("SELECT * FROM monitor WHERE id = ?", (r["monitor_id"],)).fetchone()), r)
                for r in rows]

    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        app.nursery = nursery
        pairs = await db.write(populate)
        await nursery.start(notifier.run)
        listener_us = []
        start = time.perf_counter()
        for monitor, beat in pairs:
            t = time.perf_counter()
            await notifier.on_beat(Event(monitor, beat))
            listener_us.append((time.perf_counter() - t) * 1e6)
        while received[0] < monitors:
            await trio.sleep(0.01)
        elapsed = time.perf_counter() - start
        nursery.cancel_scope.cancel()
    db.close()
    server.shutdown()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"monitors: {monitors}, alerts received: {received[0]}, failures: {notifier.failures}")
    print(f"listener call per beat: median {statistics.median(listener_us):.1f} us, max {max(listener_us):.1f} us")
    print(f"all alerts delivered in {elapsed:.2f} s ({monitors / elapsed:.0f} alerts/s)")
    print(f"peak RSS of this process: {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitors", type=int, default=500)
    trio.run(run, parser.parse_args().monitors)


if __name__ == "__main__":
    main()
