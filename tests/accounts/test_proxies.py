"""Proxies, Docker hosts, remote browsers and the database-size events against a running kuma."""
from __future__ import annotations

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trio

from tests.accounts.test_login_flow import _login
from tests.helpers.server import free_port
from tests.helpers.sessions import set_up_admin
from tests.helpers.transcripts import WireClient
from tests.helpers.waiting import wait_for_value


@pytest.fixture
def client(kuma_server):
    set_up_admin(kuma_server.url)
    c = WireClient(kuma_server.url)
    c.connect()
    _login(c)
    yield c
    c.disconnect()


def _last(client: WireClient, event: str):
    return client.events(event)[-1][0]


def test_proxy_lifecycle(client):
    proxy = {"protocol": "socks5", "host": "127.0.0.1", "port": 1080, "auth": True, "username": "u",
             "password": "p", "active": False, "default": True, "applyExisting": False}
    saved = client.call("addProxy", proxy, None)[0]
    assert saved == {"ok": True, "msg": "Saved.", "msgi18n": True, "id": 1}
    items = _last(client, "proxyList")
    assert list(items[0]) == ["id", "userId", "protocol", "host", "port", "auth", "username", "password", "active",
                              "default", "createdDate"]
    assert (items[0]["active"], items[0]["default"], items[0]["auth"]) == (1, 1, 1)  # active is always stored

    second = client.call("addProxy", {**proxy, "protocol": "http", "port": 3128}, None)[0]
    assert [p["default"] for p in _last(client, "proxyList")] == [0, 1]  # only one default proxy
    assert client.call("addProxy", {**proxy, "protocol": "ftp"}, None)[0]["msg"].startswith("Unsupported proxy protocol")
    assert client.call("addProxy", proxy, 99)[0] == {"ok": False, "msg": "proxy not found"}
    edited = client.call("addProxy", {**proxy, "host": "10.0.0.1"}, second["id"])[0]
    assert edited["id"] == second["id"] and _last(client, "proxyList")[1]["host"] == "10.0.0.1"
    assert client.call("deleteProxy", 1)[0] == {"ok": True, "msg": "successDeleted", "msgi18n": True}
    assert [p["id"] for p in _last(client, "proxyList")] == [second["id"]]


class _Docker(BaseHTTPRequestHandler):
    containers: list = [{"Id": "a"}, {"Id": "b"}]

    def do_GET(self):  # noqa: N802
        body = json.dumps(self.containers if self.path.startswith("/containers/json") else {}).encode()
        self.send_response(200 if self.path.startswith("/containers/json") else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

    def address_string(self):
        return "local"


class _UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        request, _ = super().get_request()
        return request, ("local", 0)


def test_docker_hosts(client, tmp_path):
    tcp = ThreadingHTTPServer(("127.0.0.1", free_port()), _Docker)
    threading.Thread(target=tcp.serve_forever, daemon=True).start()

    class Empty(_Docker):
        containers: list = []

    sock_path = str(tmp_path / "docker.sock")
    unix = _UnixHTTPServer(sock_path, Empty)
    threading.Thread(target=unix.serve_forever, daemon=True).start()
    try:
        host = {"name": "local", "dockerType": "tcp", "dockerDaemon": f"http://127.0.0.1:{tcp.server_address[1]}"}
        assert client.call("testDockerHost", host)[0] == {"ok": True, "msg": "Connected Successfully. Amount of containers: 2"}
        socket_host = {"name": "sock", "dockerType": "socket", "dockerDaemon": sock_path}
        assert client.call("testDockerHost", socket_host)[0]["msg"] == "Connected Successfully, but there are no containers?"
        assert client.call("testDockerHost", {**host, "dockerDaemon": f"http://127.0.0.1:{free_port()}"})[0]["ok"] is False
        assert client.call("addDockerHost", host, None)[0] == {"ok": True, "msg": "Saved.", "msgi18n": True, "id": 1}
        assert _last(client, "dockerHostList") == [
            {"id": 1, "userID": 1, "dockerDaemon": host["dockerDaemon"], "dockerType": "tcp", "name": "local"}]
        assert client.call("addDockerHost", {**host, "name": "renamed"}, 1)[0]["id"] == 1
        assert _last(client, "dockerHostList")[0]["name"] == "renamed"
        assert client.call("addDockerHost", {**host, "dockerType": "ssh"}, None)[0]["ok"] is False
        assert client.call("deleteDockerHost", 1)[0]["msg"] == "successDeleted"
        assert _last(client, "dockerHostList") == []
    finally:
        tcp.shutdown()
        unix.shutdown()


def _websocket_server(port: int, stop: threading.Event) -> None:
    from trio_websocket import serve_websocket

    async def handler(request):
        ws = await request.accept()
        try:
            await ws.get_message()
        except Exception:
            pass

    async def main():
        async with trio.open_nursery() as nursery:
            await nursery.start(serve_websocket, handler, "127.0.0.1", port, None)
            while not stop.is_set():
                await trio.sleep(0.05)
            nursery.cancel_scope.cancel()

    trio.run(main)


def test_remote_browsers(client):
    port, stop = free_port(), threading.Event()
    thread = threading.Thread(target=_websocket_server, args=(port, stop), daemon=True)
    thread.start()
    try:
        url = f"ws://127.0.0.1:{port}/devtools/browser/x"
        # the server thread may still be starting
        reply = wait_for_value(lambda: client.call("testRemoteBrowser", {"url": url})[0], lambda got: got["ok"],
                               what="the remote browser test to connect")
        assert reply == {"ok": True, "msg": "Connected Successfully."}
        assert client.call("testRemoteBrowser", {"url": f"ws://127.0.0.1:{free_port()}/"})[0]["ok"] is False
        assert client.call("addRemoteBrowser", {"name": "chrome", "url": url}, None)[0]["id"] == 1
        assert _last(client, "remoteBrowserList") == [{"id": 1, "url": url, "name": "chrome"}]
        assert client.call("deleteRemoteBrowser", 1)[0]["msg"] == "successDeleted"
        assert _last(client, "remoteBrowserList") == []
    finally:
        stop.set()
        thread.join(5)


def test_database_size_and_shrink(client, kuma_server):
    size = client.call("getDatabaseSize")[0]
    assert size["ok"] is True and size["size"] == (kuma_server.data_dir / "kuma.db").stat().st_size > 0
    assert client.call("shrinkDatabase") == [{"ok": True}]
