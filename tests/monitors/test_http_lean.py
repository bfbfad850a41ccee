"""Plain-HTTP checks through kuma/monitors/_http_lean.py: what the target receives and what the check makes
of the answer are the same as through httpx; kept connections are reused, dead ones replaced."""
from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import trio

from kuma.monitors import _http_lean
from kuma.monitors._http_request import perform
from kuma.monitors.base import CheckContext
from tests.helpers.monitor_rows import monitor_row

#: (connection number, request number on it, request head) → raw answer, or None to close unanswered
Answer = Callable[[int, int, bytes], bytes | None]


class RawTarget:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.heads: list[bytes] = []
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._connection, args=(conn, self.connections), daemon=True).start()

    def _connection(self, conn: socket.socket, number: int) -> None:
        data, index = b"", 0
        with conn:
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")
                self.heads.append(head)
                index += 1
                reply = self.answer(number, index, head)
                if reply is None:
                    return
                conn.sendall(reply)
                if b"\r\nConnection: close\r\n" in reply:
                    return


@contextmanager
def raw_target(answer: Answer) -> Iterator[RawTarget]:
    target = RawTarget(answer)
    thread = threading.Thread(target=target.serve, daemon=True)
    thread.start()
    try:
        yield target
    finally:
        target.sock.close()


def ok(body: bytes = b"<html>healthy</html>", extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


async def _both(row: dict) -> tuple:
    """The outcome through the lean path, then through httpx (the URL marked as redirecting)."""
    lean = await perform(row, CheckContext())
    _http_lean.pool().redirecting.add(row["url"])
    through_httpx = await perform(row, CheckContext())
    _http_lean.pool().redirecting.discard(row["url"])
    return lean, through_httpx


def _same(a, b) -> None:
    assert (a.status_code, a.reason, a.body, a.headers, a.tls_info, a.url) == (
        b.status_code, b.reason, b.body, b.headers, b.tls_info, b.url)


async def test_the_target_receives_the_bytes_httpx_sends():
    with raw_target(lambda n, i, head: ok()) as target:
        row = monitor_row(type="http", url=f"http://127.0.0.1:{target.port}/a/b?c=1&d=%20", method="get",
                          headers='{"X-One": "1", "user-agent": "mine", "Accept": "text/plain"}')
        await _both(row)
        lean_head, httpx_head = target.heads
        assert lean_head == httpx_head
        assert lean_head.startswith(b"GET /a/b?c=1&d=%20 HTTP/1.1\r\nHost: 127.0.0.1:")
        auth = monitor_row(type="http", url=f"http://127.0.0.1:{target.port}/", auth_method="basic",
                           basic_auth_user="u", basic_auth_pass="p", method="HEAD")
        await _both(auth)
        assert target.heads[2] == target.heads[3] and b"\r\nAuthorization: Basic dTpw" in target.heads[2]


async def test_chunked_gzip_repeated_headers_and_reason_as_through_httpx():
    packed = gzip.compress(b'{"status": "healthy"}')
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(packed[i:i + 5]), packed[i:i + 5]) for i in range(0, len(packed), 5))
    answers = {
        b"/chunked": b"HTTP/1.1 200 Fine\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"
                     b"X-A: 1\r\nx-a: 2\r\nSet-Cookie: s=1\r\n\r\n" + chunked + b"0\r\n\r\n",
        b"/noreason": b"HTTP/1.1 503 \r\nContent-Length: 4\r\n\r\ndown",
        b"/close": b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end",
    }

    def answer(n: int, i: int, head: bytes) -> bytes | None:
        return answers[head.split(b" ")[1]]

    with raw_target(answer) as target:
        for path in ("/chunked", "/noreason", "/close"):
            row = monitor_row(type="http", url=f"http://127.0.0.1:{target.port}{path}",
                              accepted_statuscodes_json='["200-599"]')
            lean, through_httpx = await _both(row)
            _same(lean, through_httpx)
        assert lean.body == b"until the end"
        unpacked = await perform(monitor_row(type="http", url=f"http://127.0.0.1:{target.port}/chunked"), CheckContext())
        assert unpacked.body == b'{"status": "healthy"}' and unpacked.headers["x-a"] == "1, 2"


