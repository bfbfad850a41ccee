#!/usr/bin/env python3
"""Many connected clients (issue #15): prints figures, asserts nothing.

Starts `kuma serve` from source on 127.0.0.1 with a fresh data folder (or, with --large, one prepared with
2,000 paused monitors and 100 notifications, one of them ~900 KB), sets up the admin and one push monitor,
then:
- a PROBE socket (logged in) calls `needSetup` and `twoFAStatus` every 0.2 s and records each ack's time;
- a DASHBOARD socket (logged in) receives the `heartbeat` of a push sent every second over HTTP: push
  latency = push sent → heartbeat with that msg received;
- N SESSIONS log in with `loginByToken` (one JWT), ramped as fast as they connect (64 connecting at a
  time per client process), then hold, answering pings and reading everything; then they all leave.
  They live in --processes child processes, so the probe and the dashboard never wait behind them, and
  read lean (frames parsed in place, only small ones made into bytes): the ramp measures the server.
Per phase (before, ramp, hold, leaving, after): probe ack p50/p99, push p50/p99, server RSS at the phase's
end, frames the sessions received after their login ack (their own bursts arrive before it, so during
the ramp this counts what other logins cost them); plus the ramp time, the server's CPU and the load.

    .venv/bin/python scripts/bench/sockets.py [--sessions 1000] [--hold 10] [--large] [--profile DIR] [--loop-lag FILE]
                                              [--nice N]

--nice N: the sessions' processes run under `nice -n N`. On a 2-core machine they take twice the server's CPU
(a `--large` ramp reads ~14 million frames) and, woken by every write, preempt the server's event loop for a
scheduler tick (4 ms) at a time; real clients are on other machines. Reports say when it was used.

--profile DIR: py-spy (not a dependency: `pip install py-spy` into the venv) records the server during the
ramp, the hold and the leaving, as collapsed stacks (DIR/ramp.txt, DIR/hold.txt, DIR/leaving.txt); the top frames are printed.
--loop-lag FILE: the server runs under `loop_lag.py` (a Trio instrument): per phase, the event loop's turns of 10 ms
or more (how many, the longest, the tasks whose steps took longest in them).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realtime import PUSH_TOKEN, RawClient, SioClient, admin_setup, stop_server  # noqa: E402
from realtime import tree_cpu, tree_rss  # noqa: E402
from common import REPO, answers_200, free_port, start_source_server  # noqa: E402

CONNECTING_AT_ONCE = 64


@dataclass
class Phase:
    name: str
    probe: list[float] = field(default_factory=list)
    probe_db: list[float] = field(default_factory=list)  # twoFAStatus alone (it reads the database)
    push: list[float] = field(default_factory=list)
    frames: int = 0
    rss: int = 0
    cpu: float = 0.0  # the server's CPU-seconds in the phase
    cpu_mark: float = 0.0
    started: float = 0.0
    ended: float = 0.0
    unanswered: int = 0
    dropped: int = 0  # the probe or dashboard socket was disconnected by the server


@dataclass
class State:
    phase: Phase
    phases: list[Phase] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)

    def enter(self, name: str, pid: int) -> None:
        now = time.perf_counter()
        self.phase.ended = now
        self.phase.rss = tree_rss(pid)
        cpu = tree_cpu(pid)
        self.phase.cpu = cpu - self.phase.cpu_mark
        self.phase = Phase(name, started=now, cpu_mark=cpu)
        self.phases.append(self.phase)


async def reconnecting(loop: Any, port: int, jwt: str, state: State) -> None:
    """Run a measuring socket's loop again whenever the server drops it (counted: it should never be)."""
    while True:
        try:
            await loop(port, jwt, state)
        except (StopAsyncIteration, OSError, trio.BrokenResourceError, trio.ClosedResourceError):
            state.phase.dropped += 1
        except trio.TooSlowError:  # its login was not answered within 30 s
            state.phase.unanswered += 1


async def probe_loop(port: int, jwt: str, state: State) -> None:
    """needSetup and twoFAStatus every 0.2 s; an ack later than 10 s counts as unanswered."""
    sio = await SioClient.open(port)
    assert (await sio.call("loginByToken", jwt))[0].get("ok")
    while True:
        for event in ("needSetup", "twoFAStatus"):
            started = time.perf_counter()
            try:
                await sio.call(event, timeout=10)
                took = time.perf_counter() - started
                state.phase.probe.append(took)
                if event == "twoFAStatus":
                    state.phase.probe_db.append(took)
            except trio.TooSlowError:
                state.phase.unanswered += 1
        await trio.sleep(0.2)


