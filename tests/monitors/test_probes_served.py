"""The new types inside a running kuma, from source and from the one-file binary: a docker monitor reads its
Docker host row from the database, a real-browser monitor's screenshot is served at the path its monitor JSON
names, and gRPC, websocket, SMTP and a program-run type (tailscale-ping, stand-in on PATH) check for real."""
from __future__ import annotations

import contextlib
import queue
import threading
from contextlib import contextmanager

import httpx
import pytest
import trio

from tests.helpers.docker_engine import docker_engine, state
from tests.monitors.test_program_types import TAILSCALE, stand_in
from tests.helpers.server import start_kuma
from tests.helpers.targets import http_target
from tests.helpers.waiting import wait_until

USERNAME, PASSWORD = "admin", "probe-Passw0rd"


pytestmark = pytest.mark.timeout(1500)  # the binary variant may wait for the build


@pytest.fixture(params=["source", "binary"])
def kuma(request, tmp_path):
    from tests.helpers.binary import built_binary

    env = stand_in(tmp_path, "tailscale", TAILSCALE, {"nas": ["pong from nas (100.64.0.2) via 10.0.0.2:41641 in 7ms\n", "", 0]})
    if request.param == "binary":
        elsewhere = tmp_path / "cwd"
        elsewhere.mkdir()
        server = start_kuma(tmp_path / "data", command=[str(built_binary())], cwd=elsewhere,
                            env={"PYTHONPATH": "", "PATH": env["PATH"]}, ready_timeout=90)
    else:
        server = start_kuma(tmp_path / "data", env={"PATH": env["PATH"]})
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def websocket_server():
    """A trio-websocket server in a thread of its own; yields its port."""
    from trio_websocket import serve_websocket

    found, stop = queue.Queue(), threading.Event()

    async def handler(request):
        ws = await request.accept()
        with contextlib.suppress(Exception):
            while True:
                await ws.get_message()

    async def main():
        async with trio.open_nursery() as nursery:
            listeners = await nursery.start(serve_websocket, handler, "127.0.0.1", 0, None)
            found.put(listeners.port)
            while not stop.is_set():
                await trio.sleep(0.05)
            nursery.cancel_scope.cancel()

    thread = threading.Thread(target=trio.run, args=(main,), daemon=True)
    thread.start()
    try:
        yield found.get(timeout=10)
    finally:
        stop.set()
        thread.join(10)


@contextmanager
def grpc_server():
    from concurrent import futures

    import grpc

    from tests.monitors.test_grpc_keyword import Reply, Request, say_hello

    handler = grpc.unary_unary_rpc_method_handler(say_hello, request_deserializer=Request.FromString,
                                                  response_serializer=Reply.SerializeToString)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("demo.v1.Greeter", {"SayHello": handler}),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield port
    finally:
        server.stop(None)


@contextmanager
def smtp_server():
    from aiosmtpd.controller import Controller

    from tests.helpers.server import free_port
    from tests.monitors.test_smtp import Sink

    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def test_new_types_check_for_real_in_a_running_server(kuma, tmp_path):
    from uptime_kuma_api import MonitorType, UptimeKumaApi

    from tests.monitors.test_grpc_keyword import PROTO

    with docker_engine({"web": [state("running", health="healthy")]}, socket_path=tmp_path / "d.sock") as (
            engine, daemon), http_target() as web, websocket_server() as ws_port, grpc_server() as grpc_port, \
            smtp_server() as smtp_port:
        api = UptimeKumaApi(kuma.url, timeout=30, wait_events=0.1)
        try:
            api.setup(USERNAME, PASSWORD)
            api.login(USERNAME, PASSWORD)
            host_id = api.add_docker_host(name="local", dockerType="socket", dockerDaemon=daemon)["id"]
            docker_id = api.add_monitor(type=MonitorType.DOCKER, name="Web container", docker_container="web",
                                        docker_host=host_id, interval=20)["monitorID"]
            browser_id = api.add_monitor(type=MonitorType.REAL_BROWSER, name="Web page", url=web.url + "/",
                                         interval=20)["monitorID"]

            def latest(monitor_id):
                beats = api.get_heartbeats().get(monitor_id) or []
                return beats[-1] if beats else None

            others = {
                api.add_monitor(type=MonitorType.WEBSOCKET_UPGRADE, name="WS", url=f"ws://127.0.0.1:{ws_port}/",
                                accepted_statuscodes=["1000"], interval=20)["monitorID"]: "1000 - OK",
                api.add_monitor(type=MonitorType.SMTP, name="Mail", hostname="127.0.0.1", port=smtp_port,
                                interval=20)["monitorID"]: "SMTP connection verifies successfully",
                api.add_monitor(type=MonitorType.TAILSCALE_PING, name="NAS", hostname="nas",
                                interval=20)["monitorID"]: "OK",
                api.add_monitor(type=MonitorType.GRPC_KEYWORD, name="gRPC", grpcUrl=f"127.0.0.1:{grpc_port}",
                                grpcProtobuf=PROTO, grpcServiceName="demo.v1.Greeter", grpcMethod="sayHello",
                                grpcBody='{"name": "Kuma"}', keyword="Hello Kuma",
                                interval=20)["monitorID"]: '{"message":"Hello Kuma"}, keyword [Hello Kuma] is found',
            }
            for monitor_id, msg in others.items():
                beat = wait_until(lambda: latest(monitor_id), 30, f"a beat of {monitor_id}", interval=0.2)
                assert (beat["status"], beat["msg"]) == (1, msg), beat
            beat = wait_until(lambda: latest(docker_id), 30, "a docker beat", interval=0.2)
            assert (beat["status"], beat["msg"]) == (1, "healthy"), beat
            assert "/containers/web/json" in engine.requests
            beat = wait_until(lambda: latest(browser_id), 60, "a real-browser beat", interval=0.2)
            assert (beat["status"], beat["msg"]) == (1, "200"), beat
            screenshot = api.get_monitor(browser_id)["screenshot"]
            assert screenshot.startswith("/screenshots/") and screenshot.endswith(".png")
        finally:
            api.disconnect()
    served = httpx.get(kuma.url + screenshot)
    assert served.status_code == 200 and served.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert httpx.get(kuma.url + "/screenshots/nope.png").status_code == 404
