"""The npm `socket.io-client` v4 (what browsers and Uptime Kuma's own frontend use), driven by node."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.realtime.util import wait_until

NPM_CACHE = Path.home() / ".cache" / "kuma-test-npm"
CLIENT_VERSION = "4.8.4"
AGENT = Path(__file__).with_name("node_agent.js")


def socket_io_client() -> Path:
    """Install socket.io-client into the cache folder once; fail (not skip) without node."""
    node, npm = shutil.which("node") or "/usr/bin/node", shutil.which("npm")
    if not Path(node).exists():
        pytest.fail("node is missing: install Node.js (expected at /usr/bin/node) to run the socket.io-client tests")
    package = NPM_CACHE / "node_modules" / "socket.io-client"
    if not (package / "package.json").exists():
        if npm is None:
            pytest.fail("npm is missing: cannot install socket.io-client for the node client tests")
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(NPM_CACHE), f"socket.io-client@{CLIENT_VERSION}"],
            check=True, timeout=300,
        )
    return package


class NodeAgent:
    def __init__(self, url: str, transports: list[str]) -> None:
        env = dict(os.environ, SOCKET_IO_CLIENT=str(socket_io_client()))
        self.process = subprocess.Popen(
            [shutil.which("node") or "/usr/bin/node", str(AGENT), url, ",".join(transports)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
        self.messages: list[dict] = []
        self._calls = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.messages.append(json.loads(line))

    def of(self, kind: str) -> list[dict]:
        return [m for m in list(self.messages) if m["type"] == kind]

    def events(self, name: str) -> list[list]:
        return [m["args"] for m in self.of("event") if m["event"] == name]

    def send(self, **command: Any) -> None:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def call(self, event: str, *args: Any) -> list:
        self._calls += 1
        call_id = self._calls
        self.send(cmd="call", id=call_id, event=event, args=list(args))
        ack = wait_until(lambda: next((m for m in self.of("ack") if m["id"] == call_id), None), what=f"ack of {event}")
        return ack["args"]

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.send(cmd="close")
                self.process.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def test_node_client_acks_pushes_and_rooms(hub_server, transports):
    wanted, final = transports
    a, b = NodeAgent(hub_server.url, wanted), NodeAgent(hub_server.url, wanted)
    try:
        for agent in (a, b):
            wait_until(lambda: agent.events("loginRequired"), what="loginRequired")
            assert agent.events("info") == [[{"primaryBaseURL": None}]]
            assert agent.events("loginRequired") == [[]]
        assert a.call("echo", {"x": "é"}, 2) == [{"x": "é"}, 2]
        assert a.call("nothing") == []  # ack with no arguments
        assert a.call("fail") == [{"ok": False, "msg": "broken on purpose"}]
        assert a.call("echo", {"$bin": "00ff10"}) == [{"$bin": "00ff10"}]  # binary both ways
        assert a.call("login", 7) == [{"ok": True}]
        assert b.call("login", 7) == [{"ok": True}]
        assert hub_server.hub.room_size("7") == 2
        hub_server.call(lambda: hub_server.hub.emit("heartbeat", {"monitorID": 3, "status": 0}, room="7"))
        for agent in (a, b):
            wait_until(lambda: agent.events("heartbeat"), what="room broadcast")
            assert agent.events("heartbeat") == [[{"monitorID": 3, "status": 0}]]
        a.send(cmd="transport")
        wait_until(lambda: a.of("transport"), what="transport")
        if final == "websocket":
            wait_until(lambda: (a.send(cmd="transport"), a.of("transport")[-1]["name"] == final)[1], what="upgrade")
        assert a.of("transport")[-1]["name"] == final
    finally:
        a.close()
        b.close()
    wait_until(lambda: len(hub_server.app.test_state["disconnected"]) == 2, what="both disconnects")
    assert hub_server.hub.room_size("7") == 0


def test_node_client_frozen_is_dropped_by_ping_timeout_then_reconnects(fast_ping_server, transports):
    wanted, _ = transports
    agent = NodeAgent(fast_ping_server.url, wanted)
    try:
        wait_until(lambda: agent.of("connect"), what="connect")
        first = agent.of("connect")[0]["id"]
        agent.process.send_signal(signal.SIGSTOP)  # stops answering pings
        try:
            wait_until(lambda: fast_ping_server.app.test_state["disconnected"], what="ping timeout")
        finally:
            agent.process.send_signal(signal.SIGCONT)
        assert fast_ping_server.app.test_state["disconnected"][0][1] == "ping timeout"
        wait_until(lambda: len(agent.of("connect")) == 2, what="reconnect")
        assert agent.of("connect")[1]["id"] != first
        assert agent.call("echo", "back") == ["back"]
        assert len(fast_ping_server.hub.sockets()) == 1
    finally:
        agent.close()
