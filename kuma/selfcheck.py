"""`kuma self-check`: prove that this build (source or frozen binary) has every part it finds at run time.

A PyInstaller build only contains what its analysis saw. Monitor types and notification providers are
found with pkgutil, package data through importlib.resources, and some libraries load their own parts
by name (apprise plugins, dnspython rdata types, tzdata zones). Each check here exercises one of those
paths the way the server does and reports what it found, so a missing piece shows at build time (the
binary test runs this) instead of on a user's first notification.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from typing import Any

from kuma.cli import command


def _monitor_types() -> Any:
    from kuma.monitors.base import known_types

    types = known_types()
    if "http" not in types:
        raise RuntimeError(f"http monitor type missing: {types}")
    return types


def _notification_providers() -> Any:
    from kuma.notifications.base import provider_keys

    keys = provider_keys()
    if "webhook" not in keys:
        raise RuntimeError(f"webhook provider missing: {keys[:10]}")
    return len(keys)


def _store_resources() -> Any:
    from importlib import resources

    sql = resources.files("kuma.store").joinpath("schema.sql").read_text(encoding="utf-8")
    migrations = json.loads(resources.files("kuma.store").joinpath("migrations.json").read_text(encoding="utf-8"))
    if "CREATE TABLE" not in sql:
        raise RuntimeError("schema.sql is empty")
    return {"schema_bytes": len(sql), "migrations": len(migrations["knex_migrations"])}


def _sqlite_migration() -> Any:
    """The SQLite features the 1.x migration's aggregate step runs on (kuma/store/legacy_stats.py)."""
    from kuma.store.legacy_stats import sql_features

    return sql_features()


def _time_zones() -> Any:
    from importlib import resources
    from zoneinfo import ZoneInfo

    if not resources.files("tzdata").joinpath("zoneinfo", "Europe", "Berlin").is_file():
        raise RuntimeError("tzdata's zone files are missing")
    return str(ZoneInfo("Asia/Kolkata"))


def _certificates() -> Any:
    import os

    import certifi

    path = certifi.where()
    if not os.path.isfile(path):
        raise RuntimeError(f"CA bundle missing at {path}")
    return os.path.getsize(path)


def _apprise() -> Any:
    import apprise

    schemas = apprise.Apprise().details().get("schemas", [])
    for url in ("json://127.0.0.1:9/", "mailtos://user:pass@localhost?to=a@example.com"):  # a module, a package
        if apprise.Apprise.instantiate(url) is None:
            raise RuntimeError(f"apprise cannot build a plugin for {url.split(':')[0]}://")
    if len(schemas) < 50:
        raise RuntimeError(f"apprise found only {len(schemas)} plugins")
    return len(schemas)


def _liquid() -> Any:
    from liquid import Template

    out = Template("{{ name | upcase }} is {{ status }}").render(name="web", status="up")
    if out != "WEB is up":
        raise RuntimeError(out)
    return out


def _jsonata() -> Any:
    import jsonata

    value = jsonata.Jsonata("$sum(items.price)").evaluate({"items": [{"price": 2}, {"price": 3}]})
    if value != 5:
        raise RuntimeError(repr(value))
    return value


def _yaml() -> Any:
    """Config as code (kuma export / apply) reads and writes YAML with libyaml's safe loader and dumper."""
    from kuma.automation.config_file import dump, load

    document = load(dump({"kuma": 1, "monitors": [{"key": "a", "name": "Ä"}]}))
    if document["monitors"][0]["name"] != "Ä":
        raise RuntimeError(repr(document))
    return "libyaml"


def _dns() -> Any:
    import dns.message
    import dns.rdatatype

    query = dns.message.make_query("example.com", dns.rdatatype.CAA)
    return len(query.to_wire())


def _database_drivers() -> Any:
    """The monitor types' drivers import and work offline (their heavy imports happen only in a check)."""
    import bson
    import OpenSSL.SSL
    import oracledb
    import pg8000.native
    import pymongo
    import pymysql
    import pytds
    import pytds.tls
    import scramp

    if bson.decode(bson.encode({"ping": 1})) != {"ping": 1}:
        raise RuntimeError("bson round trip failed")
    scramp.ScramClient(["SCRAM-SHA-256"], "kuma", "pw").get_client_first()
    OpenSSL.SSL.Context(OpenSSL.SSL.TLS_CLIENT_METHOD)
    from kuma.monitors._mqtt_wire import connect

    connect("kuma", None, None)
    return {
        "pg8000": pg8000.native.Connection.__module__,
        "pymysql": pymysql.VERSION_STRING,
        "pymongo": pymongo.version,
        "pytds": pytds.__version__ if hasattr(pytds, "__version__") else "python-tds",
        "oracledb": oracledb.__version__ + (" thin" if oracledb.is_thin_mode() else ""),
    }


def _prometheus() -> Any:
    from prometheus_client import CollectorRegistry, Gauge, generate_latest

    registry = CollectorRegistry()
    Gauge("kuma_selfcheck", "self-check gauge", registry=registry).set(1)
    return len(generate_latest(registry))


