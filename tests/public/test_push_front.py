"""Pushes served before h11 (kuma/rest/push_front.py): the same bytes as the h11 road, pipelining, hand-off.

A connection whose first request is a push is read by the front; a connection whose first request is
anything else stays with h11 for good, so the same push sent on such a connection takes the h11 road
and the two answers are compared byte for byte (the `date` header aside)."""
from __future__ import annotations

import re
import socket
import sqlite3

import pytest

from kuma.rest import push_wire
from kuma.rest.push_wire import HAND_OFF, INCOMPLETE, PushRequest
from tests.public.conftest import PUSH_TOKEN

OK_ETAG = 'W/"b-Ai2R8hgEarLmHKwesT1qcY913ys"'
H11_FIRST = b"GET /api/entry-page HTTP/1.1\r\nHost: t\r\n\r\n"


def _exchange(port: int, payload: bytes, answers: int) -> list[bytes]:
    """Send `payload` on one connection, read `answers` complete responses (Content-Length framed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(payload)
        data = b""
        out: list[bytes] = []
        while len(out) < answers:
            end = data.find(b"\r\n\r\n")
            if end >= 0:
                head = data[:end].decode("latin-1")
                length = int(re.search(r"(?im)^content-length: *(\d+)", head).group(1))
                body_len = 0 if head.startswith("HTTP/1.1 304") or out_is_head(payload, len(out)) else length
                if len(data) >= end + 4 + body_len:
                    out.append(data[: end + 4 + body_len])
                    data = data[end + 4 + body_len :]
                    continue
            chunk = sock.recv(65536)
            assert chunk, f"connection closed after {out!r} + {data!r}"
            data += chunk
        return out


def out_is_head(payload: bytes, index: int) -> bool:
    requests = [r for r in re.split(rb"(?=(?:GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH) /)", payload) if r]
    return requests[index].startswith(b"HEAD ")


def _undated(response: bytes) -> bytes:
    return re.sub(rb"\r\ndate: [^\r]*", b"\r\ndate: -", response)


def _beat_msgs(server) -> list[str]:
    db = sqlite3.connect(server.data_dir / "kuma.db")
    msgs = [r[0] for r in db.execute("SELECT msg FROM heartbeat WHERE monitor_id = 10 ORDER BY id")]
    db.close()
    return msgs


CASES = [
    f"GET /api/push/{PUSH_TOKEN}?status=up&msg=front-{{n}}&ping=12 HTTP/1.1\r\nHost: t\r\n\r\n",
    f"GET /api/push/{PUSH_TOKEN}?status=down&msg=front-{{n}} HTTP/1.1\r\nHost: t\r\nConnection: keep-alive\r\n\r\n",
    f"POST /api/push/{PUSH_TOKEN}?msg=front-{{n}} HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
    f"HEAD /api/push/{PUSH_TOKEN}?msg=front-{{n}} HTTP/1.1\r\nHost: t\r\n\r\n",
    f"GET /api/push/{PUSH_TOKEN}?msg=front-{{n}} HTTP/1.1\r\nHost: t\r\nIf-None-Match: {OK_ETAG}\r\n\r\n",
    f"GET /api/push/{PUSH_TOKEN[:3]}%{ord(PUSH_TOKEN[3]):02X}{PUSH_TOKEN[4:]}?msg=front-{{n}} HTTP/1.1\r\nHost: t\r\n\r\n",
    f"GET /api/push/{PUSH_TOKEN}?ping=-5 HTTP/1.1\r\nHost: t\r\n\r\n",
    "GET /api/push/no-such-token HTTP/1.1\r\nHost: t\r\n\r\n",
    "OPTIONS /api/push/no-such-token?x=%ZZ HTTP/1.1\r\nhOsT:   t  \r\nUser-Agent: a b\r\n\r\n",
]


def test_front_answers_byte_for_byte_as_h11(fresh_capture_server):
    port = fresh_capture_server.port
    for i, case in enumerate(CASES):
        fast = _exchange(port, case.format(n=f"f{i}").encode(), 1)[0]
        h11 = _exchange(port, H11_FIRST + case.format(n=f"h{i}").encode(), 2)[1]
        assert _undated(fast) == _undated(h11.replace(b"front-h", b"front-f")), case
        assert fast.startswith((b"HTTP/1.1 200 \r\n", b"HTTP/1.1 304 \r\n", b"HTTP/1.1 404 \r\n")), fast
        assert b"\r\nserver: hypercorn-h11\r\n" in fast
    msgs = _beat_msgs(fresh_capture_server)
    for i in range(6):  # the six storing cases stored a beat each way
        assert f"front-f{i}" in msgs and f"front-h{i}" in msgs


def test_pipelined_pushes_are_answered_and_stored_in_order(fresh_capture_server):
    payload = b"".join(
        f"GET /api/push/{PUSH_TOKEN}?msg=pipe-{i} HTTP/1.1\r\nHost: t\r\n\r\n".encode() for i in range(20)
    )
    answers = _exchange(fresh_capture_server.port, payload, 20)
    assert all(a.startswith(b"HTTP/1.1 200 \r\n") and a.endswith(b'{"ok":true}') for a in answers)
    assert [m for m in _beat_msgs(fresh_capture_server) if m.startswith("pipe-")] == [f"pipe-{i}" for i in range(20)]


def test_connection_is_handed_to_h11_mid_way(fresh_capture_server):
    """Pushes, then a request that is not one (in the same packet): h11 answers it, and what follows."""
    push = f"GET /api/push/{PUSH_TOKEN}?msg=hand-{{}} HTTP/1.1\r\nHost: t\r\n\r\n"
    body_push = f"POST /api/push/{PUSH_TOKEN}?msg=hand-body HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
    payload = (push.format(0) + push.format(1) + "GET /api/entry-page HTTP/1.1\r\nHost: t\r\n\r\n"
               + body_push + push.format(2)).encode()
    answers = _exchange(fresh_capture_server.port, payload, 5)
    assert answers[2].startswith(b"HTTP/1.1 200 \r\n") and b"entryPage" in answers[2]  # Quart's route
    assert all(a.endswith(b'{"ok":true}') for i, a in enumerate(answers) if i != 2)
    stored = [m for m in _beat_msgs(fresh_capture_server) if m.startswith("hand-")]
    assert stored == ["hand-0", "hand-1", "hand-body", "hand-2"]


def test_a_request_split_across_packets_is_waited_for(fresh_capture_server):
    request = f"GET /api/push/{PUSH_TOKEN}?msg=split HTTP/1.1\r\nHost: t\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", fresh_capture_server.port), timeout=30) as sock:
        for i in range(0, len(request), 7):
            sock.sendall(request[i : i + 7])
        data = b""
        while not data.endswith(b'{"ok":true}'):
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
    assert data.startswith(b"HTTP/1.1 200 \r\n")
    assert "split" in _beat_msgs(fresh_capture_server)


def test_a_bad_request_gets_h11s_400(fresh_capture_server):
    """No Host (HTTP/1.1 requires one): not the front's, h11 refuses it as before."""
    answer = _exchange(fresh_capture_server.port, f"GET /api/push/{PUSH_TOKEN} HTTP/1.1\r\n\r\n".encode(), 1)[0]
    assert answer.startswith(b"HTTP/1.1 400 \r\n")
    assert b"connection: close" in answer


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /api/push/abc HTTP/1.0\r\n\r\n",  # HTTP/1.0: h11 adds Connection: close
        b"GET /api/push/abc HTTP/1.1\r\n\r\n",  # no Host
        b"GET /api/push/abc HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET /api/push/abc HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
        b"GET /api/push/abc HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET /api/push/abc HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        b"GET /api/push/abc HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        b"GET /api/push/abc HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
        b"GET /api/push/abc HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
        b"GET /api/push/abc HTTP/1.1\r\nHost : a\r\n\r\n",
        b"GET /api/push/a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n",  # a slash after decoding: Quart's 404
        b"GET /api/push/ HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET /api/pushx/abc HTTP/1.1\r\nHost: a\r\n\r\n",
        b"BREW /api/push/abc HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET /dashboard HTTP/1.1\r\n",  # incomplete, but not a push: h11 gets it at once
    ],
)
def test_parse_leaves_everything_else_to_h11(raw):
    assert push_wire.parse(raw) is HAND_OFF