async def dashboard_loop(port: int, jwt: str, state: State) -> None:
    """Receive `heartbeat` events; each tagged push's latency goes to the current phase."""
    sio = await SioClient.open(port)
    assert (await sio.call("loginByToken", jwt))[0].get("ok")
    while True:
        payload = await sio.receive()
        if payload.startswith(b'42["heartbeat"'):
            msg = json.loads(payload[2:])[1].get("msg", "")
            sent = state.sent.pop(msg, None)
            if sent is not None:
                state.phase.push.append(time.perf_counter() - sent)


async def push_loop(port: int, state: State) -> None:
    import httpx

    async with httpx.AsyncClient(timeout=30) as http:
        seq = 0
        while True:
            seq += 1
            tag = f"p{seq}"
            state.sent[tag] = time.perf_counter()
            await http.get(f"http://127.0.0.1:{port}/api/push/{PUSH_TOKEN}", params={"status": "up", "msg": tag})
            await trio.sleep(1.0)


class LeanSession:
    """An idle session's client side, as lean as reading everything can be: frames are parsed in place, only
    small ones (pings, the CONNECT and the login ack) become bytes, and a large frame's payload is read into
    one scratch buffer and dropped as it arrives (never gathered), so a burst of megabytes costs the client
    the kernel's copy and little more (the sessions' processes must not be what sets the ramp)."""

    SMALL = 256
    SCRATCH = 1 << 20

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.buf = raw.buffer
        self.counts: dict[str, int] | None = None  # once logged in: counts["frames"] += each frame but pings

    async def small_frames(self) -> Any:
        """Yield the payloads of small text frames until logged in (larger ones, and every frame after the
        login, are counted and skipped); pings answered. The loop is inlined: a `--large` ramp reads ~14
        million frames, and the sessions' CPU must stay far below the server's."""
        buf, sock, small = self.buf, self.raw.stream.socket, self.SMALL
        scratch = memoryview(bytearray(self.SCRATCH))
        skip = 0  # payload bytes of a large frame still to read and drop
        while True:
            pos, end, seen = 0, len(buf), 0
            while end - pos >= 2:
                n, start = buf[pos + 1] & 0x7F, pos + 2
                if n == 126:
                    if end - pos < 4:
                        break
                    n, start = (buf[pos + 2] << 8) | buf[pos + 3], pos + 4
                elif n == 127:
                    if end - pos < 10:
                        break
                    n, start = int.from_bytes(buf[pos + 2 : pos + 10], "big"), pos + 10
                stop = start + n
                if stop > end:
                    if n > small:  # a large frame not all in: drop what came, skip the rest as it arrives
                        skip, pos, seen = stop - end, end, seen + 1
                    break
                opcode, pos = buf[pos] & 0x0F, stop
                if opcode == 0x1:
                    if n == 1 and buf[start] == 0x32:  # "2": an Engine.IO ping
                        await self.raw.send_text("3")
                        continue
                    seen += 1
                    if self.counts is None and n <= small:  # logged in: only pings matter from then on
                        seen = 0  # frames up to the login ack are not counted
                        yield bytes(buf[start:stop])
                elif opcode == 0x8:
                    return
            if self.counts is not None:
                self.counts["frames"] += seen
            del buf[:pos]
            while skip:
                got = await sock.recv_into(scratch[: min(skip, self.SCRATCH)])
                if not got:
                    return
                skip -= got
            chunk = await self.raw.stream.receive_some(1 << 16)
            if not chunk:
                return
            buf += chunk

    async def login(self, jwt: str) -> bool:
        """Engine.IO open, Socket.IO CONNECT, then `loginByToken`; True when acked ok (its burst is read)."""
        frames = self.small_frames()
        opened = await frames.__anext__()
        assert opened.startswith(b"0{"), opened[:100]
        await self.raw.send_text("40")
        while not (await frames.__anext__()).startswith(b"40"):
            pass
        await self.raw.send_text("420" + json.dumps(["loginByToken", jwt]))
        while True:
            payload = await frames.__anext__()
            if payload.startswith(b"430["):
                self._frames = frames
                return bool(json.loads(payload[3:])[0].get("ok"))

    async def read_all(self, counts: dict[str, int]) -> None:
        """Read (and count) until the server closes or the task is cancelled."""
        self.counts = counts
        try:
            async for _ in self._frames:
                pass
        except (trio.BrokenResourceError, trio.ClosedResourceError, OSError):
            pass


