"""Engine.IO bytes on the wire, compared with the Uptime Kuma 2.5.3 capture (engineio/handshake.md)."""
from __future__ import annotations

import json
import re
import threading

import httpx
import websocket  # websocket-client

from tests.realtime.util import wait_until

SID = re.compile(r"^[A-Za-z0-9_-]{20}$")


def handshake(client: httpx.Client, url: str) -> str:
    r = client.get(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling", "t": "PfxA1"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; charset=UTF-8"
    assert r.headers["cache-control"] == "no-store"
    assert r.text.startswith("0")
    opened = json.loads(r.text[1:])
    assert list(opened) == ["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"]
    assert SID.match(opened["sid"])
    assert opened["upgrades"] == ["websocket"]
    assert (opened["pingInterval"], opened["pingTimeout"], opened["maxPayload"]) == (25000, 20000, 1000000)
    return opened["sid"]


def test_polling_handshake_connect_and_events(hub_server):
    url = hub_server.url
    with httpx.Client(timeout=10) as client:
        sid = handshake(client, url)
        q = {"EIO": "4", "transport": "polling", "sid": sid}
        r = client.post(f"{url}/socket.io/", params=q, content="40", headers={"Content-Type": "text/plain;charset=UTF-8"})
        assert (r.status_code, r.text, r.headers["content-type"]) == (200, "ok", "text/html")
        r = client.get(f"{url}/socket.io/", params=q)
        assert re.fullmatch(r'40\{"sid":"[A-Za-z0-9_-]{20}"\}', r.text)  # the CONNECT ack travels alone
        assert r.text[4:24] != sid
        r = client.get(f"{url}/socket.io/", params=q)
        events = r.text.split("\x1e")
        assert events == ['42["info",{"primaryBaseURL":null}]', '42["loginRequired"]']
        # many packets in one POST (python-engineio's decoder would stop at 16)
        body = "\x1e".join(f'42{i}["echo",{i}]' for i in range(40))
        assert client.post(f"{url}/socket.io/", params=q, content=body).text == "ok"
        acks: list[str] = []
        while len(acks) < 40:
            acks += client.get(f"{url}/socket.io/", params=q).text.split("\x1e")
        assert acks == [f"43{i}[{i}]" for i in range(40)]  # in order, each acked by return value
        # a second GET while one waits: Bad request, and the session is closed
        waiting: list[httpx.Response] = []
        t = threading.Thread(target=lambda: waiting.append(client.get(f"{url}/socket.io/", params=q)))
        t.start()
        wait_until(lambda: hub_server.hub.get_connection(sid).session.poll_pending, what="pending poll")
        with httpx.Client(timeout=10) as other:
            r = other.get(f"{url}/socket.io/", params=q)
        assert (r.status_code, r.json()) == (400, {"code": 3, "message": "Bad request"})
        t.join(10)
        assert waiting and waiting[0].text == "1"  # the waiting poll learns the session closed


def test_error_bodies(hub_server):
    url = hub_server.url
    cases = [
        ({"EIO": "3", "transport": "polling", "t": "x"}, {"code": 5, "message": "Unsupported protocol version"}),
        ({"EIO": "4", "transport": "polling", "t": "x", "sid": "doesnotexist"}, {"code": 1, "message": "Session ID unknown"}),
        ({"EIO": "4", "transport": "bogus"}, {"code": 0, "message": "Transport unknown"}),
    ]
    with httpx.Client(timeout=10) as client:
        for params, body in cases:
            r = client.get(f"{url}/socket.io/", params=params)
            assert r.status_code == 400
            assert r.headers["content-type"] == "application/json"
            assert r.content == json.dumps(body, separators=(",", ":")).encode()
        r = client.post(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"}, content="40")
        assert (r.status_code, r.json()) == (400, {"code": 2, "message": "Bad handshake method"})


def test_upgrade_sequence_and_polling_after_upgrade(hub_server):
    url = hub_server.url
    with httpx.Client(timeout=10) as client:
        sid = handshake(client, url)
        q = {"EIO": "4", "transport": "polling", "sid": sid}
        client.post(f"{url}/socket.io/", params=q, content="40")
        assert client.get(f"{url}/socket.io/", params=q).text.startswith("40{")
        first = client.get(f"{url}/socket.io/", params=q).text  # info + loginRequired
        assert first.endswith('42["loginRequired"]')
        pending: list[httpx.Response] = []
        t = threading.Thread(target=lambda: pending.append(client.get(f"{url}/socket.io/", params=q)))
        t.start()
        wait_until(lambda: hub_server.hub.get_connection(sid).session.poll_pending, what="pending poll")
        ws = websocket.create_connection(f"ws://127.0.0.1:{hub_server.port}/socket.io/?EIO=4&transport=websocket&sid={sid}")
        ws.send("2probe")
        assert ws.recv() == "3probe"
        t.join(10)
        assert pending[0].text == "6"  # the waiting poll is released with a noop
        ws.send("5")
        ws.send('421["echo","over websocket"]')
        assert ws.recv() == '431["over websocket"]'
        r = client.get(f"{url}/socket.io/", params=q)
        assert (r.status_code, r.json()) == (400, {"code": 3, "message": "Bad request"})
        ws.close()


def test_websocket_only_handshake(hub_server):
    ws = websocket.create_connection(f"ws://127.0.0.1:{hub_server.port}/socket.io/?EIO=4&transport=websocket")
    try:
        opened = ws.recv()
        assert opened.startswith("0")
        body = json.loads(opened[1:])
        assert body["upgrades"] == [] and SID.match(body["sid"])
        ws.send("40")
        assert re.fullmatch(r'40\{"sid":"[A-Za-z0-9_-]{20}"\}', ws.recv())
        assert ws.recv() == '42["info",{"primaryBaseURL":null}]'
        assert ws.recv() == '42["loginRequired"]'
        ws.send('40/admin,')
        assert ws.recv() == '44/admin,{"message":"Invalid namespace"}'
        ws.send('42["unknownEvent"]')
        ws.send('425["unknownEvent",1]')  # never acked, like Uptime Kuma
        ws.send('426["nothing"]')
        assert ws.recv() == "436[]"
    finally:
        ws.close()


def test_websocket_without_compression(hub_server):
    """Uptime Kuma (Socket.IO's default) does not negotiate permessage-deflate; neither do we."""
    import socket

    with socket.create_connection(("127.0.0.1", hub_server.port), timeout=10) as raw:
        raw.sendall(
            b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += raw.recv(4096)
    status, *headers = head.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert b" 101 " in status
    assert not [h for h in headers if h.lower().startswith(b"sec-websocket-extensions")]


def test_many_clients_get_one_broadcast_in_order(hub_server):
    """The frames of a broadcast are shared by every outbox: each client still sees its own exact bytes."""
    sockets = [websocket.create_connection(f"ws://127.0.0.1:{hub_server.port}/socket.io/?EIO=4&transport=websocket")
               for _ in range(20)]
    try:
        for ws in sockets:
            ws.recv()
            ws.send("40")
            ws.recv(), ws.recv(), ws.recv()  # CONNECT ack, info, loginRequired
        for i in range(3):
            hub_server.call(lambda i=i: hub_server.hub.emit("monitorList", {"1": {"id": 1, "n": i}}))
        for ws in sockets:
            assert [ws.recv() for _ in range(3)] == [f'42["monitorList",{{"1":{{"id":1,"n":{i}}}}}]' for i in range(3)]
    finally:
        for ws in sockets:
            ws.close()
