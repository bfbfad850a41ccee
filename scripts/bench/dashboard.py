"""Dashboard benchmark: prints figures, asserts nothing.

N monitors (default 2,000, with 100 beats each) in a fresh kuma.db; kuma serves it; headless Chromium
(Debian's) opens /dashboard with a remembered login token and we measure, in the page, from navigation start:
- **first rows drawn**: the list count says N and a visible row shows a beat (what the old single figure,
  "rendered list", measured);
- **list complete**: every visible row carries its full bar (24 beats) and its 24 h uptime;
- **scroll → bars**: the list scrolled to its middle, until those rows carry their full bars too;
and the bytes the page's WebSocket received up to list complete (counted in the page) and the server's CPU
time until then. Beside "first rows" it prints where the time went, in seconds from navigation start: the
page's files all arrived (`assets`, how many), the WebSocket opened, the Socket.IO CONNECT came back, and the
first `monitorList`, `kumaStart` and ack frames arrived.
Issue #14's target: ≤ 1.0 s at 2,000 × 100 and ≤ 3 s at 10,000. Uptime Kuma's dashboard: 10–15 s with
1,400 monitors, users report. The load average is printed beside each run (the machine may be shared).

    .venv/bin/python scripts/bench/dashboard.py [--monitors 2000] [--beats 100] [--runs 3] [--source DIR]

`--source DIR` serves another checkout (e.g. the main branch, for a before/after) with the same page
measurements; its page may predate the light start (it then gets Uptime Kuma's whole burst).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from common import start_source_server  # noqa: E402  (same folder)
from login import PASSWORD, build_database  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


ROW_BEATS = 24  # the beats a list row's bar shows (kuma/web/static/js/list.js)

#: Installed before the page's own scripts: counts what every WebSocket receives (characters: the frames are
#: JSON text, nearly all ASCII) and records, from a requestAnimationFrame poll inside the page, when the first
#: rows are drawn and when the list is complete. Measured in the page, so however long Playwright's driver
#: takes over a 25 MB frame event, the figures are the page's own.
PROBE = """(() => {
  const bench = window.__bench = { ws: 0, first: 0, complete: 0, marks: {} };
  const Native = window.WebSocket;
  // when the socket opened and when the first frame of each kind arrived (the breakdown of "first rows")
  const KINDS = [['connect', '40'], ['list', '42["monitorList"'], ['start', '42["kumaStart"'], ['ack', '43']];
  const mark = (name) => { if (!bench.marks[name]) bench.marks[name] = performance.now(); };
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('open', () => mark('open'));
    ws.addEventListener('message', (m) => {
      bench.ws += typeof m.data === 'string' ? m.data.length : m.data.byteLength || m.data.size || 0;
      if (typeof m.data !== 'string' || m.data[0] !== '4') return;
      for (const [name, prefix] of KINDS) if (m.data.startsWith(prefix)) mark(name);
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  const FIRST = (n) => {
    const count = document.querySelector('#list-count');
    return count && count.textContent.startsWith(n + ' ')
      && document.querySelector('.monitor-row .beat-up, .monitor-row .beat-down');
  };
  // every row inside the list's viewport has `beats` coloured bars and its 24 h uptime
  const COMPLETE = bench.completeCheck = (beats) => {
    const scroll = document.querySelector('#list-scroll');
    if (!scroll) return false;
    const top = scroll.scrollTop, bottom = top + scroll.clientHeight;
    const rows = [...document.querySelectorAll('.monitor-row')].filter((r) => {
      const y = parseFloat(r.style.top); return y + r.offsetHeight > top && y < bottom; });
    const full = (r) => r.querySelectorAll('.beat:not(.beat-empty)').length >= beats
      && !r.querySelector('.pill').textContent.includes('–');
    return rows.length > 0 && rows.every(full);
  };
  const poll = () => {
    const now = performance.now();
    if (!bench.first && FIRST(bench.monitors)) bench.first = now;
    if (bench.first && !bench.complete && COMPLETE(bench.beats)) bench.complete = now;
    if (!bench.complete) requestAnimationFrame(poll);
  };
  bench.start = (monitors, beats) => { bench.monitors = monitors; bench.beats = beats; requestAnimationFrame(poll); };
})()"""

#: Scroll the list to its middle; resolves with the milliseconds until those rows are complete too.
SCROLL = """(beats) => new Promise((resolve) => {
  const s = document.querySelector('#list-scroll');
  const t0 = performance.now();
  s.scrollTop = s.scrollHeight / 2;
  s.dispatchEvent(new Event('scroll'));
  const poll = () => window.__bench.completeCheck(beats) ? resolve(performance.now() - t0) : requestAnimationFrame(poll);
  requestAnimationFrame(poll);
})"""


def get_token(port: int) -> str:
    import websocket

    ws = websocket.create_connection(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=120,
                                     skip_utf8_validation=True)
    try:
        ws.recv()
        ws.send('40{"kumaStart":"light"}')  # a token is all we want: no whole burst (its CPU is not counted)
        ws.send("421" + json.dumps(["login", {"username": "admin", "password": PASSWORD, "token": ""}]))
        while True:
            frame = ws.recv()
            if frame == "2":
                ws.send("3")
            if frame.startswith("431"):
                return json.loads(frame[3:])[0]["token"]
    finally:
        ws.close()


def one_run(browser, port: int, token: str, proc, monitors: int) -> str:
    """Open the dashboard once; the figures of this run as one line."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(f"localStorage.setItem('kuma-token', {json.dumps(token)})")
    context.add_init_script(PROBE + f";window.__bench.start({monitors}, {ROW_BEATS})")
    page = context.new_page()
    cpu_before = sum(proc.cpu_times()[:2])
    page.goto(f"http://127.0.0.1:{port}/dashboard")
    page.wait_for_function("() => window.__bench.complete", timeout=120_000, polling=50)
    cpu = sum(proc.cpu_times()[:2]) - cpu_before
    figures = page.evaluate("() => ({ ...window.__bench })")
    # the page's own files: how many, and when the last one had arrived (the socket opens after them)
    assets = page.evaluate("""() => { const r = performance.getEntriesByType('resource')
        .filter((e) => e.name.includes('/assets/') && e.responseEnd < window.__bench.marks.open);
      return [r.length, Math.max(0, ...r.map((e) => e.responseEnd))]; }""")
    figures["marks"]["assets"] = assets[1]
    scrolled = page.evaluate(SCROLL, ROW_BEATS)
    context.close()
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    marks = " ".join(f"{name} {figures['marks'][name] / 1000:.3f}" for name in ("assets", "open", "connect", "list", "start", "ack")
                     if name in figures["marks"])
    return (f"first rows drawn {figures['first'] / 1000:.3f} s ({assets[0]} files, {marks}), "
            f"list complete {figures['complete'] / 1000:.3f} s, "
            f"scroll → bars {scrolled / 1000:.3f} s; WebSocket {figures['ws'] / 1e6:.2f} MB; "
            f"server CPU {cpu:.2f} s; load {load}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=2000)
    parser.add_argument("--beats", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--source", type=Path, default=REPO, help="the checkout to serve (default: this one)")
    args = parser.parse_args()
    import psutil
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        build_database(data / "kuma.db", args.monitors, args.beats)
        with contextlib.chdir(args.source):  # `python -m kuma` imports the package of its working directory
            server, port = start_source_server(data, env={"PYTHONPATH": str(args.source.resolve())})
        try:
            token = get_token(port)
            proc = psutil.Process(server.pid)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for run in range(1, args.runs + 1):
                    print(f"run {run}: {one_run(browser, port, token, proc, args.monitors)}", flush=True)
                browser.close()
            print(f"{args.monitors} monitors × {args.beats} beats, served from {args.source}; "
                  "target ≤ 1.0 s at 2,000, ≤ 3 s at 10,000")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)


if __name__ == "__main__":
    main()
