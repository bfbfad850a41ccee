"""The fast answer parser (kuma/monitors/_http_answer.py) against h11 on the same bytes: what it takes it
reads as h11 does; what it leaves goes to h11, so a check's outcome (status, reason, headers, body, error,
and whether the connection is kept) is the same as with h11 alone, however the bytes are cut into reads."""

from __future__ import annotations

import json
import random
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import h11
import pytest
import trio

from kuma.monitors import _http_answer, _http_lean
from kuma.monitors.base import CheckContext
from kuma.monitors.json_query import JsonQuery
from kuma.monitors.keyword import Keyword
from tests.helpers.monitor_rows import monitor_row

MAX_BODY = 10 * 1024 * 1024
BIG = b"x" * 100_000

#: name → (answer bytes, the fast parser takes it, the server closes after it)
CASES: dict[str, tuple[bytes, bool, bool]] = {
    "plain": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello", True, False),
    "ows and case kept": (
        b"HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh:   3 \t\r\nX-A:\t a  b \r\nX-A: 2\r\n\r\nabc",
        True,
        False,
    ),
    "empty value, no reason": (b"HTTP/1.1 503\r\nX-Empty:\r\nContent-Length: 4\r\n\r\ndown", True, False),
    "empty reason": (b"HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", True, False),
    "keep-alive named": (b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", True, False),
    "obs-text reason": (b"HTTP/1.1 200 Tr\xe8s bien\r\nContent-Length: 2\r\n\r\nok", True, False),
    "large body": (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BIG) + BIG, True, False),
    "redirect": (b"HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n", True, False),
    "http/1.0": (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", False, True),
    "no length": (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", False, True),
    "connection close": (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", False, True),
    "chunked": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", False, False),
    "chunked, odd case": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", False, False),
    "1xx first": (
        b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        False,
        False,
    ),
    "204 with a length": (b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", False, False),
    "304 with a length": (b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", False, False),
    "101 upgrade": (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", False, True),
    "same length twice": (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", False, False),
    "length list": (b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok", False, False),
    "conflicting lengths": (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", False, True),
    "bad length": (b"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok", False, True),
    "obs-fold": (b"HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\nContent-Length: 2\r\n\r\nok", False, False),
    "bare newlines": (b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok", False, False),
    "control byte in a value": (b"HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 2\r\n\r\nok", False, False),
    "space before colon": (b"HTTP/1.1 200 OK\r\nX-A : 1\r\nContent-Length: 2\r\n\r\nok", False, True),
    "garbage status": (b"HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok", False, True),
    "not http": (b"SSH-2.0-OpenSSH_9.2\r\n\r\n", False, True),
    "short body, closed": (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nonly", True, True),
    "more than the body": (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n", True, False),
    "longer than the cap": (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1), False, True),
}


def h11_head(data: bytes) -> tuple[int, bytes, list[tuple[bytes, bytes]], int, int] | None:
    """h11's reading of `data` after a GET: (status, reason, raw headers, body length, head length)."""
    conn = h11.Connection(our_role=h11.CLIENT)
    conn.send(h11.Request(method=b"GET", target=b"/", headers=[(b"Host", b"a")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(data)
    try:
        event = conn.next_event()
    except h11.RemoteProtocolError:
        return None
    if not isinstance(event, h11.Response):
        return None
    left = len(conn.trailing_data[0])
    framing = conn._reader  # the ContentLengthReader h11 chose, when it chose one
    length = getattr(framing, "_length", None)
    return event.status_code, bytes(event.reason), list(event.headers.raw_items()), length, len(data) - left


@pytest.mark.parametrize("name", CASES)
def test_what_the_parser_takes_it_reads_as_h11_does(name: str) -> None:
    data, taken, _ = CASES[name]
    head = _http_answer.parse_head(data, MAX_BODY)
    assert (head is not None) is taken
    if head is None:
        return
    assert (head.status, head.reason, head.headers, head.length, head.end) == h11_head(data)
    for cut in range(head.end):  # a head not whole in the bytes given is h11's
        assert _http_answer.parse_head(data[:cut], MAX_BODY) is None


def _pieces(data: bytes, rng: random.Random) -> list[bytes]:
    cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(0, 4))))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)])]


async def _serve(answer: bytes, close: bool, rng: random.Random, accepted: list[int]):
    """A raw TCP target on 127.0.0.1: each request gets `answer`, sent in random pieces."""

    async def handle(stream: trio.SocketStream) -> None:
        accepted.append(1)
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = await stream.receive_some(65536)
                    if not chunk:
                        return
                    buffer += chunk
                buffer = buffer.partition(b"\r\n\r\n")[2]
                for piece in _pieces(answer, rng):
                    await stream.send_all(piece)
                    await trio.sleep(0.002)
                if close:
                    return
        except trio.BrokenResourceError:
            return
        finally:
            await stream.aclose()

    return handle


async def _two_fetches(answer: bytes, close: bool, seed: int, fast: bool) -> tuple[list, int]:
    """Two requests through a fresh pool (fast parser on or off): each outcome, and the connections made."""
    accepted: list[int] = []
    handler = await _serve(answer, close, random.Random(seed), accepted)
    outcomes: list = []
    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(partial(trio.serve_tcp, handler, 0, host="127.0.0.1"))
        port = listeners[0].socket.getsockname()[1]
        pool = _http_lean.LeanPool()
        request = h11.Request(method=b"GET", target=b"/", headers=[(b"Host", b"h"), (b"Connection", b"keep-alive")])
        wire = _http_lean._fast_wire
        _http_lean._fast_wire = wire if fast else (lambda r: None)  # type: ignore[assignment]
        try:
            for _ in range(2):
                with trio.move_on_after(5):
                    try:
                        outcomes.append(await pool.fetch(("127.0.0.1", port, None), request, MAX_BODY))
                    except Exception as exc:  # the error is part of the outcome
                        outcomes.append((type(exc).__name__, str(exc)))
        finally:
            _http_lean._fast_wire = wire  # type: ignore[assignment]
        outcomes.append(pool._count)
        pool._sweep(float("inf"))  # closes what it kept
        nursery.cancel_scope.cancel()
    return outcomes, len(accepted)


@pytest.mark.parametrize("name", CASES)
async def test_a_fetch_ends_as_with_h11_alone_for_any_cut_of_the_bytes(name: str) -> None:
    data, _, close = CASES[name]
    for seed in range(3):
        fast = await _two_fetches(data, close, seed, fast=True)
        only_h11 = await _two_fetches(data, close, seed + 100, fast=False)
        assert fast == only_h11, (name, seed)
    if name == "plain":
        assert fast[0][0] == (200, b"OK", [(b"Content-Type", b"text/html"), (b"Content-Length", b"5")], b"hello")
        assert fast[1] == 1  # both on one kept connection


def test_the_parser_really_runs_for_the_common_answer() -> None:
    request = h11.Request(method=b"GET", target=b"/", headers=[(b"Host", b"a")])
    assert _http_lean._fast_wire(request) is not None
    kept = h11.Request(method=b"GET", target=b"/", headers=[(b"Host", b"a"), (b"Connection", b"keep-alive")])
    assert _http_lean._fast_wire(kept) is not None  # what httpx sends
    for header in (b"Connection", b"Upgrade", b"Expect"):
        other = h11.Request(method=b"GET", target=b"/", headers=[(b"Host", b"a"), (header, b"close")])
        assert _http_lean._fast_wire(other) is None
    assert _http_lean._fast_wire(h11.Request(method=b"HEAD", target=b"/", headers=[(b"Host", b"a")])) is None


class _Json(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        body = json.dumps({"status": "healthy", "count": 3}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


async def test_keyword_and_json_query_monitors_on_a_real_server_go_the_fast_way(monkeypatch) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Json)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    taken: list[int] = []
    parse = _http_answer.parse_head

    def counted(data: bytes, max_body: int):
        head = parse(data, max_body)
        taken.append(head is not None)
        return head

    monkeypatch.setattr(_http_lean, "parse_head", counted)
    try:
        url = f"http://127.0.0.1:{server.server_port}/health"
        for _ in range(2):
            found = await Keyword().check(monitor_row(type="keyword", url=url, keyword="healthy"), CheckContext())
            assert found.msg == "200 - OK, keyword is found"
            passes = await JsonQuery().check(
                monitor_row(type="json-query", url=url, json_path="count", json_path_operator=">", expected_value="2"),
                CheckContext(),
            )
            assert passes.msg == "JSON query passes (comparing 3 > 2)"
        with pytest.raises(Exception, match=r"but keyword is not in \["):
            await Keyword().check(monitor_row(type="keyword", url=url, keyword="sick"), CheckContext())
    finally:
        server.shutdown()
        server.server_close()
    assert taken and all(taken)
