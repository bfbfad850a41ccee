"""Config-as-code benchmark (issue 21): prints figures, asserts nothing.

Writes a file of --monitors monitors (in 20 groups, each with a tag and the one notification, plus a
status page showing the first 100 and a maintenance window over the first 10), then times, each as a
real `python -m kuma` subprocess: locally on fresh data folders the first apply (all creates), export,
apply of the exported file again (a no-op plan), apply of the export to an empty folder, and a
`kuma report --all` over a day; then the same against running servers over the REST API
(`--url`, `/api/v1/config`), where the server's own CPU time is given too. Startup of the interpreter
is included (what a user waits for). `--type push` (the default) keeps a running server from probing
anything; `--type http` is what the local figures of the first round used.

    .venv/bin/python scripts/bench/config.py
    .venv/bin/python scripts/bench/config.py --monitors 500 --type http --no-remote
"""
from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import start_source_server  # noqa: E402

from tests.automation.helpers import make_folder  # noqa: E402

GROUPS = 20


def config_text(count: int, monitor_type: str = "http") -> str:
    lines = ["kuma: 1", "tags:", "  - {key: fleet, name: fleet, color: '#336699'}", "notifications:",
             "  - key: hook", "    name: Hook", "    type: webhook",
             "    config: {webhookURL: 'http://127.0.0.1:9/', webhookContentType: json}", "monitors:"]
    for group in range(GROUPS):
        lines += [f"  - {{key: group-{group}, name: Group {group}, type: group}}"]
    for n in range(count):
        lines += [f"  - key: m-{n}", f"    name: Monitor {n}", f"    type: {monitor_type}",
                  f"    url: http://127.0.0.1:9/{n}", "    interval: 60", f"    group: group-{n % GROUPS}",
                  "    notifications: [hook]", f"    tags: [{{tag: fleet, value: '{n}'}}]"]
    shown = ", ".join(f"m-{n}" for n in range(min(count, 100)))
    lines += ["statusPages:", "  - {key: fleet, slug: fleet, title: Fleet, groups: [{name: All, monitors: [" + shown
              + "]}]}", "maintenance:", "  - {key: nightly, title: Nightly, strategy: cron, cron: '0 3 * * *', "
              "durationMinutes: 30, monitors: [" + ", ".join(f"m-{n}" for n in range(min(count, 10))) + "]}"]
    return "\n".join(lines) + "\n"


def run(*args: str) -> tuple[str, str]:
    """Run one command; returns ("wall s, CPU s", stdout). CPU (user+sys of the child) is the steadier
    figure on a shared machine."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kuma", *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"kuma {args[0]} failed: {done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return f"{elapsed:7.2f} s wall, {cpu:6.2f} s CPU", done.stdout


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def remote(root: Path, path: Path) -> None:
    """The same steps against running servers (`--url`); each step also shows the server's CPU time."""
    from rest_api import make_key

    servers = []
    try:
        for name in ("remote", "remote-empty"):
            server, port = start_source_server(root / name, env={"KUMA_API_RATE_PER_MINUTE": "1000000"})
            servers.append(server)
            url = f"http://127.0.0.1:{port}"
            servers[-1].target = ["--url", url, "--api-key", make_key(url)]  # type: ignore[attr-defined]
        first, empty = servers

        def timed(label: str, server, *args: str) -> str:
            before = server_cpu(server.pid)
            seconds, out = run(*args, *server.target)
            print(f"{label:27}{seconds}, server {server_cpu(server.pid) - before:6.2f} s CPU   ({load()})")
            return out

        timed("remote apply (all creates):", first, "apply", str(path))
        exported = timed("remote export:", first, "export")
        (root / "remote.yaml").write_text(exported, encoding="utf-8")
        out = timed("remote apply again:", first, "apply", str(root / "remote.yaml"))
        print(f"{'':27}({out.strip()})")
        timed("remote apply to empty:", empty, "apply", str(root / "remote.yaml"))
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=2000)
    parser.add_argument("--type", default="push", choices=("push", "http"), help="the monitors' type")
    parser.add_argument("--no-remote", action="store_true", help="only the local figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = make_folder(root / "data")
        path = root / "kuma.yaml"
        path.write_text(config_text(args.monitors, args.type), encoding="utf-8")
        print(f"{args.monitors} {args.type} monitors + {GROUPS} groups, 1 tag, 1 notification, 1 status page, "
              "1 maintenance window")
        seconds, _ = run("apply", str(path), "--data-dir", str(data))
        print(f"apply (all creates):       {seconds}   ({load()})")
        seconds, exported = run("export", "--data-dir", str(data))
        print(f"export:                    {seconds}   ({len(exported) / 1e6:.1f} MB YAML; {load()})")
        (root / "exported.yaml").write_text(exported, encoding="utf-8")
        seconds, out = run("apply", str(root / "exported.yaml"), "--data-dir", str(data))
        print(f"apply again (no changes):  {seconds}   ({out.strip()}; {load()})")
        other = make_folder(root / "other")
        seconds, _ = run("apply", str(root / "exported.yaml"), "--data-dir", str(other))
        print(f"apply export to empty:     {seconds}   ({load()})")
        seconds, _ = run("report", "--data-dir", str(data), "--all", "--from", "2026-11-01", "--to", "2026-11-02")
        print(f"report --all (no beats):   {seconds}   ({load()})")
        if not args.no_remote:
            remote(root, path)


if __name__ == "__main__":
    main()