def _subprocess_env() -> Any:
    from kuma.process_env import is_frozen, subprocess_env

    env = subprocess_env()
    if is_frozen() and "LD_LIBRARY_PATH_ORIG" in env:
        raise RuntimeError("LD_LIBRARY_PATH_ORIG left in the child environment")
    return env.get("LD_LIBRARY_PATH", "")


def _build() -> Any:
    """What `kuma --version` reports; a frozen build without its build file fails here."""
    from kuma.build_info import build_info

    return build_info()


def _modules() -> Any:
    """Every `kuma.*` module this build holds, each imported (pkgutil lists the frozen archive too)."""
    import importlib
    import pkgutil

    import kuma

    broken: list[str] = []
    names = [info.name for info in pkgutil.walk_packages(kuma.__path__, "kuma.", onerror=broken.append)]
    for name in names:
        if name != "kuma.__main__":  # the entry point runs the CLI when imported
            try:
                importlib.import_module(name)
            except Exception as exc:
                broken.append(f"{name} ({type(exc).__name__}: {exc})")
    if broken:
        raise RuntimeError(f"modules that do not import: {broken}")
    return sorted(["kuma", *names])


@functools.lru_cache(maxsize=1)
def _server_parts() -> dict[str, Any]:
    """Build the App and the Quart app as `kuma.server.serve` does, on a throw-away data folder, and read
    what they registered: Socket.IO handlers, url_map rules, and what the Socket.IO path answers."""
    import tempfile
    from pathlib import Path

    import trio

    from kuma.config import Config
    from kuma.server import setup_app
    from kuma.store import Database
    from kuma.web_app import create_web_app

    with tempfile.TemporaryDirectory(prefix="kuma-self-check-") as folder:
        config = Config(data_dir=Path(folder))
        db = Database.open(config.db_path)
        try:
            app = setup_app(config, db)
            web = create_web_app(app)
            hub = app.hub
            probe = trio.run(_asgi_get, web, hub.path, b"EIO=4&transport=bogus")
        finally:
            db.close()
    routes = []
    for rule in web.url_map.iter_rules():
        methods = ",".join(sorted(rule.methods or ())) + (",WEBSOCKET" if getattr(rule, "websocket", False) else "")
        routes.append(f"{methods} {rule.rule}")
    front = getattr(web, "kuma_ws_front", None)
    front_path = front.path.decode() if front is not None else None
    return {
        "events": hub.event_names(),
        "routes": routes,
        "socketio_path": hub.path,
        "probe": probe,
        "ws_front_path": front_path,
    }


async def _asgi_get(web: Any, path: str, query: bytes) -> tuple[int, bytes]:
    """One GET through the app's ASGI callable (the Socket.IO endpoint sits in front of Quart's router).
    The client "disconnects" once the response is complete; 10 s bound, so a stuck app fails the check."""
    import trio

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 3001),
    }
    status, body, sent, done = 0, b"", False, trio.Event()

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        nonlocal status, body
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body += message.get("body", b"")
            if not message.get("more_body", False):
                done.set()

    with trio.fail_after(10):
        await web.asgi_app(scope, receive, send)
    return status, body


def _socketio_events() -> Any:
    events = _server_parts()["events"]
    if "login" not in events:
        raise RuntimeError(f"no login handler among {events}")
    return events


def _http_routes() -> Any:
    """The url_map's rules as "METHODS rule", plus "ASGI <path>" for the Socket.IO endpoint when it answers."""
    parts = _server_parts()
    routes = list(parts["routes"])
    if _engineio_answered(parts["probe"]):
        routes.append(f"ASGI {parts['socketio_path']}")
    return sorted(routes)


def _engineio_answered(probe: tuple[int, bytes]) -> bool:
    status, body = probe
    return status == 400 and body == b'{"code":0,"message":"Transport unknown"}'


def _socketio_endpoint() -> Any:
    """Fails when the Socket.IO endpoint is not in this build or `/socket.io/` is not served by it."""
    import importlib

    importlib.import_module("kuma.realtime.endpoint")
    parts = _server_parts()
    if parts["socketio_path"] != "/socket.io/":
        raise RuntimeError(f"Socket.IO served at {parts['socketio_path']!r}, not /socket.io/")
    if not _engineio_answered(parts["probe"]):
        raise RuntimeError(f"/socket.io/ does not answer as Engine.IO: {parts['probe']!r}")
    return "/socket.io/"


def _websocket_path() -> Any:
    """The batched sends and the no-deflate accept (kuma/realtime/hypercorn_ws.py): on, frozen or not."""
    from kuma.realtime import hypercorn_ws

    state = hypercorn_ws.status()
    if not all(state.values()):
        raise RuntimeError(f"websocket batching is off in this build: {state}")
    return state


def _push_front() -> Any:
    """Plain pushes are read before h11 (kuma/rest/push_front.py): the front is installed in Hypercorn."""
    from kuma.rest import push_front

    _server_parts()  # builds the web app, which installs the front
    if not push_front.installed():
        raise RuntimeError("the push front is not installed in Hypercorn's Trio worker")
    return True


