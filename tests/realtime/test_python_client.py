"""python-socketio's real Client against the hub over websocket-only, polling-only and polling→upgrade."""
from __future__ import annotations

from tests.realtime.util import RecordingClient, wait_until


def test_connect_push_and_acks(hub_server, transports):
    wanted, final = transports
    client = RecordingClient(hub_server.url, wanted)
    try:
        wait_until(lambda: client.named("loginRequired"), what="loginRequired")
        assert [e for e, _ in client.events[:2]] == ["info", "loginRequired"]
        assert client.named("info") == [({"primaryBaseURL": None},)]
        assert client.named("loginRequired") == [()]  # exact arity: no arguments
        wait_until(lambda: client.client.transport() == final, what=f"transport {final}")

        assert client.call("echo", {"name": "é ✓"}, 5, [1.5, None]) == ({"name": "é ✓"}, 5, [1.5, None])
        assert client.call("echo", "one") == "one"
        assert client.call("fail") == {"ok": False, "msg": "broken on purpose"}
        assert client.call("nothing") is None  # ack with no arguments

        me = client.call("whoami")
        assert me["remote"] == "127.0.0.1" and me["user_id"] is None
        assert hub_server.hub.get_socket(me["sid"]) is not None
        sock = hub_server.hub.get_socket(me["sid"])
        hub_server.call(sock.emit, "direct", {"n": 1}, "two")
        wait_until(lambda: client.named("direct"), what="direct push")
        assert client.named("direct") == [({"n": 1}, "two")]
        binary = b"\x00\x01\xffbinary"
        hub_server.call(sock.emit, "blob", {"data": binary})
        wait_until(lambda: client.named("blob"), what="binary push")
        assert client.named("blob") == [({"data": binary},)]
        assert client.call("echo", {"raw": binary}) == {"raw": binary}
    finally:
        client.close()
    wait_until(lambda: hub_server.app.test_state["disconnected"], what="on_disconnect")
    # python-socketio sends `41` and closes the transport right after: either may be seen first
    assert hub_server.app.test_state["disconnected"][0][1] in ("client namespace disconnect", "transport close")
    assert hub_server.hub.sockets() == []


def test_room_broadcast_reaches_only_members(hub_server, transports):
    wanted, _ = transports
    a = RecordingClient(hub_server.url, wanted)
    b = RecordingClient(hub_server.url, ["websocket"])
    outsider = RecordingClient(hub_server.url, wanted)
    try:
        assert a.call("login", 1) == {"ok": True}
        assert b.call("login", 1) == {"ok": True}
        assert outsider.call("login", 2) == {"ok": True}
        assert hub_server.hub.room_size("1") == 2
        assert {s.user_id for s in hub_server.hub.sockets_in_room("1")} == {1}

        hub_server.call(lambda: hub_server.hub.emit("heartbeat", {"monitorID": 1, "status": 1}, room="1"))
        hub_server.call(lambda: hub_server.hub.emit("everyone", 42))
        for client in (a, b, outsider):
            wait_until(lambda: client.named("everyone"), what="broadcast to all")
        assert a.named("heartbeat") == [({"monitorID": 1, "status": 1},)]
        assert b.named("heartbeat") == [({"monitorID": 1, "status": 1},)]
        assert outsider.named("heartbeat") == []  # the room event was queued before "everyone"
        assert outsider.named("everyone") == [(42,)]

        assert a.call("leave", "1") == {"ok": True}
        assert hub_server.hub.room_size("1") == 1
    finally:
        for client in (a, b, outsider):
            client.close()
    wait_until(lambda: len(hub_server.app.test_state["disconnected"]) == 3, what="three disconnects")
    assert hub_server.hub.room_size("1") == 0


def test_server_disconnect_is_final(hub_server, transports):
    wanted, _ = transports
    client = RecordingClient(hub_server.url, wanted)
    try:
        client.client.emit("kick")
        wait_until(lambda: client.disconnect_reasons, what="disconnect")
        assert client.disconnect_reasons[0] == client.client.reason.SERVER_DISCONNECT
        wait_until(lambda: hub_server.app.test_state["disconnected"], what="on_disconnect")
        assert hub_server.app.test_state["disconnected"][0][1] == "server namespace disconnect"
        assert client.connects == 1
    finally:
        client.close()


def test_reconnects_after_transport_loss(hub_server, transports):
    wanted, _ = transports
    client = RecordingClient(hub_server.url, wanted, reconnection_delay=0.1, reconnection_delay_max=0.2)
    try:
        first = client.call("whoami")["sid"]
        sock = hub_server.hub.get_socket(first)
        hub_server.call_sync(sock.conn.lost, "transport error")
        wait_until(lambda: client.connects == 2, what="reconnect")
        second = client.call("whoami")["sid"]
        assert second != first
        assert len(client.named("loginRequired")) == 2
    finally:
        client.close()


def test_ping_keeps_a_live_client_and_drops_a_dead_one(fast_ping_server):
    import websocket  # websocket-client: a raw client that never answers pings

    live = RecordingClient(fast_ping_server.url, ["websocket"])
    dead = websocket.create_connection(f"ws://127.0.0.1:{fast_ping_server.port}/socket.io/?EIO=4&transport=websocket")
    try:
        assert dead.recv().startswith('0{"sid":')
        dead.send("40")
        assert dead.recv().startswith('40{"sid":')
        wait_until(lambda: len(fast_ping_server.hub.sockets()) == 2, what="two sockets")
        assert dead.recv().startswith('42["info"')
        assert dead.recv() == '42["loginRequired"]'
        assert dead.recv() == "2"  # a ping, left unanswered
        wait_until(lambda: fast_ping_server.app.test_state["disconnected"], what="ping timeout")
        assert [r for _, r in fast_ping_server.app.test_state["disconnected"]] == ["ping timeout"]
        # the live client answered several pings meanwhile and is still there
        assert live.client.connected and live.call("echo", "still here") == "still here"
        assert len(fast_ping_server.hub.sockets()) == 1
    finally:
        dead.close()
        live.close()