def test_parse_takes_plain_pushes():
    raw = b"HEAD /api/push/a%41b?status=up&msg=x HTTP/1.1\r\nhost:a\r\nIf-None-Match:  W/\"x\" \r\nX: \r\n\r\nGET"
    request = push_wire.parse(raw)
    assert isinstance(request, PushRequest)
    assert (request.method, request.token, request.query, request.if_none_match) == (b"HEAD", "aAb", b"status=up&msg=x", b'W/"x"')
    assert raw[request.size :] == b"GET"
    assert push_wire.parse(raw[:30]) is INCOMPLETE
    assert push_wire.parse(b"GE") is INCOMPLETE


def _answered_then_left_open(port: int) -> socket.socket:
    """A connection that pushed once (the front serves it) and now sits idle."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"GET /api/push/{PUSH_TOKEN}?msg=idle HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    data = b""
    while not data.endswith(b'{"ok":true}'):
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    return sock


def _read_to_end(sock: socket.socket) -> bytes:
    rest = b""
    while chunk := sock.recv(65536):
        rest += chunk
    return rest


def test_an_idle_push_connection_is_closed_after_the_keep_alive_timeout(fresh_capture_server):
    """The front's one read timer (its deadline moved per read) still closes a connection left idle:
    the server ends it (the read below returns the end of stream, within the socket's 30 s bound)."""
    with _answered_then_left_open(fresh_capture_server.port) as sock:
        assert _read_to_end(sock) == b""  # closed by the server, nothing more sent


def test_server_stop_closes_an_idle_push_connection(fresh_capture_server):
    with _answered_then_left_open(fresh_capture_server.port) as sock:
        assert fresh_capture_server.stop() == 0  # fails when the idle connection holds the stop up
        assert _read_to_end(sock) == b""
