from __future__ import annotations

import pytest

from tests.realtime.harness import HubServer

#: what a client asks for → the transport it ends on (polling first, then the upgrade)
TRANSPORTS = {
    "websocket": (["websocket"], "websocket"),
    "polling": (["polling"], "polling"),
    "upgrade": (["polling", "websocket"], "websocket"),
}


@pytest.fixture(params=list(TRANSPORTS))
def transports(request):
    """(transports asked for, the transport the connection ends on), once per way of connecting."""
    return TRANSPORTS[request.param]


def install_test_handlers(hub, app) -> None:
    """Small handlers that exercise the hub API the way the API areas use it."""

    @hub.on("echo")
    async def echo(sock, *args):
        return args  # a tuple: one ack argument per element

    @hub.on("join")
    async def join(sock, room):
        sock.join(room)
        return {"ok": True, "size": hub.room_size(room)}

    @hub.on("leave")
    async def leave(sock, room):
        sock.leave(room)
        return {"ok": True}

    @hub.on("nothing")
    async def nothing(sock):
        return None

    @hub.on("fail")
    async def fail(sock):
        raise ValueError("broken on purpose")

    @hub.on("whoami")
    async def whoami(sock):
        return {"sid": sock.sid, "user_id": sock.user_id, "remote": sock.remote_addr,
                "ua": sock.headers.get("user-agent"), "auth": sock.auth}

    @hub.on("login")
    async def login(sock, user_id):
        sock.session["user_id"] = user_id
        sock.join(str(user_id))
        return {"ok": True}

    @hub.on("kick")
    async def kick(sock):
        await sock.disconnect()

    @hub.on_connect
    async def greet(sock):
        await sock.emit("info", {"primaryBaseURL": None})
        await sock.emit("loginRequired")

    app.test_state["disconnected"] = []

    @hub.on_disconnect
    async def gone(sock):
        app.test_state["disconnected"].append((sock.sid, sock.disconnect_reason))


@pytest.fixture
def hub_server(tmp_path):
    server = HubServer(tmp_path / "data", setup=install_test_handlers).start()
    yield server
    server.stop()


@pytest.fixture
def fast_ping_server(tmp_path):
    server = HubServer(tmp_path / "data", setup=install_test_handlers, ping_interval=0.3, ping_timeout=0.3).start()
    yield server
    server.stop()
