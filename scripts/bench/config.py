"""Config-as-code benchmark (issue 21): prints figures, asserts nothing.

Writes a file of --monitors http monitors (in 20 groups, each with a tag and the one notification),
then times, each as a real `python -m kuma` subprocess on a fresh data folder: the first apply (all
creates), export, apply of the exported file again (a no-op plan), a `--plan` after one edit, and a
`kuma report --all` over a day. Startup of the interpreter is included (what a user waits for).

    .venv/bin/python scripts/bench/config.py
    .venv/bin/python scripts/bench/config.py --monitors 500
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.automation.helpers import make_folder  # noqa: E402

GROUPS = 20


def config_text(count: int) -> str:
    lines = ["kuma: 1", "tags:", "  - {key: fleet, name: fleet, color: '#336699'}", "notifications:",
             "  - key: hook", "    name: Hook", "    type: webhook",
             "    config: {webhookURL: 'http://127.0.0.1:9/', webhookContentType: json}", "monitors:"]
    for group in range(GROUPS):
        lines += [f"  - {{key: group-{group}, name: Group {group}, type: group}}"]
    for n in range(count):
        lines += [f"  - key: m-{n}", f"    name: Monitor {n}", "    type: http",
                  f"    url: http://127.0.0.1:9/{n}", "    interval: 60", f"    group: group-{n % GROUPS}",
                  "    notifications: [hook]", f"    tags: [{{tag: fleet, value: '{n}'}}]"]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = make_folder(root / "data")
        path = root / "kuma.yaml"
        path.write_text(config_text(args.monitors), encoding="utf-8")
        print(f"{args.monitors} monitors + {GROUPS} groups, 1 tag, 1 notification")
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


if __name__ == "__main__":
    main()
