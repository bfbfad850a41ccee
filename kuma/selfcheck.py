"""`kuma self-check`: prove that this build (source or frozen binary) has every part it finds at run time.

A PyInstaller build only contains what its analysis saw. Monitor types and notification providers are
found with pkgutil, package data through importlib.resources, and some libraries load their own parts
by name (apprise plugins, dnspython rdata types, tzdata zones). Each check here exercises one of those
paths the way the server does and reports what it found, so a missing piece shows at build time (the
binary test runs this) instead of on a user's first notification.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable

from kuma.cli import command


def _monitor_types() -> Any:
    from kuma.monitors.base import known_types

    types = known_types()
    if "http" not in types:
        raise RuntimeError(f"http monitor type missing: {types}")
    return types


def _notification_providers() -> Any:
    from kuma.app import import_area

    base = import_area("kuma.notifications.base")
    if base is None:
        return 0
    keys = base.provider_keys()
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


def _dns() -> Any:
    import dns.message
    import dns.rdatatype

    query = dns.message.make_query("example.com", dns.rdatatype.CAA)
    return len(query.to_wire())


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


CHECKS: dict[str, Callable[[], Any]] = {
    "monitor_types": _monitor_types,
    "notification_providers": _notification_providers,
    "store_resources": _store_resources,
    "time_zones": _time_zones,
    "certificates": _certificates,
    "apprise": _apprise,
    "liquid": _liquid,
    "jsonata": _jsonata,
    "dns": _dns,
    "prometheus": _prometheus,
    "subprocess_env": _subprocess_env,
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
            print(f"{'ok  ' if r['ok'] else 'FAIL'} {name}: {r.get('value', r.get('error'))}")
    return 1 if failed else 0