async def session(port: int, jwt: str, counts: dict[str, int], limiter: trio.CapacityLimiter,
                  leave: trio.Event) -> None:
    """One idle logged-in session: reads everything, answers pings, until `leave`."""
    async with limiter:
        try:
            lean = LeanSession(await RawClient.connect(port))
            with trio.fail_after(120):
                ok = await lean.login(jwt)
        except Exception:
            counts["failed"] += 1
            return
    if not ok:
        counts["failed"] += 1
        return
    counts["logged_in"] += 1
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lean.read_all, counts)
        await leave.wait()
        nursery.cancel_scope.cancel()
    await lean.raw.stream.aclose()


async def child_main(port: int, jwt: str, n: int) -> None:
    """A process of `n` sessions (so the measuring sockets never wait behind the sessions' own reading):
    prints `logged_in failed frames` every 0.1 s; the first line on stdin starts them, the second makes
    them leave, the third ends the process."""
    counts = {"logged_in": 0, "failed": 0, "frames": 0}
    leave = trio.Event()
    limiter = trio.CapacityLimiter(CONNECTING_AT_ONCE)
    stdin = trio.lowlevel.FdStream(os.dup(0))

    async def report() -> None:
        while True:
            print(counts["logged_in"], counts["failed"], counts["frames"], flush=True)
            await trio.sleep(0.1)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(report)
        await stdin.receive_some()
        for _ in range(n):
            nursery.start_soon(session, port, jwt, counts, limiter, leave)
        await stdin.receive_some()
        leave.set()
        await stdin.receive_some()
        nursery.cancel_scope.cancel()


class Children:
    """The session processes and their latest counts."""

    def __init__(self, nice: int = 0) -> None:
        self.procs: list[Any] = []
        self.counts: list[list[int]] = []
        self.prefix = ["nice", "-n", str(nice)] if nice else []  # load generators may yield the CPU first

    async def start(self, nursery: trio.Nursery, port: int, jwt: str, n: int, processes: int) -> None:
        for k in range(processes):
            share = n // processes + (1 if k < n % processes else 0)
            proc = await trio.lowlevel.open_process(
                [*self.prefix, sys.executable, __file__, "--child", str(port), jwt, str(share)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self.procs.append(proc)
            self.counts.append([0, 0, 0])
            nursery.start_soon(self._follow, proc, k)

    async def _follow(self, proc: Any, k: int) -> None:
        buffer = b""
        async for chunk in proc.stdout:
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            if lines and lines[-1].strip():
                self.counts[k] = [int(x) for x in lines[-1].split()]

    def total(self, index: int) -> int:
        return sum(c[index] for c in self.counts)

    async def tell(self) -> None:
        for proc in self.procs:
            await proc.stdin.send_all(b"go\n")


class Profiler:
    """py-spy recording the server for one phase at a time (nothing when no folder is given)."""

    def __init__(self, folder: str | None, pid: int, rate: int = 100) -> None:
        self.folder, self.pid, self.proc, self.rate = folder, pid, None, rate

    def start(self, name: str) -> None:
        self.stop()
        if self.folder:
            out = Path(self.folder) / f"{name}.txt"
            spy = Path(sys.executable).with_name("py-spy")
            self.proc = subprocess.Popen([str(spy), "record", "-p", str(self.pid), "-r", str(self.rate), "-f", "raw", "-o",
                                          str(out), "--nonblocking"], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(2)  # py-spy writes its file on SIGINT
            self.proc.wait(30)
            self.proc = None


def top_frames(path: Path, n: int = 15) -> list[tuple[float, float, str]]:
    """(self %, total %, frame) of the busiest frames in a collapsed-stack file (idle waits left out)."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = stack.split(";")
        samples += count
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + count
    ranked = sorted(own, key=own.get, reverse=True)[:n]  # type: ignore[arg-type]
    return [(100 * own[f] / samples, 100 * total[f] / samples, f) for f in ranked]


async def measure(port: int, pid: int, n: int, hold: float, settle: float, processes: int,
                  profile: str | None = None, profile_rate: int = 100, nice: int = 0) -> dict[str, Any]:
    jwt = await admin_setup(port)
    state = State(Phase("before", started=time.perf_counter(), cpu_mark=tree_cpu(pid)))
    state.phases.append(state.phase)
    children = Children(nice)
    result: dict[str, Any] = {}
    profiler = Profiler(profile, pid, profile_rate)

    def enter(name: str) -> None:
        state.phase.frames = children.total(2) - result.get("frames_mark", 0)
        result["frames_mark"] = children.total(2)
        state.enter(name, pid)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(reconnecting, probe_loop, port, jwt, state)
        nursery.start_soon(reconnecting, dashboard_loop, port, jwt, state)
        nursery.start_soon(push_loop, port, state)
        await trio.sleep(settle)
        await children.start(nursery, port, jwt, n, processes)
        await trio.sleep(2.0)  # the child processes' start-up
        cpu0 = tree_cpu(pid)
        clients0 = sum(tree_cpu(proc.pid) for proc in children.procs)
        enter("ramp")
        result["rss_start"] = state.phases[0].rss
        profiler.start("ramp")
        t0 = time.perf_counter()
        await children.tell()
        while children.total(0) + children.total(1) < n:
            await trio.sleep(0.05)
        result["ramp_seconds"] = time.perf_counter() - t0
        result["ramp_cpu"] = tree_cpu(pid) - cpu0
        result["ramp_client_cpu"] = sum(tree_cpu(proc.pid) for proc in children.procs) - clients0
        enter("hold")
        profiler.start("hold")
        await trio.sleep(hold)
        enter("leaving")
        profiler.start("leaving")
        await children.tell()
        await trio.sleep(settle)
        profiler.stop()
        enter("after")
        await trio.sleep(settle)
        enter("end")
        result.update(logged_in=children.total(0), failed=children.total(1))
        await children.tell()
        for proc in children.procs:
            await proc.wait()
        nursery.cancel_scope.cancel()
    result.update(phases=state.phases[:-1], total_cpu=tree_cpu(pid) - cpu0, loadavg=os.getloadavg())
    return result


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def prepare_large(data: Path) -> None:
    """A database with the admin, 2,000 paused push monitors and 100 notifications (one ~900 KB)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from login import build_database

    build_database(data / "kuma.db", 2000, 0)
    conn = sqlite3.connect(data / "kuma.db")
    for i in range(1, 101):
        note = "x" * 900_000 if i == 1 else f"note {i}"
        config = json.dumps({"name": f"Hook {i}", "type": "webhook", "webhookURL": "http://127.0.0.1:9/hook",
                             "webhookContentType": "json", "isDefault": False, "note": note})
        conn.execute("INSERT INTO notification (name, active, user_id, is_default, config) VALUES (?, 1, 1, 0, ?)",
                     (f"Hook {i}", config))
    conn.commit()
    conn.close()


def start_server(data: Path, log: Any, lag_path: Path | None) -> tuple[subprocess.Popen, int]:
    """`kuma serve` from source, under the loop-lag instrument when `lag_path` is given."""
    if lag_path is None:
        return start_source_server(data, stdout=log)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO), KUMA_LOG_LEVEL=os.environ.get("KUMA_LOG_LEVEL", "WARNING"))
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("loop_lag.py")), str(lag_path), "serve",
                               "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not answers_200(port):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise SystemExit("kuma did not start under loop_lag.py")
        time.sleep(0.1)
    return server, port


