"""What the full lists for Uptime Kuma 1.x clients cost (kuma/api/legacy_lists.py): prints figures, asserts nothing.

A fresh kuma.db gets one user and N paused push monitors (default 2,000, written directly as in login.py);
kuma serves it, once with `KUMA_LEGACY_LIST_EVENTS=1` (the default) and once with `=0`. One raw websocket
client logs in (a dashboard), then adds 50 monitors over Socket.IO:
- `burst`: all 50 `add` events sent at once, acks collected (a bulk import);
- `sequential`: each `add` waits for its ack before the next (a script, e.g. Ansible's).
Printed per mode and switch: seconds from the first `add` to the 50th ack, the `monitorList` events (count and
bytes) the client received from the first `add` until 1.5 s after the last ack, and the server's CPU seconds
(user + system) over the same span.

    .venv/bin/python scripts/bench/legacy_lists.py [--monitors 2000] [--adds 50] [--mode both]
"""
from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import start_source_server  # noqa: E402
from login import PASSWORD, build_database  # noqa: E402  (the same fresh database as login.py)

REPO = Path(__file__).resolve().parents[2]
TRAILING = 1.5  # seconds after the last ack in which late lists are still counted


def start_server(data: Path, legacy: bool) -> tuple[subprocess.Popen, int]:
    """kuma from source with the 1.x list events on or off."""
    return start_source_server(data, {"KUMA_LOG_LEVEL": "WARNING", "KUMA_LEGACY_LIST_EVENTS": "1" if legacy else "0"})


class Client:
    """A raw Engine.IO/Socket.IO websocket client that counts every event it receives."""

    def __init__(self, port: int) -> None:
        import websocket

        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket",
                                              timeout=60, skip_utf8_validation=True)
        assert self.ws.recv().startswith("0")
        self.ws.send("40")
        while not self.ws.recv().startswith("40"):
            pass
        self.next_id = 1
        self.acks: dict[int, object] = {}
        self.counts: dict[str, int] = {}
        self.bytes: dict[str, int] = {}

    def send(self, event: str, *args: object) -> int:
        ack_id = self.next_id
        self.next_id += 1
        self.ws.send(f"42{ack_id}" + json.dumps([event, *args]))
        return ack_id

    def pump(self, until: float | None = None, ack: int | None = None) -> None:
        """Read frames until `ack` arrived or the monotonic time `until` passed."""
        while ack is None or ack not in self.acks:
            if until is not None:
                left = until - time.monotonic()
                if left <= 0:
                    return
                self.ws.settimeout(left)
            try:
                frame = self.ws.recv()
            except Exception:  # timeout
                return
            finally:
                self.ws.settimeout(60)
            if frame == "2":
                self.ws.send("3")
            elif frame.startswith("43"):
                digits = len(frame) - len(frame[2:].lstrip("0123456789"))
                self.acks[int(frame[2:digits])] = json.loads(frame[digits:])
            elif frame.startswith("42"):
                name = json.loads(frame[2:])[0]
                self.counts[name] = self.counts.get(name, 0) + 1
                self.bytes[name] = self.bytes.get(name, 0) + len(frame.encode())

    def call(self, event: str, *args: object) -> object:
        ack = self.send(event, *args)
        self.pump(ack=ack)
        return self.acks[ack]

    def close(self) -> None:
        self.ws.close()


def monitor(n: int) -> dict:
    return {"type": "http", "name": f"Added {n}", "url": "http://127.0.0.1:9/", "interval": 60,
            "accepted_statuscodes": ["200-299"], "notificationIDList": {}, "active": False}


def run(data: Path, legacy: bool, mode: str, adds: int) -> str:
    import psutil

    server, port = start_server(data, legacy)
    try:
        proc = psutil.Process(server.pid)
        client = Client(port)
        try:
            client.call("login", {"username": "admin", "password": PASSWORD, "token": ""})
            client.pump(until=time.monotonic() + 1.0)  # the rest of the burst, if any
            client.counts.clear()
            client.bytes.clear()
            cpu_before = sum(proc.cpu_times()[:2])
            started = time.perf_counter()
            if mode == "burst":
                ids = [client.send("add", monitor(n)) for n in range(adds)]
                for ack in ids:
                    client.pump(ack=ack)
            else:
                for n in range(adds):
                    client.call("add", monitor(n))
            elapsed = time.perf_counter() - started
            client.pump(until=time.monotonic() + TRAILING)
            cpu = sum(proc.cpu_times()[:2]) - cpu_before - 0.0
            lists, size = client.counts.get("monitorList", 0), client.bytes.get("monitorList", 0)
            updates = client.counts.get("updateMonitorIntoList", 0)
        finally:
            client.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    switch = "on " if legacy else "off"
    return (f"{mode:<10} legacy lists {switch}: {adds} adds in {elapsed:.3f} s; monitorList ×{lists} "
            f"({size / 1e6:.2f} MB), updateMonitorIntoList ×{updates}; server CPU {cpu:.3f} s "
            f"(incl. {TRAILING} s idle after the last ack)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=2000)
    parser.add_argument("--adds", type=int, default=50)
    parser.add_argument("--mode", choices=("burst", "sequential", "both"), default="both")
    args = parser.parse_args()
    modes = ("burst", "sequential") if args.mode == "both" else (args.mode,)

    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.db"
        t0 = time.perf_counter()
        build_database(template, args.monitors, 1)
        print(f"database: {args.monitors} monitors built in {time.perf_counter() - t0:.1f} s")
        for mode in modes:
            for legacy in (True, False):
                data = Path(tmp) / f"data-{mode}-{int(legacy)}"
                data.mkdir()
                (data / "kuma.db").write_bytes(template.read_bytes())
                print(run(data, legacy, mode, args.adds), flush=True)


if __name__ == "__main__":
    main()
