"""Check-type benchmark: prints figures, asserts nothing.

For each type (http, https with TLS info, keyword, json-query, port, dns, ping; then snmp, ntp, radius,
sip-options, gamedig, steam, globalping) runs --count checks against
local targets, first one after another, then --concurrency at a time, and prints wall ms per check, CPU ms
per check of this process, and checks per second. Targets are the test helpers (threads in this process, so
their CPU counts too: the CPU figure is an upper bound).

Then the database and broker types against their local servers (tests/helpers/db_servers.py: PostgreSQL,
MariaDB, Redis, Mosquitto, RabbitMQ as child processes, whose CPU is not counted; the MongoDB, SQL Server
and Kafka stand-ins are threads here, whose CPU is; oracledb has no server here and is not measured), and a fleet of 200 postgres + 200 redis monitors
checking every 20 s for --fleet-seconds: CPU % of this process, RSS and the most threads seen.

    .venv/bin/python scripts/bench/checks.py
    .venv/bin/python scripts/bench/checks.py --count 500 --concurrency 50 --fleet-seconds 60
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import trio  # noqa: E402

from kuma.monitors.base import CheckContext, get_monitor_type  # noqa: E402
from tests.helpers import db_servers  # noqa: E402
from tests.helpers.fake_mongo import fake_mongo  # noqa: E402
from tests.helpers.fake_kafka import fake_kafka  # noqa: E402
from tests.helpers.fake_tds import fake_tds  # noqa: E402
from tests.helpers.monitor_rows import monitor_row  # noqa: E402
from tests.helpers.targets import dns_server, http_target, make_cert, tcp_listener  # noqa: E402


async def measure(
    row: dict, count: int, concurrency: int, ctx: CheckContext | None = None
) -> tuple[float, float, float, int]:
    """(wall ms per check, CPU ms per check, checks/s, failures)."""
    mtype = get_monitor_type(row["type"])
    ctx = ctx or CheckContext()
    failures = 0
    limiter = trio.CapacityLimiter(concurrency)

    async def one() -> None:
        nonlocal failures
        async with limiter:
            try:
                await mtype.check(row, ctx)
            except Exception:
                failures += 1

    wall, cpu = time.perf_counter(), time.process_time()
    async with trio.open_nursery() as nursery:
        for _ in range(count):
            nursery.start_soon(one)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall * 1000 / count, cpu * 1000 / count, count / wall, failures


async def main(count: int, concurrency: int) -> None:
    cert = make_cert()
    table = {("example.test.", "A"): ["127.0.0.1"]}
    with http_target() as web, http_target(tls=cert) as secure, tcp_listener() as tcp_port, \
            dns_server(table) as dns_port:
        rows = {
            "http": monitor_row(type="http", url=web.url + "/"),
            "https (TLS info)": monitor_row(type="http", url=secure.url + "/", ignore_tls=1),
            "keyword": monitor_row(type="keyword", url=web.url + "/", keyword="healthy"),
            "json-query": monitor_row(type="json-query", url=web.url + "/json", json_path="status", expected_value="ok"),
            "port": monitor_row(type="port", hostname="127.0.0.1", port=tcp_port),
            "dns": monitor_row(type="dns", hostname="example.test", dns_resolve_server="127.0.0.1", port=dns_port),
            "ping": monitor_row(type="ping", hostname="127.0.0.1", timeout=10),
        }
        print(f"{'type':<18}{'mode':<12}{'wall ms/check':>14}{'cpu ms/check':>14}{'checks/s':>10}{'failed':>8}")
        for name, row in rows.items():
            await measure(row, 3, 1)  # warm-up: imports, TLS context, first connections
            runs = [("serial", 1)] if name == "ping" else [("serial", 1), (f"x{concurrency}", concurrency)]
            for mode, limit in runs:
                n = min(count, 20) if name == "ping" else count
                wall, cpu, rate, failed = await measure(row, n, limit)
                print(f"{name:<18}{mode:<12}{wall:>14.2f}{cpu:>14.2f}{rate:>10.1f}{failed:>8}")
    await bench_probes(count, concurrency)
    await probe_a(count, concurrency)


# ---- protocol probes (issue 18, part b): against real snmpd / chronyd / freeradius and the tests' responders.
# globalping: a create + one fetch of the stand-in API per check (its first measurement alone waits one 0.5 s poll).
async def bench_probes(count: int, concurrency: int) -> None:
    from contextlib import ExitStack

    from tests.helpers.probe_daemons import (
        OID_SYS_SERVICES, RADIUS_PASSWORD, RADIUS_SECRET, RADIUS_USER, SNMP_COMMUNITY, chronyd, freeradius, snmpd,
    )
    from tests.monitors.test_gamedig import a2s, udp_server
    from tests.monitors.test_globalping import PING_OK, FakeApi
    from tests.monitors.test_sip_options import sip_server
    from tests.monitors.test_steam import PATH, steam_api

    with ExitStack() as stack:
        snmp_port, ntp_port = stack.enter_context(snmpd()), stack.enter_context(chronyd())
        radius_port = stack.enter_context(freeradius())
        sip_port, _ = stack.enter_context(sip_server())
        game_port, _ = stack.enter_context(udp_server(a2s))
        steam = stack.enter_context(http_target({PATH: steam_api}))
        globalping = stack.enter_context(http_target(FakeApi(PING_OK).routes()))
        keys = {"steamAPIKey": "good-key"}
        ctx = CheckContext(settings=keys.get, steam_api_url=steam.url + PATH, globalping_api_url=globalping.url + "/v1")
        host = {"hostname": "127.0.0.1", "timeout": 5}
        rows = {
            "snmp v2c": monitor_row(type="snmp", port=snmp_port, snmp_version="2c", radius_password=SNMP_COMMUNITY,
                                    snmp_oid=OID_SYS_SERVICES, json_path="$", expected_value="72", **host),
            "ntp": monitor_row(type="ntp", port=ntp_port, **host),
            "radius": monitor_row(type="radius", port=radius_port, radius_username=RADIUS_USER,
                                  radius_password=RADIUS_PASSWORD, radius_secret=RADIUS_SECRET, **host),
            "sip-options": monitor_row(type="sip-options", port=sip_port, **host),
            "gamedig (A2S)": monitor_row(type="gamedig", game="tf2", port=game_port, gamedig_given_port_only=1, **host),
            "steam": monitor_row(type="steam", port=27015, **host),
            "globalping": monitor_row(type="globalping", subtype="ping", location="world", **host),
        }  # fmt: skip
        for name, row in rows.items():
            await measure(row, 2, 1, ctx)
            for mode, limit in [("serial", 1), (f"x{concurrency}", concurrency)]:
                n = min(count, 10) if name in ("globalping", "steam") and limit == 1 else count
                wall, cpu, rate, failed = await measure(row, n, limit, ctx)
                print(f"{name:<18}{mode:<12}{wall:>14.2f}{cpu:>14.2f}{rate:>10.1f}{failed:>8}")



# --- monitor types part 2, first half: docker, websocket-upgrade, smtp, system-service, tailscale-ping, pm2,
# grpc-keyword, real-browser (their own targets: stand-in Engine API, trio-websocket, aiosmtpd, stand-in programs)


async def probe_a(count: int, concurrency: int) -> None:
    import contextlib
    import tempfile

    from aiosmtpd.controller import Controller
    from trio_websocket import serve_websocket

    from tests.helpers.docker_engine import docker_engine, state
    from tests.helpers.server import free_port
    from tests.monitors.test_program_types import SYSTEMCTL, TAILSCALE, stand_in

    folder = Path(tempfile.mkdtemp(prefix="kuma-bench-"))
    env = stand_in(folder, "systemctl", SYSTEMCTL, {"nginx": "active"})
    stand_in(folder, "tailscale", TAILSCALE, {"nas": ["pong from nas (100.64.0.2) via 10.0.0.2:41641 in 2ms\n", "", 0]})

    async def ws_handler(request):
        ws = await request.accept()
        with contextlib.suppress(Exception):
            while True:
                await ws.get_message()

    with contextlib.ExitStack() as stack:
        engine_ctx = stack.enter_context(docker_engine({"web": [state("running", health="healthy")]},
                                                       socket_path=folder / "docker.sock"))
        smtp = Controller(_SmtpSink(), hostname="127.0.0.1", port=free_port())
        smtp.start()
        stack.callback(smtp.stop)
        daemon = engine_ctx[1]

        async def docker_host(host_id):
            return {"id": 1, "docker_type": "socket", "docker_daemon": daemon}

        async with trio.open_nursery() as nursery:
            ws_port = (await nursery.start(serve_websocket, ws_handler, "127.0.0.1", 0, None)).port
            programs = CheckContext(subprocess_env=env)
            rows = [
                ("docker", monitor_row(type="docker", docker_host=1, docker_container="web"),
                 CheckContext(docker_host=docker_host)),
                ("websocket-upgrade", monitor_row(type="websocket-upgrade", url=f"ws://127.0.0.1:{ws_port}/",
                                                  accepted_statuscodes_json='["1000"]'), None),
                ("smtp", monitor_row(type="smtp", hostname="127.0.0.1", port=smtp.port), None),
                ("system-service", monitor_row(type="system-service", system_service_name="nginx"), programs),
                ("tailscale-ping", monitor_row(type="tailscale-ping", hostname="nas"), programs),
            ]
            rows += probe_a_more(stack)
            for name, row, ctx in rows:
                await measure(row, 3, 1, ctx)
                for mode, limit in [("serial", 1), (f"x{concurrency}", concurrency)]:
                    n = min(count, 50) if name in ("system-service", "tailscale-ping", "real-browser") else count
                    wall, cpu, rate, failed = await measure(row, n, limit, ctx)
                    print(f"{name:<18}{mode:<12}{wall:>14.2f}{cpu:>14.2f}{rate:>10.1f}{failed:>8}")
            await browser_rss(rows[-1][1])
            nursery.cancel_scope.cancel()


def probe_a_more(stack) -> list:
    """grpc-keyword against a real grpcio server; real-browser against the HTTP target (local Chromium)."""
    from concurrent import futures

    import grpc

    from tests.monitors.test_grpc_keyword import PROTO, Reply, Request, say_hello

    handler = grpc.unary_unary_rpc_method_handler(say_hello, request_deserializer=Request.FromString,
                                                  response_serializer=Reply.SerializeToString)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("demo.v1.Greeter", {"SayHello": handler}),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    stack.callback(server.stop, None)
    web = stack.enter_context(http_target())
    return [
        ("grpc-keyword", monitor_row(type="grpc-keyword", grpc_url=f"127.0.0.1:{port}", grpc_protobuf=PROTO,
                                     grpc_service_name="demo.v1.Greeter", grpc_method="sayHello",
                                     grpc_body='{"name": "Ada"}', keyword="Hello"), None),
        ("real-browser", monitor_row(type="real-browser", url=web.url + "/", interval=60), None),
    ]


async def browser_rss(row: dict) -> None:
    """Memory (PSS, so pages shared between Chromium's processes count once) of the shared Chromium while 10 real-browser monitors at 60 s check at once."""
    import psutil

    from kuma.monitors._chromium import shared_browser

    def tree_rss() -> float:
        pid = shared_browser().pid
        if pid is None:
            return 0.0
        total = 0
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0.0
        for proc in procs:  # renderers come and go while pages open and close
            try:
                total += proc.memory_full_info().pss  # PSS: pages shared between the processes count once
            except psutil.Error:
                pass
        return total / 2**20

    peak = 0.0

    async def sample(stop: trio.Event) -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss())
            await trio.sleep(0.05)

    stop = trio.Event()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(sample, stop)
        wall = time.perf_counter()
        await measure(row, 10, 10)
        wall = time.perf_counter() - wall
        stop.set()
    print(f"real-browser: 10 monitors (60 s interval) checking at once: {wall:.2f} s for the round, "
          f"Chromium PSS peak {peak:.0f} MiB, after the round {tree_rss():.0f} MiB (pages closed, browser kept "
          f"until idle)")


