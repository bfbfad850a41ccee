#!/usr/bin/env python3
"""Realtime benchmark of the real server: push beats fanned out as `heartbeat` events to N websocket clients.

Starts `kuma serve` (from source, or the PyInstaller binary with --binary) on 127.0.0.1 with a fresh data
folder, sets up the admin and one push monitor over Socket.IO, and connects N minimal raw websocket clients
(Trio, so the client side stays cheap) that log in with the JWT (`loginByToken`) and so join the user's
room. Then HTTP pushes to /api/push/<token> (burst: back to back from a small pool of concurrent requests;
paced: one every 20 ms) each make the server send `heartbeat` (plus avgPing/uptime) to every client.
Prints deliveries/s, latency p50/p99 (push sent -> heartbeat received), server CPU seconds (process tree:
the one-file binary is a bootloader plus the Python child), RSS per idle connection, what
`self-check --json` says under `websocket_path`, and whether any handshake answered with
Sec-WebSocket-Extensions (the clients offer permessage-deflate, as browsers do; kuma must decline it).

    .venv/bin/python scripts/bench/realtime.py [--clients 300] [--burst 200] [--paced 50]
    .venv/bin/python scripts/bench/realtime.py --binary [dist/kuma]     # the frozen build
    .venv/bin/python scripts/bench/realtime.py --both                   # source, then binary, side by side
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trio

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import answers_200, free_port  # noqa: E402
PASSWORD = "bench-password-1"
PUSH_TOKEN = "benchRealtimePushToken01"
DEFLATE_OFFER = "permessage-deflate; client_max_window_bits"


# ---- server process -------------------------------------------------------------------------------
@dataclass
class Target:
    """One way of running kuma: `python -m kuma` from this checkout, or a built binary."""

    label: str
    argv: list[str]

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        if "-m" in self.argv:  # from source: this checkout, not whatever the venv has installed
            env["PYTHONPATH"] = str(REPO)
        env["KUMA_LOG_LEVEL"] = os.environ.get("KUMA_LOG_LEVEL", "WARNING")
        return env


def source_target() -> Target:
    python = REPO / ".venv/bin/python"
    return Target("source", [str(python if python.exists() else sys.executable), "-m", "kuma"])


def binary_target(path: str) -> Target:
    binary = Path(path).resolve()
    if not binary.exists():
        raise SystemExit(f"{binary} does not exist: build it with scripts/build-binary")
    return Target("binary", [str(binary)])


def self_check(target: Target) -> dict[str, Any]:
    """`self-check --json`: whether the build is frozen and its `websocket_path` entry."""
    done = subprocess.run([*target.argv, "self-check", "--json"], env=target.env(), cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    try:
        results = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"frozen": None, "websocket_path": f"self-check failed: {last}"}
    entry = results.get("websocket_path", {})
    return {"frozen": results.get("frozen"), "websocket_path": entry.get("value", entry.get("error"))}


def start_server(target: Target, data_dir: Path, port: int, timeout: float = 60) -> subprocess.Popen:
    """`kuma serve` on 127.0.0.1:port over data_dir; returns once /api/entry-page answers 200."""
    args = [*target.argv, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    process = subprocess.Popen(args, cwd=REPO, env=target.env(), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not answers_200(port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(process)
            raise SystemExit(f"{args} did not start (exit code {process.returncode})")
        time.sleep(0.05)
    return process


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def process_tree(pid: int) -> list[Any]:
    import psutil

    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of the process and its descendants."""
    total = 0.0
    for proc in process_tree(pid):
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except Exception:  # a process that just ended
            pass
    return total


def tree_rss(pid: int) -> int:
    total = 0
    for proc in process_tree(pid):
        try:
            total += proc.memory_info().rss
        except Exception:
            pass
    return total


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