async def test_a_kept_connection_is_reused_and_a_dead_one_replaced():
    def answer(n: int, i: int, head: bytes) -> bytes | None:
        return None if (n, i) == (1, 3) else ok()  # the first connection dies at its third request

    with raw_target(answer) as target:
        row = monitor_row(type="http", url=f"http://127.0.0.1:{target.port}/")
        for _ in range(4):
            outcome = await perform(row, CheckContext())
            assert outcome.status_msg == "200 - OK"
        assert target.connections == 2  # two checks on the first, the retried one and the last on the second
        assert len(target.heads) == 5


async def test_kept_connections_expire():
    with raw_target(lambda n, i, head: ok()) as target:
        row = monitor_row(type="http", url=f"http://127.0.0.1:{target.port}/")
        await perform(row, CheckContext())
        await trio.sleep(_http_lean.KEEPALIVE_EXPIRY + 0.2)
        await perform(row, CheckContext())
        assert target.connections == 2


async def test_an_edited_row_is_checked_as_edited_not_from_the_plan_of_before():
    """The lean plan (URL, request head) is cached per row values: an edit of the URL, a header, the auth or
    the method reaches the very next check, on a record as the engine holds it."""
    from kuma.monitoring.record import MonitorRecord

    with raw_target(lambda n, i, head: ok()) as target, raw_target(lambda n, i, head: ok(b"other")) as other:
        row = MonitorRecord.of(monitor_row(type="http", url=f"http://127.0.0.1:{target.port}/one",
                                           headers='{"X-Env": "a"}'))
        assert (await perform(row, CheckContext())).url.endswith("/one")
        edits = [
            {"url": f"http://127.0.0.1:{target.port}/two"},
            {"headers": '{"X-Env": "b"}'},
            {"auth_method": "basic", "basic_auth_user": "u", "basic_auth_pass": "p"},
            {"basic_auth_pass": "q"},
        ]
        for edit in edits:
            row = row.updated(edit)
            await perform(row, CheckContext())
        moved = await perform(row.updated({"url": f"http://127.0.0.1:{other.port}/three"}), CheckContext())
        assert moved.body == b"other" and other.heads[0].startswith(b"GET /three ")
        await perform(row.updated({"method": "HEAD"}), CheckContext())  # last: the target answers HEAD with a body
        heads = target.heads
        assert heads[1].startswith(b"GET /two ") and b"\r\nX-Env: a" in heads[1]
        assert b"\r\nX-Env: b" in heads[2] and b"Authorization" not in heads[2]
        assert b"\r\nAuthorization: Basic dTpw\r\n" in heads[3]  # u:p
        assert b"\r\nAuthorization: Basic dTpx\r\n" in heads[4]  # u:q
        assert heads[5].startswith(b"HEAD /two ") and len(heads) == 6


async def test_a_body_or_an_invalid_header_text_added_by_an_edit_leaves_the_lean_path():
    with raw_target(lambda n, i, head: ok()) as target:
        row = monitor_row(type="http", url=f"http://127.0.0.1:{target.port}/", method="GET")
        await perform(row, CheckContext())
        broken = dict(row, headers="{not json")
        try:
            await perform(broken, CheckContext())
        except Exception as exc:
            assert str(exc).startswith("Headers are not valid JSON")
        else:
            raise AssertionError("a broken headers text was sent")
        assert len(target.heads) == 1
        await perform(dict(row, method="POST", body='{"a": 1}'), CheckContext())
        assert target.heads[1].startswith(b"POST / ") and b"Content-Type: application/json" in target.heads[1]
