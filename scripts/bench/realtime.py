#!/usr/bin/env python3
"""Realtime benchmark: N raw websocket clients, a heartbeat-sized broadcast to all of them.

Prints deliveries per second and p99 latency (burst and paced), and server memory per idle connection.
The server runs in its own process (hub + /socket.io/ endpoint + Hypercorn, as in `kuma serve`); the
clients are minimal raw websocket clients on Trio so client overhead does not dominate.

    .venv/bin/python scripts/bench/realtime.py [--clients 500] [--burst 200] [--paced 50]
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trio

REPO = Path(__file__).resolve().parents[2]
HEARTBEAT = {
    "monitorID": 1, "status": 1, "time": "2026-11-26 10:07:33.738", "msg": "200 - OK",
    "ping": 5, "important": False, "duration": 20, "retries": 0,
}


# ---- server process -------------------------------------------------------------------------------
async def serve(port: int, data_dir: Path) -> None:
    from hypercorn.config import Config as HypercornConfig
    from hypercorn.trio import serve as hypercorn_serve
    from quart_trio import QuartTrio

    from kuma.app import App
    from kuma.config import Config
    from kuma.realtime import endpoint
    from kuma.realtime.hub import Hub
    from kuma.store import Database

    db = Database.open(data_dir / "kuma.db")
    app = App(Config(host="127.0.0.1", port=port, data_dir=data_dir), db)
    hub = Hub()
    app.extensions["hub"] = hub

    @hub.on("bench")
    async def bench(sock, count: int, pace: float):
        """Broadcast `count` heartbeats to everyone: `pace` seconds apart, or with only a scheduler
        checkpoint between them (0), or back to back (-1: `hub.emit` never yields)."""
        for seq in range(count):
            await hub.emit("heartbeat", {**HEARTBEAT, "seq": seq, "sent": time.time()})
            if pace > 0:
                await trio.sleep(pace)
            elif pace == 0:
                await trio.lowlevel.checkpoint()
        return {"ok": True}

    web = QuartTrio("bench", static_folder=None)
    endpoint.register(web, app)
    hc = HypercornConfig()
    hc.bind = [f"127.0.0.1:{port}"]
    hc.accesslog = None
    hc.backlog = 2048
    hc.websocket_ping_interval = None
    async def until_signal() -> None:
        with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for _ in signals:
                return

    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        app.nursery = nursery
        await nursery.start(hub.run)
        await hypercorn_serve(web, hc, shutdown_trigger=until_signal)
        nursery.cancel_scope.cancel()
    db.close()


# ---- raw websocket client -------------------------------------------------------------------------
class RawClient:
    """Just enough RFC 6455 for a Socket.IO client: masked text frames out, unmasked frames in."""

    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self.buffer = bytearray()

    @classmethod
    async def connect(cls, port: int) -> "RawClient":
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        await stream.send_all(
            (f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
             f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
             "Sec-WebSocket-Version: 13\r\n\r\n").encode()
        )
        client = cls(stream)
        while b"\r\n\r\n" not in client.buffer:
            client.buffer += await stream.receive_some(65536)
        head, _, rest = bytes(client.buffer).partition(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(head.decode(errors="replace"))
        client.buffer = bytearray(rest)
        return client

    async def send_text(self, text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        n = len(data)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        await self.stream.send_all(header + mask + masked)

    async def frames(self):
        """Yield text payloads as they arrive (several per receive when they are batched)."""
        buf = self.buffer
        while True:
            pos, end = 0, len(buf)
            while end - pos >= 2:
                n = buf[pos + 1] & 0x7F
                offset = 2
                if n == 126:
                    if end - pos < 4:
                        break
                    n, offset = int.from_bytes(buf[pos + 2:pos + 4], "big"), 4
                elif n == 127:
                    if end - pos < 10:
                        break
                    n, offset = int.from_bytes(buf[pos + 2:pos + 10], "big"), 10
                if end - pos < offset + n:
                    break
                opcode = buf[pos] & 0x0F
                payload = bytes(buf[pos + offset:pos + offset + n])
                pos += offset + n
                if opcode == 0x8:
                    return
                if opcode == 0x1:
                    yield payload
            del buf[:pos]
            chunk = await self.stream.receive_some(262144)
            if not chunk:
                return
            buf += chunk


async def run_clients(port: int, n_clients: int, burst: int, paced: int, server_pid: int) -> None:
    import psutil

    server = psutil.Process(server_pid)
    latencies: dict[str, list[float]] = {"burst": [], "interleaved": [], "paced": []}
    phase = {"name": "burst", "expected": 0, "received": 0, "first": 0.0, "last": 0.0}
    done = trio.Event()
    connected = 0
    all_connected = trio.Event()
    clients: list[RawClient] = []

    async def one_client(task_status=trio.TASK_STATUS_IGNORED) -> None:
        nonlocal connected
        client = await RawClient.connect(port)
        clients.append(client)
        frames = client.frames()
        opened = await frames.__anext__()
        assert opened.startswith(b"0{"), opened
        await client.send_text("40")
        while not (await frames.__anext__()).startswith(b"40"):
            pass
        connected += 1
        task_status.started()
        if connected == n_clients:
            all_connected.set()
        async for payload in frames:
            if payload == b"2":
                await client.send_text("3")
            elif payload.startswith(b'42["heartbeat"'):
                now = time.time()
                sent = float(payload[payload.rindex(b":") + 1:-2])
                latencies[phase["name"]].append(now - sent)
                phase["received"] += 1
                phase["last"] = now
                if phase["received"] == phase["expected"]:
                    done.set()

    rss_before = server.memory_info().rss
    async with trio.open_nursery() as nursery:
        t0 = time.perf_counter()
        for _ in range(n_clients):
            await nursery.start(one_client)
        await all_connected.wait()
        connect_time = time.perf_counter() - t0
        await trio.sleep(1.0)
        rss_idle = server.memory_info().rss
        driver = clients[0]

        async def run_phase(name: str, count: int, pace: float) -> float:
            nonlocal done
            done = trio.Event()
            phase.update(name=name, expected=count * n_clients, received=0, first=time.time())
            await driver.send_text(f'42["bench",{count},{pace}]')
            with trio.move_on_after(120):
                await done.wait()
            return phase["last"] - phase["first"]

        results = {}
        for name, count, pace in (("burst", burst, -1), ("interleaved", burst, 0), ("paced", paced, 0.02)):
            cpu0, own0 = server.cpu_times(), psutil.Process().cpu_times()
            seconds = await run_phase(name, count, pace)
            cpu1, own1 = server.cpu_times(), psutil.Process().cpu_times()
            results[name] = (count, phase["received"], seconds, cpu1.user + cpu1.system - cpu0.user - cpu0.system,
                             own1.user + own1.system - own0.user - own0.system)
        rss_after = server.memory_info().rss
        nursery.cancel_scope.cancel()

    def p(values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    print(f"clients connected: {n_clients} in {connect_time:.2f}s")
    print(f"server RSS: {rss_before / 2**20:.1f} MiB before, {rss_idle / 2**20:.1f} MiB with {n_clients} idle "
          f"connections, {rss_after / 2**20:.1f} MiB after the broadcasts")
    print(f"memory per idle connection: {(rss_idle - rss_before) / n_clients / 1024:.1f} KiB (target < 100 KiB)")
    descriptions = {
        "burst": "back to back (hub.emit does not yield)",
        "interleaved": "a scheduler checkpoint between broadcasts",
        "paced": "one broadcast every 20 ms",
    }
    for name, (count, received, seconds, server_cpu, client_cpu) in results.items():
        print(f"{name}: {count} broadcasts x {n_clients} clients, {descriptions[name]}: {received} deliveries in "
              f"{seconds:.2f}s -> {received / max(seconds, 1e-9):,.0f} deliveries/s; latency p50 "
              f"{p(latencies[name], 0.5):.1f} ms, p99 {p(latencies[name], 0.99):.1f} ms; server CPU {server_cpu:.2f}s "
              f"({server_cpu / max(received, 1) * 1e6:.1f} us per delivery), clients CPU {client_cpu:.2f}s")
    print("targets: >= 50,000 deliveries/s, < 100 KiB per idle connection; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs during this run")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--burst", type=int, default=200, help="back-to-back broadcasts")
    parser.add_argument("--paced", type=int, default=50, help="broadcasts 20 ms apart")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        if os.environ.get("BENCH_PROFILE"):  # CPU-time profile of the server: BENCH_PROFILE=file.prof
            import cProfile

            profiler = cProfile.Profile(time.process_time)
            profiler.runcall(trio.run, serve, args.serve, Path(args.data_dir))
            profiler.dump_stats(os.environ["BENCH_PROFILE"])
        else:
            trio.run(serve, args.serve, Path(args.data_dir))
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.clients + 256)), hard))
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), "--data-dir", tmp], env=env, cwd=REPO
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("bench server did not start")
                    time.sleep(0.05)
            trio.run(run_clients, port, args.clients, args.burst, args.paced, server.pid)
        finally:
            server.send_signal(signal.SIGINT)  # KeyboardInterrupt: cProfile still writes its file
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