# ---- raw websocket client -------------------------------------------------------------------------
class RawClient:
    """Just enough RFC 6455 for a Socket.IO client: masked text frames out, unmasked frames in, and
    permessage-deflate inflation in case the server accepts the offer (it should not)."""

    def __init__(self, stream: trio.SocketStream, buffer: bytes, extensions: str | None) -> None:
        self.stream = stream
        self.buffer = bytearray(buffer)
        self.extensions = extensions  # the response's Sec-WebSocket-Extensions header, None when absent
        self.inflater = zlib.decompressobj(-15) if extensions and "permessage-deflate" in extensions else None

    @classmethod
    async def connect(cls, port: int) -> RawClient:
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        await stream.send_all(
            (f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
             f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
             f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: {DEFLATE_OFFER}\r\n\r\n").encode()
        )
        buffer = bytearray()
        while b"\r\n\r\n" not in buffer:
            chunk = await stream.receive_some(65536)
            if not chunk:
                raise RuntimeError("connection closed during the handshake")
            buffer += chunk
        head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        if " 101 " not in lines[0]:
            raise RuntimeError(head.decode(errors="replace"))
        headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
        extensions = {k.strip().lower(): v.strip() for k, v in headers.items()}.get("sec-websocket-extensions")
        return cls(stream, rest, extensions)

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
        masked = (int.from_bytes(data, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
        await self.stream.send_all(header + mask + masked)

    async def frames(self) -> AsyncIterator[bytes]:
        """Yield text payloads as they arrive (several per receive when the server batches them)."""
        buf = self.buffer
        while True:
            pos, end = 0, len(buf)
            while (extent := frame_extent(buf, pos, end)) is not None:
                n, offset = extent
                first = buf[pos]
                payload = bytes(buf[pos + offset:pos + offset + n])
                pos += offset + n
                if first & 0x40 and self.inflater is not None:  # RSV1: a compressed message
                    payload = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
                if first & 0x0F == 0x8:
                    return
                if first & 0x0F == 0x1:
                    yield payload
            del buf[:pos]
            chunk = await self.stream.receive_some(262144)
            if not chunk:
                return
            buf += chunk


def frame_extent(buf: bytearray, pos: int, end: int) -> tuple[int, int] | None:
    """(payload length, header length) of the unmasked server frame at `pos`, or None until it is all in."""
    if end - pos < 2:
        return None
    n, offset = buf[pos + 1] & 0x7F, 2
    if n == 126:
        if end - pos < 4:
            return None
        n, offset = int.from_bytes(buf[pos + 2:pos + 4], "big"), 4
    elif n == 127:
        if end - pos < 10:
            return None
        n, offset = int.from_bytes(buf[pos + 2:pos + 10], "big"), 10
    return None if end - pos < offset + n else (n, offset)


class SioClient:
    """Engine.IO v4 / Socket.IO v5 over a RawClient: open, pings answered, calls with acks."""

    def __init__(self, raw: RawClient) -> None:
        self.raw = raw
        self.frames = raw.frames()
        self.next_id = 0

    @classmethod
    async def open(cls, port: int) -> SioClient:
        client = cls(await RawClient.connect(port))
        opened = await client.frames.__anext__()
        if not opened.startswith(b"0{"):
            raise RuntimeError(f"not an Engine.IO open packet: {opened[:200]!r}")
        await client.raw.send_text("40")
        while not (await client.receive()).startswith(b"40"):
            pass
        return client

    async def receive(self) -> bytes:
        """The next payload that is not an Engine.IO ping (pings are answered)."""
        while True:
            payload = await self.frames.__anext__()
            if payload == b"2":
                await self.raw.send_text("3")
            else:
                return payload

    async def call(self, event: str, *args: Any, timeout: float = 30) -> list[Any]:
        """Emit with an ack id and return the ack's arguments (events in between are dropped)."""
        ack_id = self.next_id
        self.next_id += 1
        await self.raw.send_text(f"42{ack_id}" + json.dumps([event, *args]))
        prefix = f"43{ack_id}[".encode()
        with trio.fail_after(timeout):
            while True:
                payload = await self.receive()
                if payload.startswith(prefix):
                    return json.loads(payload[len(prefix) - 1:])

    async def close(self) -> None:
        await self.raw.stream.aclose()


async def admin_setup(port: int) -> str:
    """Admin account (needSetup/setup), one active push monitor (`add`), and a JWT from `login`."""
    sio = await SioClient.open(port)
    try:
        if (await sio.call("needSetup"))[0]:
            reply = (await sio.call("setup", "admin", PASSWORD))[0]
            if not reply.get("ok"):
                raise RuntimeError(f"setup failed: {reply}")
        login = (await sio.call("login", {"username": "admin", "password": PASSWORD, "token": ""}))[0]
        if not login.get("ok"):
            raise RuntimeError(f"login failed: {login}")
        added = (await sio.call("add", {
            "type": "push", "name": "realtime bench", "interval": 3600, "retryInterval": 3600,
            "pushToken": PUSH_TOKEN, "accepted_statuscodes": ["200-299"], "notificationIDList": {},
        }))[0]
        if not added.get("ok"):
            raise RuntimeError(f"add failed: {added}")
        return login["token"]
    finally:
        await sio.close()


# ---- measuring -----------------------------------------------------------------------------------
@dataclass
class Phase:
    """One series of pushes: when each was sent (by its `msg` tag) and what the clients received."""

    name: str
    expected: int
    sent: dict[bytes, float] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    received: int = 0
    first_sent: float = 0.0
    last_received: float = 0.0
    done: trio.Event = field(default_factory=trio.Event)

    def deliver(self, tag: bytes, now: float) -> None:
        self.latencies.append(now - self.sent.get(tag, now))
        self.received += 1
        self.last_received = now
        if self.received >= self.expected:
            self.done.set()


@dataclass
class Clients:
    """The shared state of the N benchmark clients."""

    phases: dict[bytes, Phase] = field(default_factory=dict)  # by the tag's first letter
    connected: int = 0
    extensions: list[str] = field(default_factory=list)  # every Sec-WebSocket-Extensions answer seen
    other_heartbeats: int = 0
    frames: int = 0  # every Socket.IO packet received after login (heartbeat, avgPing, uptime, ...)


MSG_KEY = b'"msg":"'


async def bench_client(port: int, jwt: str, shared: Clients,
                       task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
    """Connect, log in with the JWT (joins the user's room), then count `heartbeat` events by tag."""
    sio = await SioClient.open(port)
    if sio.raw.extensions is not None:
        shared.extensions.append(sio.raw.extensions)
    reply = await sio.call("loginByToken", jwt)
    if not reply[0].get("ok"):
        raise RuntimeError(f"loginByToken failed: {reply}")
    shared.connected += 1
    task_status.started()
    send_text, phases = sio.raw.send_text, shared.phases
    async for payload in sio.frames:
        shared.frames += 1
        if payload == b"2":
            await send_text("3")
        elif payload.startswith(b'42["heartbeat"'):
            start = payload.find(MSG_KEY) + len(MSG_KEY)
            tag = payload[start:payload.index(b'"', start)]
            phase = phases.get(tag[:1])
            if phase is None:
                shared.other_heartbeats += 1
            else:
                phase.deliver(tag, time.time())


async def push(http: Any, port: int, phase: Phase, tag: str) -> None:
    phase.sent[tag.encode()] = time.time()
    response = await http.get(f"http://127.0.0.1:{port}/api/push/{PUSH_TOKEN}",
                              params={"status": "up", "msg": tag, "ping": "5"})
    if response.status_code != 200:
        raise RuntimeError(f"push {tag}: {response.status_code} {response.text[:200]}")


async def run_pushes(http: Any, port: int, phase: Phase, count: int, pace: float, pool: int) -> None:
    """`count` pushes tagged <letter><seq>: `pool` concurrent senders back to back, or one every `pace` s."""
    letter = phase.name[0]
    phase.first_sent = time.time()
    if pace > 0:
        async with trio.open_nursery() as nursery:
            for seq in range(count):
                nursery.start_soon(push, http, port, phase, f"{letter}{seq}")
                await trio.sleep(pace)
        return
    sequence = iter(range(count))

    async def sender() -> None:
        for seq in sequence:
            await push(http, port, phase, f"{letter}{seq}")

    async with trio.open_nursery() as nursery:
        for _ in range(pool):
            nursery.start_soon(sender)


async def run_phase(http: Any, port: int, pid: int, shared: Clients, name: str, count: int, pace: float,
                    pool: int) -> dict[str, Any]:
    """Run one series of pushes and wait (bounded) for every client to receive every heartbeat."""
    phase = Phase(name, expected=count * shared.connected)
    shared.phases[name[0].encode()] = phase
    cpu0, own0, frames0 = tree_cpu(pid), own_cpu(), shared.frames
    await run_pushes(http, port, phase, count, pace, pool)
    with trio.move_on_after(30 + count * 0.05):
        await phase.done.wait()
    await trio.sleep(0.2)  # let the server's CPU counters include the last sends
    cpu1, own1 = tree_cpu(pid), own_cpu()
    seconds = max(phase.last_received - phase.first_sent, 1e-9)
    ordered = sorted(phase.latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    return {"pushes": count, "expected": phase.expected, "received": phase.received, "seconds": seconds,
            "rate": phase.received / seconds, "p50": pct(0.5), "p99": pct(0.99),
            "server_cpu": cpu1 - cpu0, "client_cpu": own1 - own0,
            "packets_per_push": (shared.frames - frames0) / max(phase.received, 1)}


async def measure(port: int, pid: int, n_clients: int, burst: int, paced: int, pool: int) -> dict[str, Any]:
    """The whole client side against one running server."""
    import httpx

    jwt = await admin_setup(port)
    shared = Clients()
    results: dict[str, Any] = {}
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
                                 timeout=30) as http:
        warm = Phase("warm-up", expected=0)
        shared.phases[b"w"] = warm
        await run_pushes(http, port, warm, 3, 0, 1)  # the first beat is important (pending -> up)
        await trio.sleep(1.0)
        rss_before = tree_rss(pid)
        async with trio.open_nursery() as nursery:
            t0, cpu0 = time.perf_counter(), tree_cpu(pid)
            for _ in range(n_clients):
                await nursery.start(bench_client, port, jwt, shared)
            results["connect_seconds"] = time.perf_counter() - t0
            results["connect_cpu"] = tree_cpu(pid) - cpu0
            await trio.sleep(2.0)
            rss_idle = tree_rss(pid)
            results["burst"] = await run_phase(http, port, pid, shared, "burst", burst, 0, pool)
            results["paced"] = await run_phase(http, port, pid, shared, "paced", paced, 0.02, pool)
            nursery.cancel_scope.cancel()
    results.update(
        clients=shared.connected, rss_before=rss_before, rss_idle=rss_idle,
        kib_per_connection=(rss_idle - rss_before) / max(shared.connected, 1) / 1024,
        extensions=shared.extensions, loadavg=os.getloadavg(),
    )
    return results


def run_target(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    """Self-check, then the benchmark against a fresh `serve` of this target."""
    checked = self_check(target)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="kuma-bench-realtime-") as tmp:
        server = start_server(target, Path(tmp), port)
        try:
            results = trio.run(measure, port, server.pid, args.clients, args.burst, args.paced, args.pool)
        finally:
            stop_server(server)
    return {"label": target.label, "argv": " ".join(target.argv), **checked, **results}


# ---- report ---------------------------------------------------------------------------------------
def rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures of one run as (name, value) pairs, in print order."""
    ext = r["extensions"]
    out = [
        ("command", r["argv"] if len(r["argv"]) < 40 else "…" + r["argv"][-39:]),
        ("frozen (self-check)", str(r["frozen"])),
        ("websocket_path (self-check)", json.dumps(r["websocket_path"])),
        ("Sec-WebSocket-Extensions answered", f"{len(ext)} of {r['clients']}" + (f" ({ext[0]})" if ext else "")),
        ("clients logged in", f"{r['clients']} in {r['connect_seconds']:.1f} s, server CPU {r['connect_cpu']:.1f} s"),
        ("server RSS tree before / idle", f"{r['rss_before'] / 2**20:.1f} / {r['rss_idle'] / 2**20:.1f} MiB"),
        ("RSS per idle connection", f"{r['kib_per_connection']:.1f} KiB"),
    ]
    for name in ("burst", "paced"):
        p = r[name]
        out += [
            (f"{name}: deliveries", f"{p['received']:,} of {p['expected']:,} in {p['seconds']:.2f} s"),
            (f"{name}: deliveries/s", f"{p['rate']:,.0f}"),
            (f"{name}: packets per heartbeat", f"{p['packets_per_push']:.1f}"),
            (f"{name}: latency p50 / p99", f"{p['p50']:.1f} / {p['p99']:.1f} ms"),
            (f"{name}: server CPU", f"{p['server_cpu']:.2f} s "
                                    f"({p['server_cpu'] / max(p['received'], 1) * 1e6:.1f} us/delivery)"),
            (f"{name}: client CPU", f"{p['client_cpu']:.2f} s"),
        ]
    out.append(("load average (1, 5, 15 min)", " ".join(f"{x:.2f}" for x in r["loadavg"])))
    return out


def print_report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    table = [[(name, value if len(value) <= 70 else value[:69] + "…") for name, value in rows(r)] for r in results]
    width = max(len(name) for name, _ in table[0])
    col = max(len(value) for t in table for _, value in t)
    print(f"\n{args.clients} clients, {args.burst} burst pushes ({args.pool} concurrent), "
          f"{args.paced} paced pushes (20 ms apart); {os.cpu_count()} CPUs")
    print(f"{'':{width}}  " + "  ".join(f"{r['label']:{col}}" for r in results))
    for i, (name, _) in enumerate(table[0]):
        print(f"{name:{width}}  " + "  ".join(f"{t[i][1]:{col}}" for t in table))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--burst", type=int, default=200, help="pushes back to back")
    parser.add_argument("--paced", type=int, default=50, help="pushes 20 ms apart")
    parser.add_argument("--pool", type=int, default=4, help="concurrent push requests in the burst")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--binary", nargs="?", const=str(REPO / "dist/kuma"), metavar="PATH",
                       help="run against the binary (default dist/kuma) instead of the source")
    which.add_argument("--both", nargs="?", const=str(REPO / "dist/kuma"), metavar="PATH",
                       help="source, then the binary (default dist/kuma), side by side")
    args = parser.parse_args()
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # the server inherits it
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.clients + 256)), hard))
    if args.both:
        targets = [source_target(), binary_target(args.both)]
    elif args.binary:
        targets = [binary_target(args.binary)]
    else:
        targets = [source_target()]
    results = []
    for target in targets:
        print(f"running {target.label}: {' '.join(target.argv)} ...", flush=True)
        results.append(run_target(target, args))
    print_report(results, args)


if __name__ == "__main__":
    main()
