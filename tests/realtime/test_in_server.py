"""The hub inside the real `kuma serve` process: reachable at /socket.io/, closed first on shutdown."""
from __future__ import annotations

import httpx
import socketio

from tests.realtime.util import wait_until


def test_real_server_serves_socketio_and_stops_with_clients_connected(kuma_server):
    clients = []
    for transports in (["websocket"], ["polling"]):
        client = socketio.Client(reconnection=False)
        disconnected: list = []
        client.on("disconnect", lambda *a, d=disconnected: d.append(a))
        client.connect(kuma_server.url, transports=transports, wait_timeout=10)
        assert client.connected and client.transport() == transports[0]
        clients.append((client, disconnected))
    r = httpx.get(f"{kuma_server.url}/socket.io/", params={"EIO": "4", "transport": "bogus"})
    assert r.json() == {"code": 0, "message": "Transport unknown"}
    assert kuma_server.stop() == 0  # fails when shutdown hangs on the open sessions
    for client, disconnected in clients:
        wait_until(lambda: disconnected, what="client sees the server go away")
        client.disconnect()
