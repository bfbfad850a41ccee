"""`/metrics`: Prometheus text exposition of every active monitor's state (Home Assistant reads it).

Values are computed at scrape time from the database (one reader job: last beat per monitor and
the stat tables), so there is no gauge state to keep in step with the engine. Auth is Uptime Kuma's
"apiAuth": open when auth is disabled, API-key basic auth once any key exists, else user basic auth.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from quart import Response, request
from quart_trio import QuartTrio

from kuma.app import App
from kuma.store import monitor_lists
from kuma.store import status_pages as store
from kuma.store.tags import tag_names

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
VERSION = "2.5.3"
COMMON_LABELS = ["monitor_id", "monitor_name", "monitor_type", "monitor_url", "monitor_hostname", "monitor_port"]
WINDOWS = [("1d", "minute", 1440), ("30d", "day", 30), ("365d", "day", 365)]
HELP = {
    "monitor_cert_days_remaining": "The number of days remaining until the certificate expires",
    "monitor_cert_is_valid": "Is the certificate still valid? (1 = Yes, 0= No)",
    "monitor_uptime_ratio": "Uptime ratio calculated over sliding window specified by the 'window' label. (0.0 - 1.0)",
    "monitor_response_time_seconds": "Average response time in seconds calculated over sliding window specified by the 'window' label",
    "monitor_response_time": "Monitor Response Time (ms)",
    "monitor_status": "Monitor Status (1 = UP, 0= DOWN, 2= PENDING, 3= MAINTENANCE)",
}


def sanitize_label_name(name: str) -> str:
    """Prometheus label name from a tag name: keep [A-Za-z0-9_], then drop leading non-letters/underscores."""
    kept = re.sub(r"[^A-Za-z0-9_]", "", name or "")
    return re.sub(r"^[^A-Za-z_]+", "", kept)


def tag_label_names(tag_names: Iterable[str]) -> list[str]:
    names = {sanitize_label_name(n) for n in tag_names}
    names.discard("")
    names -= set(COMMON_LABELS) | {"window"}
    return sorted(names, key=lambda n: (n.lower(), n))


def _text(value: Any) -> str:
    return "null" if value is None else str(value)


def monitor_samples(db, tag_labels: list[str], now: float) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Series of every family for the active monitors that have at least one beat; windows end at `now`."""
    monitors = monitor_lists.active_monitor_labels(db)
    ids = [m["id"] for m in monitors]
    latest = store.latest_beats(db, ids)
    tls = store.tls_info_of(db, ids)
    windows = {label: store.window_stats(db, ids, unit, count, now) for label, unit, count in WINDOWS}
    tags: dict[int, dict[str, list[str]]] = {}
    if tag_labels and ids:
        for mid, entries in store.tags_of(db, ids).items():
            for t in entries:
                name = sanitize_label_name(t["name"])
                if name in tag_labels:
                    tags.setdefault(mid, {}).setdefault(name, []).append(t["value"] or "")
    families: dict[str, list[tuple[dict[str, str], float]]] = {name: [] for name in HELP}
    for m in monitors:
        beat = latest.get(m["id"])
        if beat is None:
            continue
        labels = {name: ",".join(sorted(tags.get(m["id"], {}).get(name, []))) for name in tag_labels}
        labels.update(
            monitor_id=str(m["id"]),
            monitor_name=m["name"] or "",
            monitor_type=m["type"] or "",
            monitor_url=m["url"] or "",
            monitor_hostname=_text(m["hostname"]),
            monitor_port=_text(m["port"]),
        )
        info = _tls(tls.get(m["id"]))
        if info is not None:
            days = (info.get("certInfo") or {}).get("daysRemaining")
            if isinstance(days, (int, float)):
                families["monitor_cert_days_remaining"].append((labels, days))
            families["monitor_cert_is_valid"].append((labels, 1 if info.get("valid") else 0))
        for label, _, _ in WINDOWS:
            stats = windows[label].get(m["id"])
            families["monitor_uptime_ratio"].append(({**labels, "window": label}, store.uptime_ratio(stats)))
            avg = stats[2] if stats else None
            families["monitor_response_time_seconds"].append(({**labels, "window": label}, (avg or 0) / 1000))
        ping = beat.get("ping")
        families["monitor_response_time"].append((labels, ping if isinstance(ping, (int, float)) else -1))
        families["monitor_status"].append((labels, beat["status"]))
    return families


def _tls(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        info = json.loads(text)
    except ValueError:
        return None
    return info if isinstance(info, dict) else None


def js_number_text(value: float) -> str:
    """A number the way JavaScript (prom-client) prints it: `1`, `0.75`, `0.000022066666666666667`."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e21):
        return str(int(value))
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    text = repr(float(value))
    if "e" in text and 1e-7 <= abs(value) < 1e21:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def render_families(families: dict[str, list[tuple[dict[str, str], float]]], tag_labels: list[str]) -> str:
    """The monitor gauges in prom-client's layout: label order as declared, a blank line after each family."""
    out: list[str] = []
    for name, help_text in HELP.items():
        out.append(f"# HELP {name} {help_text}")
        out.append(f"# TYPE {name} gauge")
        order = tag_labels + COMMON_LABELS + ["window"]
        for labels, value in families[name]:
            pairs = ",".join(f'{k}="{_escape_label(labels[k])}"' for k in order if k in labels)
            out.append(f"{name}{{{pairs}}} {js_number_text(value)}")
        out.append("")
    return "\n".join(out) + "\n"


def exposition(families: dict[str, list[tuple[dict[str, str], float]]], tag_labels: list[str]) -> bytes:
    """Monitor gauges, then process metrics and `app_version` rendered by prometheus-client
    (imported here: the idle server does not load it)."""
    from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
    from prometheus_client.core import GaugeMetricFamily

    class AppVersion:
        def collect(self):
            family = GaugeMetricFamily(
                "app_version", "The service version by package.json", labels=["version", "major", "minor", "patch"]
            )
            family.add_metric([VERSION, *VERSION.split(".")], 1)
            yield family

    registry = CollectorRegistry(auto_describe=False)
    ProcessCollector(registry=registry)
    registry.register(AppVersion())
    return render_families(families, tag_labels).encode() + generate_latest(registry)


async def is_authorized(app: App, header: str | None) -> bool:
    try:
        from kuma.accounts.api_keys import check_api_auth
    except ImportError:  # accounts area not in this build: only an auth-disabled server is open
        from kuma.store.settings import get_setting

        return bool(await app.db.read(lambda db: get_setting(db, "disableAuth", False)))
    return await check_api_auth(app, header)


def register(web: QuartTrio, app: App) -> None:
    try:  # the label set is fixed at start-up, as in Uptime Kuma
        tag_labels = tag_label_names(app.db.read_now(tag_names))
    except Exception:
        log.exception("reading tag names for /metrics failed")
        tag_labels = []

    @web.route("/metrics")
    async def metrics():
        if not await is_authorized(app, request.headers.get("Authorization")):
            response = Response(b"", status=401, content_type="text/html; charset=utf-8")
            response.headers["WWW-Authenticate"] = "Basic"
            return response
        now = app.clock.time()
        families = await app.db.read(lambda db: monitor_samples(db, tag_labels, now))
        return Response(exposition(families, tag_labels), status=200, content_type=CONTENT_TYPE)
