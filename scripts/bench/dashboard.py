"""Dashboard benchmark: prints figures, asserts nothing.

N monitors (default 2,000, with 100 beats each) in a fresh kuma.db; kuma serves it; headless Chromium
(Debian's) opens /dashboard with a remembered login token and we measure, in the page, the time from
navigation start to a fully rendered monitor list (the list count says N and the visible rows carry their
beat bars); bytes transferred (HTTP bodies + WebSocket frames); server CPU time spent meanwhile (the
login burst). Target < 1.5 s. Uptime Kuma's dashboard: 10–15 s with 1,400 monitors, users report.

    .venv/bin/python scripts/bench/dashboard.py [--monitors 2000] [--beats 100] [--runs 3]
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from login import PASSWORD, build_database, start_server  # noqa: E402  (same folder)

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def get_token(port: int) -> str:
    import websocket

    ws = websocket.create_connection(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=120)
    try:
        ws.recv()
        ws.send("40")
        ws.send("421" + json.dumps(["login", {"username": "admin", "password": PASSWORD, "token": ""}]))
        while True:
            frame = ws.recv()
            if frame == "2":
                ws.send("3")
            if frame.startswith("431"):
                return json.loads(frame[3:])[0]["token"]
    finally:
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=2000)
    parser.add_argument("--beats", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import psutil
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        build_database(data / "kuma.db", args.monitors, args.beats)
        server, port = start_server(data)
        try:
            token = get_token(port)
            proc = psutil.Process(server.pid)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for run in range(1, args.runs + 1):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    context.add_init_script(f"localStorage.setItem('kuma-token', {json.dumps(token)})")
                    page = context.new_page()
                    received = {"http": 0, "ws": 0}

                    def on_response(response):
                        try:
                            received["http"] += len(response.body())
                        except Exception:
                            pass

                    def on_websocket(ws):
                        ws.on("framereceived", lambda payload: received.__setitem__(
                            "ws", received["ws"] + len(payload if isinstance(payload, (bytes, bytearray)) else payload.encode())))

                    page.on("response", on_response)
                    page.on("websocket", on_websocket)
                    cpu_before = sum(proc.cpu_times()[:2])
                    page.goto(f"http://127.0.0.1:{port}/dashboard")
                    elapsed_ms = page.wait_for_function(
                        f"""() => {{
                            const count = document.querySelector('#list-count');
                            const rows = document.querySelectorAll('.monitor-row .beat-up, .monitor-row .beat-down');
                            return count && count.textContent.startsWith('{args.monitors} ') && rows.length > 0
                                ? performance.now() : false;
                        }}""", timeout=120_000, polling="raf").json_value()
                    cpu = sum(proc.cpu_times()[:2]) - cpu_before
                    print(f"run {run}: monitor list rendered {elapsed_ms / 1000:.3f} s after navigation start; "
                          f"{(received['http'] + received['ws']) / 1e6:.2f} MB received "
                          f"(HTTP {received['http'] / 1e3:.0f} kB, WebSocket {received['ws'] / 1e6:.2f} MB); "
                          f"server CPU {cpu:.2f} s")
                    context.close()
                browser.close()
            print(f"{args.monitors} monitors × {args.beats} beats; target < 1.5 s")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)


if __name__ == "__main__":
    main()