def report_collections(phases: list[Phase], collections: list[dict[str, Any]]) -> None:
    """Per phase: the collector's runs of 1 ms or more (loop_lag.py), by generation: count, total, longest."""
    print("garbage collections >= 1 ms per phase (generation: count / total ms / longest ms):")
    for p in phases:
        mine = [c for c in collections if p.started <= c["t"] < (p.ended or float("inf"))]
        parts = []
        for gen in (0, 1, 2):
            ms = [c["ms"] for c in mine if c["collection"] == gen]
            if ms:
                parts.append(f"gen {gen}: {len(ms)} / {sum(ms):.0f} / {max(ms):.1f}")
        print(f"  {p.name:8} {'; '.join(parts) or 'none'}")


def report_lag(phases: list[Phase], lag_path: Path) -> None:
    """Per phase: the loop's long turns, the longest, and which tasks' steps took longest in them."""
    lines = [json.loads(line) for line in lag_path.read_text().splitlines() if line.strip()]
    turns = [line for line in lines if "collection" not in line]
    report_collections(phases, [line for line in lines if "collection" in line])
    print("event loop turns >= 10 ms per phase (count, longest ms, total ms; tasks stepped in the longest):")
    for p in phases:
        mine = [t for t in turns if p.started <= t["t"] < (p.ended or float("inf"))]
        if not mine:
            print(f"  {p.name:8} none")
            continue
        longest = max(mine, key=lambda t: t["ms"])
        names: dict[str, float] = {}
        for t in mine:
            for ms, name in t["top"]:
                short = name.rsplit(".", 1)[-1][:60]
                names[short] = names.get(short, 0.0) + ms
        top = ", ".join(f"{n} {ms:.0f}" for n, ms in sorted(names.items(), key=lambda kv: -kv[1])[:4])
        cpu = [t.get("cpu_ms", 0.0) for t in mine]
        print(f"  {p.name:8} {len(mine):4d} {longest['ms']:7.1f} {sum(t['ms'] for t in mine):8.0f} "
              f"({longest['tasks']} tasks); slowest steps: {top}")
        collections = [c for t in mine for c in t.get("gc", [])]
        print(f"  {'':8} of them >= 10 ms of the loop thread's own CPU: {sum(1 for c in cpu if c >= 10)}, "
              f"longest {max(cpu):.1f} ms CPU (the rest: preempted or waiting for the GIL); garbage collections "
              f"in them: {len(collections)}, {sum(ms for _, ms in collections):.0f} ms "
              f"(longest {max((ms for _, ms in collections), default=0.0):.1f} ms)")


