"""WebSocket Origin check, handler concurrency, per-socket order and slow-client protection."""
from __future__ import annotations

import json
import socket
import threading

import pytest
import trio
import websocket  # websocket-client

from kuma.realtime.origin import origin_allowed, origin_host
from kuma.store.settings import set_setting
from tests.realtime.harness import HubServer
from tests.realtime.util import RecordingClient, wait_until


def test_origin_rules():
    assert origin_host("http://example.com:3001") == "example.com:3001"
    assert origin_host("https://example.com:443") == "example.com"
    assert origin_host("http://[::1]:3001") == "[::1]:3001"
    assert origin_host("not a url") is None and origin_host("http://") is None
    assert origin_allowed("cors-like", None, "a:1", None, False)  # no Origin: a non-browser client
    assert origin_allowed("cors-like", "http://a:1", "a:1", None, False)
    assert not origin_allowed("cors-like", "http://evil:1", "a:1", None, False)
    assert not origin_allowed("cors-like", "::::", "a:1", None, False)
    assert origin_allowed("bypass", "http://evil:1", "a:1", None, False)
    assert not origin_allowed("cors-like", "http://proxy.example", "a:1", "proxy.example", False)
    assert origin_allowed("cors-like", "http://proxy.example", "a:1", "proxy.example", True)


def ws_url(server: HubServer) -> str:
    return f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"


def handshake_status(server: HubServer, headers: list[str]) -> int:
    try:
        ws = websocket.create_connection(ws_url(server), header=headers, suppress_origin=True)
    except websocket.WebSocketBadStatusException as exc:
        return exc.status_code
    ws.close()
    return 101


def test_websocket_origin_check(hub_server):
    host = f"127.0.0.1:{hub_server.port}"
    assert handshake_status(hub_server, []) == 101
    assert handshake_status(hub_server, [f"Origin: http://{host}"]) == 101
    assert handshake_status(hub_server, ["Origin: http://evil.example"]) == 400
    assert handshake_status(hub_server, ["Origin: nonsense"]) == 400
    # behind a proxy: only with the trustProxy setting does X-Forwarded-For count
    proxied = ["Origin: http://kuma.example", "X-Forwarded-For: kuma.example"]
    assert handshake_status(hub_server, proxied) == 400
    hub_server.call(hub_server.app.db.write, lambda db: set_setting(db, "trustProxy", True, "general"))
    assert handshake_status(hub_server, proxied) == 101
    # polling is never origin-checked (Uptime Kuma has no CORS on it either)
    import httpx

    r = httpx.get(f"{hub_server.url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                  headers={"Origin": "http://evil.example"})
    assert r.status_code == 200 and r.text.startswith('0{"sid"')


def test_bypass_mode(tmp_path):
    from tests.realtime.conftest import install_test_handlers

    server = HubServer(tmp_path / "data", setup=install_test_handlers, origin_check="bypass").start()
    try:
        assert handshake_status(server, ["Origin: http://evil.example"]) == 101
    finally:
        server.stop()


def slow_setup(hub, app):
    from tests.realtime.conftest import install_test_handlers

    install_test_handlers(hub, app)
    app.test_state["release"] = trio.Event()
    app.test_state["order"] = []

    @hub.on("slow")
    async def slow(sock, tag):
        await app.test_state["release"].wait()
        app.test_state["order"].append(tag)
        return tag

    @hub.on("fast")
    async def fast(sock, tag):
        app.test_state["order"].append(tag)
        return tag

    @hub.on("flood")
    async def flood(sock, count, size):
        for i in range(count):
            await sock.emit("bulk", i, "x" * size)
        return True


@pytest.fixture
def slow_server(tmp_path):
    server = HubServer(tmp_path / "data", setup=slow_setup, ping_interval=0.2, ping_timeout=0.3, max_outbox_bytes=1_000_000).start()
    yield server
    server.stop()


def test_slow_handler_blocks_neither_pings_nor_other_sockets_and_keeps_order(slow_server):
    a = RecordingClient(slow_server.url, ["websocket"])
    b = RecordingClient(slow_server.url, ["polling"])
    try:
        answers: list = []
        t = threading.Thread(target=lambda: answers.append(a.call("slow", "a1", timeout=30)))
        t.start()
        a.client.emit("fast", "a2")  # queued behind a1 on the same socket
        wait_until(lambda: b.call("fast", "b1") == "b1", what="other socket served")
        # several ping intervals pass while a1 is still running: both sockets stay connected
        for _ in range(5):
            assert b.call("echo", "tick") == "tick"
            threading.Event().wait(0.2)
        assert a.client.connected and b.client.connected
        assert slow_server.app.test_state["order"] == ["b1"]
        slow_server.call_sync(slow_server.app.test_state["release"].set)
        t.join(30)
        assert answers == ["a1"]
        wait_until(lambda: len(slow_server.app.test_state["order"]) == 3, what="a2 handled")
        assert slow_server.app.test_state["order"] == ["b1", "a1", "a2"]
        assert slow_server.app.test_state["disconnected"] == []
    finally:
        a.close()
        b.close()


def test_client_that_does_not_read_is_dropped(slow_server):
    ws = websocket.create_connection(ws_url(slow_server))
    ws.recv()
    ws.send("40")
    ws.recv()
    ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    ws.send('421["flood",5000,20000]')  # ~100 MB the client never reads
    wait_until(lambda: slow_server.app.test_state["disconnected"], timeout=60, what="slow client dropped")
    assert slow_server.app.test_state["disconnected"][0][1] in ("transport error", "ping timeout")
    assert slow_server.hub.sockets() == []
    ws.sock.close()


def robust_setup(hub, app):
    from tests.realtime.conftest import install_test_handlers

    install_test_handlers(hub, app)

    @hub.on("unencodable")
    async def unencodable(sock):
        return {"when": object()}

    @hub.on("hang")
    async def hang(sock):
        await trio.sleep_forever()


def test_unencodable_reply_and_event_flood(tmp_path):
    server = HubServer(tmp_path / "data", setup=robust_setup, max_pending_events=20).start()
    try:
        client = RecordingClient(server.url, ["websocket"])
        reply = client.call("unencodable")
        assert reply["ok"] is False and "not JSON serializable" in reply["msg"]
        assert client.call("echo", 1) == 1  # the hub is still serving
        client.client.emit("hang")
        for i in range(40):  # more than max_pending_events waiting behind the hung handler
            client.client.emit("echo", i)
        wait_until(lambda: server.app.test_state["disconnected"], what="flooding client dropped")
        other = RecordingClient(server.url, ["polling"])
        assert other.call("login", 5) == {"ok": True}
        assert server.hub.room_size(5) == 1  # rooms given as int are the same as their string
        other.close()
        client.close()
    finally:
        server.stop()
