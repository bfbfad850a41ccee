"""Answer-reading benchmark: CPU per answer, h11 alone vs kuma/monitors/_http_answer.py (prints, asserts nothing).

The answer is the bench target's (scripts/bench/monitors.py): an HTTP/1.1 200 with Server, Date,
Content-Type and Content-Length headers and a 20-byte body, read as the lean path reads it.

    .venv/bin/python scripts/bench/http_answer.py [--rounds 50000]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import h11  # noqa: E402

from kuma.monitors._http_answer import parse_head  # noqa: E402

ANSWER = (b"HTTP/1.1 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\nDate: Tue, 01 Dec 2026 23:00:00 GMT\r\n"
          b"Content-Type: text/html\r\nContent-Length: 20\r\n\r\n<html>healthy</html>")
REQUEST = h11.Request(method=b"GET", target=b"/", headers=[(b"Host", b"127.0.0.1"), (b"Connection", b"keep-alive")])


def with_h11(conn: h11.Connection) -> None:
    """One cycle as `_http_lean` ran it before: send, feed the answer, events to the end, next cycle."""
    conn.send(REQUEST)
    conn.send(h11.EndOfMessage())
    conn.receive_data(ANSWER)
    response = conn.next_event()
    list(response.headers.raw_items())
    body = bytearray()
    while True:
        event = conn.next_event()
        if type(event) is h11.Data:
            body.extend(event.data)
        elif type(event) is h11.EndOfMessage:
            break
    conn.start_next_cycle()


def with_parser() -> None:
    head = parse_head(ANSWER, 10 * 1024 * 1024)
    assert head is not None
    ANSWER[head.end : head.end + head.length]


def cpu_per_call(fn, rounds: int) -> float:
    start = time.process_time()
    for _ in range(rounds):
        fn()
    return (time.process_time() - start) / rounds * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=50000)
    args = parser.parse_args()
    conn = h11.Connection(our_role=h11.CLIENT)
    old = cpu_per_call(lambda: with_h11(conn), args.rounds)
    new = cpu_per_call(with_parser, args.rounds)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"h11 cycle (send + read): {old:.1f} us CPU per answer")
    print(f"fast parser (read):      {new:.1f} us CPU per answer  ({old / new:.1f}x less)  load {load}")


if __name__ == "__main__":
    main()