def report(r: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"\n{args.sessions} sessions{' (large lists)' if args.large else ''}: {r['logged_in']} logged in "
          f"({r['failed']} failed) in {r['ramp_seconds']:.1f} s, server CPU during the ramp {r['ramp_cpu']:.1f} s, "
          f"the sessions' processes {r['ramp_client_cpu']:.1f} s")
    print(f"server RSS at start {r['rss_start'] / 2**20:.0f} MiB")
    print(f"{'phase':8} {'probe p50/p99 ms':>18} {'2FA p99':>7} {'unanswered':>10} {'push p50/p99 ms':>17} "
          f"{'pushes':>6} {'frames':>9} {'RSS MiB':>8} {'dropped':>7} {'CPU s':>6}")
    for p in r["phases"]:
        print(f"{p.name:8} {pct(p.probe, .5):8.1f}/{pct(p.probe, .99):<9.1f} {pct(p.probe_db, .99):7.1f} "
              f"{p.unanswered:10d} "
              f"{pct(p.push, .5):8.1f}/{pct(p.push, .99):<8.1f} {len(p.push):6d} {p.frames:9d} "
              f"{p.rss / 2**20:8.0f} {p.dropped:7d} {p.cpu:6.2f}")
    print("load average (1, 5, 15 min): " + " ".join(f"{x:.2f}" for x in r["loadavg"])
          + (f"; sessions under nice -n {args.nice}" if args.nice else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--hold", type=float, default=10.0, help="seconds holding all sessions")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before the ramp and after leaving")
    parser.add_argument("--large", action="store_true", help="2,000 monitors, 100 notifications (one ~900 KB)")
    parser.add_argument("--processes", type=int, default=2, help="client processes holding the sessions")
    parser.add_argument("--nice", type=int, default=0, help="run the sessions' processes under `nice -n N` (on a "
                        "2-core machine they share with the server, the probe and the dashboard, as real clients "
                        "on other machines would not)")
    parser.add_argument("--profile", metavar="DIR", help="py-spy the server during the ramp and the hold")
    parser.add_argument("--profile-rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--loop-lag", metavar="FILE", help="record the server's long event-loop turns in FILE "
                        "(JSON lines, see loop_lag.py) and report them per phase")
    parser.add_argument("--child", nargs=3, metavar=("PORT", "JWT", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        trio.run(child_main, int(args.child[0]), args.child[1], int(args.child[2]))
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # the server inherits it
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 2 * args.sessions + 256)), hard))
    with tempfile.TemporaryDirectory(prefix="kuma-bench-sockets-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        if args.large:
            prepare_large(data)
        log_path = Path(tmp) / "kuma.log"
        lag_path = Path(args.loop_lag).resolve() if args.loop_lag else None
        with open(log_path, "wb") as log:
            server, port = start_server(data, log, lag_path)
        try:
            result = trio.run(measure, port, server.pid, args.sessions, args.hold, args.settle, args.processes,
                              args.profile, args.profile_rate, args.nice)
        finally:
            stop_server(server)
        warnings = [line for line in log_path.read_text(errors="replace").splitlines() if "WARNING" in line]
        report(result, args)
        if lag_path is not None:
            report_lag(result["phases"], lag_path)
    dropped = [line for line in warnings if "dropping the slowest client" in line]
    print(f"server warnings: {len(warnings)}, of which slow clients dropped by the outbound budget: {len(dropped)}")
    for line in warnings[:5]:
        print("  " + line[:200])
    for name in ("ramp", "hold", "leaving") if args.profile else ():
        path = Path(args.profile) / f"{name}.txt"
        if path.exists():
            print(f"profile {name} (self % / total %):")
            for own, total, frame in top_frames(path):
                print(f"  {own:5.1f} {total:5.1f}  {frame[:150]}")


if __name__ == "__main__":
    main()
