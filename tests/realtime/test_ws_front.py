"""kuma's websocket front (kuma/realtime/ws_front.py): `/socket.io/` websockets served before h11.

Real hub, endpoint and Hypercorn on 127.0.0.1, real clients (python-socketio, websocket-client, raw
sockets). Each test checks that the front did serve (its `served` counter) or did not, and compares the
bytes with what Hypercorn answers for the same request when the front is taken off the app.
"""
from __future__ import annotations

import base64
import re
import socket
import time

import websocket

from kuma.realtime import ws_front
from tests.realtime.harness import HubServer
from tests.realtime.util import RecordingClient, wait_until

KEY = base64.b64encode(b"0123456789abcdef").decode()
UPGRADE = (
    "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    f"Connection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
)
DATE = re.compile(rb"date: [^\r]+\r\n")


def _front(server: HubServer) -> ws_front.WsFront:
    front = getattr(server.web, ws_front.FRONT_ATTR)
    assert isinstance(front, ws_front.WsFront)
    return front


def _raw_session(port: int) -> websocket.WebSocket:
    """A raw websocket client past Engine.IO's open packet and Socket.IO's connect."""
    raw = websocket.create_connection(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=10)
    assert raw.recv().startswith("0{")
    raw.send("40")
    assert raw.recv().startswith("40")
    return raw


def _exchange(port: int, request: bytes, *, want: int = 1) -> bytes:
    """Send `request`; read the answer's head and then its body (content-length), or `want` bytes after
    a head without one (a 101: the first websocket frame)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while True:
            head_end = data.find(b"\r\n\r\n")
            if head_end >= 0:
                length = re.search(rb"content-length: (\d+)\r\n", data[:head_end + 2].lower())
                if len(data) >= head_end + 4 + (int(length.group(1)) if length else want):
                    return data
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk


def _without_front(server: HubServer, request: bytes, **kw) -> bytes:
    """What Hypercorn itself answers (the front taken off the app for this one exchange)."""
    front = getattr(server.web, ws_front.FRONT_ATTR)
    delattr(server.web, ws_front.FRONT_ATTR)
    try:
        return _exchange(server.port, request, **kw)
    finally:
        setattr(server.web, ws_front.FRONT_ATTR, front)


def _same(ours: bytes, theirs: bytes) -> None:
    """Equal bytes, the `date` header's value aside (it is the wall second of each answer)."""
    assert DATE.search(ours) and DATE.search(theirs)
    assert DATE.sub(b"date: -\r\n", ours) == DATE.sub(b"date: -\r\n", theirs)


def test_socketio_client_and_raw_websocket_go_through_the_front(hub_server: HubServer):
    front = _front(hub_server)
    before = front.served
    client = RecordingClient(hub_server.url, ["websocket"])
    try:
        assert client.call("echo", "hi", {"n": 1}) == ("hi", {"n": 1})
        raw = _raw_session(hub_server.port)
        try:
            raw.send('421["echo",' + '"' + "x" * 100_000 + '"]')  # one message in several TCP segments
            while not (frame := raw.recv()).startswith("431"):  # pings answered, the greeting skipped
                if frame == "2":
                    raw.send("3")
            assert frame == '431["' + "x" * 100_000 + '"]'
            raw.ping(b"p")  # a websocket-level ping is answered, as Hypercorn does
            assert raw.recv_data_frame(True)[1].data == b"p"
        finally:
            raw.close()
    finally:
        client.close()
    wait_until(lambda: not hub_server.hub.sockets(), what="both clients gone")
    assert front.served == before + 2