class _SmtpSink:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return "250 OK"


# --- end monitor types part 2, first half


def db_rows(stack: contextlib.ExitStack) -> dict[str, dict]:
    """One monitor row per database/broker type, each against a server started on the stack."""
    pw = db_servers.PASSWORD
    pg = stack.enter_context(db_servers.postgres_server())
    my = stack.enter_context(db_servers.mariadb_server())
    rd = stack.enter_context(db_servers.redis_server())
    mq = stack.enter_context(db_servers.mosquitto_server())
    db_servers.mqtt_publish_retained(mq.port, "bench/status", b"up")
    rmq = stack.enter_context(db_servers.rabbitmq_server())
    mongo = stack.enter_context(fake_mongo({"kuma": pw}))
    tds = stack.enter_context(fake_tds({"sa": pw}))
    kafka = stack.enter_context(fake_kafka({"bench"}))
    return {
        "postgres": monitor_row(type="postgres", database_connection_string=f"postgres://kuma:{pw}@127.0.0.1:{pg.port}/postgres"),
        "mysql": monitor_row(type="mysql", database_connection_string=f"mysql://kuma:{pw}@127.0.0.1:{my.port}/kuma"),
        "redis": monitor_row(type="redis", database_connection_string=f"redis://:{pw}@127.0.0.1:{rd.port}"),
        "mqtt": monitor_row(type="mqtt", hostname="127.0.0.1", port=mq.port, mqtt_topic="bench/status",
                            mqtt_username="kuma", mqtt_password=pw, mqtt_success_message="up"),
        "rabbitmq": monitor_row(type="rabbitmq", rabbitmq_nodes=f'["http://127.0.0.1:{rmq.port}"]',
                                rabbitmq_username="guest", rabbitmq_password="guest"),
        "mongodb (stand-in)": monitor_row(type="mongodb", database_connection_string=f"mongodb://kuma:{pw}@127.0.0.1:{mongo.port}/admin"),
        "sqlserver (stand-in)": monitor_row(type="sqlserver", database_connection_string=(
            f"Server=127.0.0.1,{tds.port};User Id=sa;Password={pw};Encrypt=false")),
        "kafka-producer (stand-in)": monitor_row(type="kafka-producer", kafka_producer_brokers=f'["127.0.0.1:{kafka.port}"]',
                                                 kafka_producer_topic="bench", kafka_producer_message="hi",
                                                 kafka_producer_sasl_options='{"mechanism":"None"}'),
    }


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def fleet(rows: dict[str, dict], seconds: float, interval: float = 20.0, each: int = 200) -> None:
    """200 postgres + 200 redis monitors, each checking every `interval` s (starts spread over one interval)."""
    members = [rows["postgres"]] * each + [rows["redis"]] * each
    counts = {"checks": 0, "failed": 0, "threads": threading.active_count()}
    reasons: dict[str, int] = {}

    async def monitor(row: dict, offset: float, mtype) -> None:
        await trio.sleep(offset)
        while True:
            try:
                await mtype.check(row, CheckContext())
            except Exception as exc:
                counts["failed"] += 1
                reasons[str(exc)[:80]] = reasons.get(str(exc)[:80], 0) + 1
            counts["checks"] += 1
            counts["threads"] = max(counts["threads"], threading.active_count())
            await trio.sleep(interval)

    wall, cpu = time.perf_counter(), time.process_time()
    with trio.move_on_after(seconds):
        async with trio.open_nursery() as nursery:
            for index, row in enumerate(members):
                nursery.start_soon(monitor, row, interval * index / len(members), get_monitor_type(row["type"]))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"fleet 200 postgres + 200 redis @ {interval:.0f}s for {wall:.0f}s: {counts['checks']} checks, "
          f"{counts['failed']} failed, CPU {100 * cpu / wall:.1f}% of one core, RSS {rss_mb():.0f} MB, "
          f"threads max {counts['threads']} (load average {os.getloadavg()[0]:.2f})")
    for reason, n in sorted(reasons.items(), key=lambda item: -item[1])[:3]:
        print(f"  failed {n}x: {reason}")


async def databases(count: int, fleet_seconds: float) -> None:
    with contextlib.ExitStack() as stack:
        rows = db_rows(stack)
        print(f"{'type':<26}{'mode':<12}{'wall ms/check':>14}{'cpu ms/check':>14}{'checks/s':>10}{'failed':>8}")
        for name, row in rows.items():
            await measure(row, 3, 1)
            n = min(count, 50) if name == "mqtt" or name.startswith("rabbit") else count
            wall, cpu, rate, failed = await measure(row, n, 1)
            print(f"{name:<26}{'serial':<12}{wall:>14.2f}{cpu:>14.2f}{rate:>10.1f}{failed:>8}")
        if fleet_seconds > 0:
            await fleet(rows, fleet_seconds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--fleet-seconds", type=float, default=40.0, help="0 skips the 200+200 fleet run")
    parser.add_argument("--only-databases", action="store_true", help="skip the HTTP/port/DNS/ping types")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    if not args.only_databases:
        trio.run(main, args.count, args.concurrency)
    trio.run(databases, args.count, args.fleet_seconds)