def _ws_front() -> Any:
    """`/socket.io/` websockets are served before h11 (kuma/realtime/ws_front.py): the front is on the web
    app, and a websocket handshake and one message round trip through it work in this build."""
    from kuma.rest import push_front

    path = _server_parts()["ws_front_path"]
    if path != "/socket.io/" or not push_front.installed():
        raise RuntimeError(f"the websocket front is not installed (path {path!r})")
    import trio

    echoed = trio.run(_ws_front_round_trip)
    if echoed != "ping?":
        raise RuntimeError(f"the websocket front answered {echoed!r}")
    return {"path": path, "echo": echoed}


async def _ws_front_round_trip() -> str:
    """An upgrade, one text message echoed by a small ASGI app, and the close, over a local socket pair."""
    import trio
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, Request, TextMessage

    from kuma.realtime import ws_front

    async def echo(scope: dict, receive: Any, send: Any) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.accept", "kuma_no_extensions": True})
        message = await receive()
        await send({"type": "websocket.send", "text": message["text"]})
        await send({"type": "websocket.close", "code": 1000})

    client = WSConnection(ConnectionType.CLIENT)
    head = client.send(Request(host="localhost", target="/socket.io/?EIO=4&transport=websocket"))
    upgrade = ws_front.parse_upgrade(head, b"/socket.io/")
    if not isinstance(upgrade, ws_front.Upgrade):
        raise RuntimeError("the front does not recognise a websocket upgrade")
    left, right = trio.socket.socketpair()
    server_stream, client_stream = trio.SocketStream(left), trio.SocketStream(right)
    link = ws_front.Link(server_stream, trio.Lock(), list, 2**20, None)
    front = ws_front.WsFront(echo, "/socket.io/")
    scope = ws_front.scope_of(upgrade, None, None, "", {})
    texts: list[str] = []
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(ws_front.serve, front, scope, upgrade, link, b"")
            while True:
                data = await client_stream.receive_some(2**16)
                if not data:
                    break
                client.receive_data(data)
                for event in client.events():
                    if isinstance(event, AcceptConnection):
                        await client_stream.send_all(client.send(TextMessage(data="ping?")))
                    elif isinstance(event, TextMessage):
                        texts.append(event.data)
    await client_stream.aclose()
    return "".join(texts)


def _probe_libraries() -> Any:
    """Monitor types part 2 (probes): gRPC's proto reader + protobuf codec + h2, and trio-websocket for the
    DevTools protocol, all found and working in this build (they are imported only inside checks)."""
    import h2.config
    import h2.connection
    import trio_websocket

    from kuma.monitors._proto_schema import find_method, find_service, parse_proto
    from kuma.monitors._protobuf import decode, encode, js_json

    schema = parse_proto(
        "package p; message M { string s = 1; repeated int64 n = 2; } service S { rpc Get (M) returns (M); }"
    )
    method = find_method(find_service(schema, "S"), "get")
    message = schema.messages[method.request]
    echoed = js_json(decode(schema, message, encode(schema, message, {"s": "ok", "n": [1, 2]})))
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    return {
        "grpc_roundtrip": echoed,
        "h2_preface": len(conn.data_to_send()) > 0,
        "cdp": bool(trio_websocket.open_websocket_url),
    }


CHECKS: dict[str, Callable[[], Any]] = {
    "monitor_types": _monitor_types,
    "notification_providers": _notification_providers,
    "store_resources": _store_resources,
    "sqlite_migration": _sqlite_migration,
    "time_zones": _time_zones,
    "certificates": _certificates,
    "apprise": _apprise,
    "liquid": _liquid,
    "jsonata": _jsonata,
    "yaml": _yaml,
    "dns": _dns,
    "database_drivers": _database_drivers,
    "prometheus": _prometheus,
    "subprocess_env": _subprocess_env,
    "build": _build,
    "websocket_path": _websocket_path,
    "push_front": _push_front,
    "ws_front": _ws_front,
    "socketio_endpoint": _socketio_endpoint,
    "probe_libraries": _probe_libraries,
    # what this build contains, compared between the frozen binary and the source tree by the tests
    "modules": _modules,
    "socketio_events": _socketio_events,
    "http_routes": _http_routes,
}


def run_checks() -> dict[str, Any]:
    """Every check's result as {"ok": bool, "value" | "error": …}; never raises."""
    results: dict[str, Any] = {"frozen": bool(getattr(sys, "frozen", False))}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, "value": check()}
        except Exception as exc:  # a self-check reports, it does not crash
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return results


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")


@command("self-check", "check that this build finds its plug-ins and data files")(_configure)
def _self_check(args: argparse.Namespace) -> int:
    results = run_checks()
    failed = [name for name in CHECKS if not results[name]["ok"]]
    if args.json:
        print(json.dumps(results, default=str))
    else:
        print(f"frozen: {results['frozen']}")
        for name in CHECKS:
            r = results[name]
            shown = r.get("value", r.get("error"))
            if isinstance(shown, list) and len(shown) > 8:  # modules, events, routes: a count is enough here
                shown = f"{len(shown)} ({', '.join(map(str, shown[:3]))}, …)"
            print(f"{'ok  ' if r['ok'] else 'FAIL'} {name}: {shown}")
    return 1 if failed else 0