def test_the_handshake_answer_is_hypercorns_byte_for_byte(hub_server: HubServer):
    front = _front(hub_server)
    ours = _exchange(hub_server.port, UPGRADE.encode())
    theirs = _without_front(hub_server, UPGRADE.encode())
    head, _, first = ours.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101 \r\n") and first[:1] == b"\x81"  # the Engine.IO open packet follows
    _same(ours.split(b"\r\n\r\n")[0], theirs.split(b"\r\n\r\n")[0])
    wait_until(lambda: front.served == 1, what="the fronted socket ended")
    # a browser's offer of permessage-deflate is declined, by both
    offer = UPGRADE.replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
    ours = _exchange(hub_server.port, offer.encode())
    _same(ours.split(b"\r\n\r\n")[0], _without_front(hub_server, offer.encode()).split(b"\r\n\r\n")[0])
    assert b"sec-websocket-extensions" not in ours.lower()
    wait_until(lambda: front.served == 2, what="the second fronted socket ended")


def test_malformed_and_refused_upgrades_get_hypercorns_answer(hub_server: HubServer):
    front = _front(hub_server)
    cases = [
        UPGRADE.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 12"),  # h11: Hypercorn's 400
        UPGRADE.replace(f"Sec-WebSocket-Key: {KEY}\r\n", ""),  # no key
        UPGRADE.replace("Host: 127.0.0.1\r\n", ""),  # h11 refuses a request without Host
        UPGRADE.replace("transport=websocket", "transport=websocket&sid=nope"),  # the endpoint refuses: replayed
        UPGRADE.replace("EIO=4", "EIO=3"),  # refused by the endpoint: unsupported protocol version
        UPGRADE.replace("Host: 127.0.0.1", "Host: 127.0.0.1\r\nOrigin: http://evil.example"),  # forbidden origin
        UPGRADE.replace("GET /socket.io/?EIO=4&transport=websocket", "GET /socket.io/?EIO=4&transport=polling"),
    ]
    for request in cases:
        ours = _exchange(hub_server.port, request.encode())
        theirs = _without_front(hub_server, request.encode())
        assert not ours.startswith(b"HTTP/1.1 101"), request
        _same(ours, theirs)
    assert front.served == 0


def test_server_stop_closes_fronted_websockets(tmp_path):
    server = HubServer(tmp_path / "data").start()
    raw = _raw_session(server.port)
    try:
        server.stop()  # fails when the open websocket holds the server up
        frames = []
        while True:
            opcode, data = raw.recv_data(control_frame=True)
            frames.append((opcode, data))
            if opcode == websocket.ABNF.OPCODE_CLOSE or not data:
                break
        assert frames[-1][0] == websocket.ABNF.OPCODE_CLOSE  # closed by the server, not left hanging
        assert _front(server).served == 1
    finally:
        raw.close()


def test_parse_upgrade_is_narrow():
    path = b"/socket.io/"
    upgrade = ws_front.parse_upgrade(UPGRADE.encode() + b"rest", path)
    assert isinstance(upgrade, ws_front.Upgrade) and upgrade.size == len(UPGRADE) and upgrade.key == KEY.encode()
    assert ws_front.parse_upgrade(UPGRADE.encode()[:40], path) is ws_front.INCOMPLETE
    for other in (UPGRADE.replace("GET", "POST"), UPGRADE.replace("HTTP/1.1", "HTTP/1.0"),
                  UPGRADE.replace("/socket.io/", "/socket.io/x"), UPGRADE.replace("Upgrade: websocket", "Upgrade: h2c"),
                  UPGRADE.replace("Host: 127.0.0.1", "Host: a\r\nHost: b"),
                  UPGRADE.replace("Host: 127.0.0.1", "Host: a\r\nContent-Length: 0"),
                  UPGRADE.replace("Host: 127.0.0.1", "Host: a\r\nSec-WebSocket-Protocol: chat"),
                  UPGRADE.replace("Host: 127.0.0.1", "Host: a\r\n folded"), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"):
        assert ws_front.parse_upgrade(other.encode(), path) is ws_front.HAND_OFF, other
    assert ws_front.parse_upgrade(b"GET /api/push/x HTTP/1.1\r\n", path) is ws_front.HAND_OFF
