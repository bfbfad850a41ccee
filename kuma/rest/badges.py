"""Monitor and status page badges (`/api/badge/:id/*`, `/api/status-page/:slug/badge`).

Badge values are decided by pure functions (`*_badge` below) from the numbers read in one reader job;
the SVG comes from `kuma.badges.svg`. Only monitors on a public group of some status page are shown;
any other id gets the label-less `N/A` badge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils
from quart import request
from quart_trio import QuartTrio

from kuma.app import App
from kuma.badges.svg import make_badge, percentage_color
from kuma.rest.public_http import SVG_CONTENT_TYPE, body_response, http_error
from kuma.status import DOWN as DOWN  # the one definition, re-exported here
from kuma.status import MAINTENANCE as MAINTENANCE
from kuma.status import PENDING as PENDING
from kuma.status import UP as UP
from kuma.store import status_pages as store

NA_COLOR = "#999"
UNIT_LIMITS = {"m": 1440, "h": 720, "d": 365}


class BadgeError(Exception):
    """Answered like Uptime Kuma's sendHttpError (403 JSON unless the text says "not found")."""


@dataclass
class Badge:
    message: str
    color: str | None = None
    label: str = ""
    label_color: str | None = None


def join(*parts: Any) -> str:
    """Uptime Kuma's filterAndJoin: the non-empty parts, no separator."""
    return "".join(str(p) for p in parts if p is not None and p != "")


def na_badge() -> Badge:
    return Badge("N/A", NA_COLOR)


def parse_monitor_id(raw: str) -> int:
    m = re.match(r"^\s*([+-]?\d+)", raw)
    if not m:
        raise BadgeError("Invalid monitor ID")
    number = int(m.group(1))
    if not -(2**63) <= number < 2**63:  # past SQLite's integers: no such monitor (404, not a 500)
        raise BadgeError("Monitor not found")
    return number


def parse_duration(raw: str | None) -> tuple[str, int, str]:
    """`24h`, `720`, `7d`, `2w`, `1M`, `1y` → (stat unit, bucket count, number as written)."""
    text = (raw or "24h").strip()
    if re.fullmatch(r"\d+", text):
        text += "h"
    m = re.fullmatch(r"(\d+)([mhdwMy])", text)
    if not m:
        raise BadgeError("Invalid duration")
    number, unit = int(m.group(1)), m.group(2)
    if unit == "w":
        unit, count = "d", number * 7
    elif unit == "M":
        unit, count = "d", number * 30
    elif unit == "y":
        unit, count = "d", number * 365
    else:
        count = number
    if count < 1 or count > UNIT_LIMITS[unit]:
        raise BadgeError("Invalid duration")
    return {"m": "minute", "h": "hour", "d": "day"}[unit], count, m.group(1)


def to_precision_4(x: float) -> str:
    """JavaScript's `Number.prototype.toPrecision(4)` for 0 ≤ x ≤ 100."""
    return f"{x:#.4g}"


def _int_text(value: Any) -> str:
    try:
        return str(int(float(value)))
    except (TypeError, ValueError):
        return "NaN"


# -- pure badge rules ---------------------------------------------------------------------------------
def status_badge(q: Mapping[str, str], status: int | None) -> Badge:
    state = status
    if q.get("value") not in (None, ""):
        try:
            state = int(q["value"])
        except ValueError:
            state = None
    label = q.get("label", "Status")
    choices = {
        UP: (q.get("upLabel", "Up"), q.get("upColor", "#66c20a")),
        DOWN: (q.get("downLabel", "Down"), q.get("downColor", "#c2290a")),
        PENDING: (q.get("pendingLabel", "Pending"), q.get("pendingColor", "#f8a306")),
        MAINTENANCE: (q.get("maintenanceLabel", "Maintenance"), q.get("maintenanceColor", "#1747f5")),
    }
    message, color = choices.get(-1 if state is None else state, ("N/A", NA_COLOR))
    return Badge(message, color, label, q.get("labelColor"))


def uptime_badge(q: Mapping[str, str], ratio: float, number: str) -> Badge:
    if q.get("value") not in (None, ""):
        try:
            ratio = float(q["value"])
        except ValueError:
            pass
    label = join(q.get("labelPrefix"), q.get("label") or f"Uptime ({number}{q.get('labelSuffix', 'h')})")
    message = join(q.get("prefix"), to_precision_4(ratio * 100), q.get("suffix", "%"))
    return Badge(message, q.get("color") or percentage_color(ratio), label, q.get("labelColor"))


def ping_badge(q: Mapping[str, str], avg_ping: float | None, number: str) -> Badge:
    value = q.get("value") if q.get("value") not in (None, "") else avg_ping
    label = join(q.get("labelPrefix"), q.get("label") or f"Avg. Ping ({number}{q.get('labelSuffix', 'h')})")
    message = join(q.get("prefix"), _int_text(value), q.get("suffix", "ms"))
    return Badge(message, q.get("color", "blue"), label, q.get("labelColor"))


def avg_response_badge(q: Mapping[str, str], avg_ping: float | None, hours: int) -> Badge:
    value = q.get("value") if q.get("value") not in (None, "") else avg_ping
    label = join(q.get("labelPrefix"), q.get("label") or f"Avg. Response ({hours}h)", q.get("labelSuffix"))
    text = _int_text(value)
    message = "N/A" if text in ("0", "NaN") else join(q.get("prefix"), text, q.get("suffix", "ms"))
    return Badge(message, q.get("color", "blue"), label, q.get("labelColor"))


def response_badge(q: Mapping[str, str], ping: Any) -> Badge:
    value = q.get("value") if q.get("value") not in (None, "") else ping
    label = join(q.get("labelPrefix"), q.get("label", "Response"), q.get("labelSuffix"))
    text = _int_text(value)
    message = "N/A" if text in ("0", "NaN") else join(q.get("prefix"), text, q.get("suffix", "ms"))
    return Badge(message, q.get("color", "blue"), label, q.get("labelColor"))


def cert_exp_badge(q: Mapping[str, str], tls_info_json: str | None) -> Badge:
    """The certificate-expiry badge from the stored TLS info: days left, coloured by the query's warning
    thresholds; "No/Bad Cert" when there is none to read."""
    info: Any = None
    if tls_info_json:
        try:
            info = json.loads(tls_info_json)
        except ValueError:
            info = None
    if not isinstance(info, dict) or not isinstance(info.get("certInfo"), dict):
        return Badge("No/Bad Cert", NA_COLOR)
    label = join(q.get("labelPrefix"), q.get("label", "Cert Exp."), q.get("labelSuffix"))
    if not info.get("valid"):
        return Badge("Bad Cert", q.get("downColor", "#c2290a"), label, q.get("labelColor"))
    cert = info["certInfo"]
    days = int(float(q["value"])) if q.get("value") not in (None, "") else int(cert.get("daysRemaining") or 0)
    warn_days = _int_param(q, "warnDays", 14)
    down_days = _int_param(q, "downDays", 7)
    if days > warn_days:
        color = q.get("upColor", "#66c20a")
    elif days > down_days:
        color = q.get("warnColor", "#eed202")
    else:
        color = q.get("downColor", "#c2290a")
    show_date = bool(q.get("date"))
    shown = cert.get("validTo", "") if show_date else days
    message = join(q.get("prefix"), shown, q.get("suffix", "" if show_date else " days"))
    return Badge(message, color, label, q.get("labelColor"))


def _int_param(q: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(q.get(name, default))
    except (TypeError, ValueError):
        return default


def page_badge(q: Mapping[str, str], statuses: list[int]) -> Badge:
    """Overall status of a page from its monitors' last beats (PENDING ignored)."""
    seen = {s for s in statuses if s != PENDING}
    label = q.get("label", "")
    if MAINTENANCE in seen:
        return Badge("Maintenance", q.get("maintenanceColor", "#808080"), label)
    if seen == {UP}:
        return Badge("Up", q.get("upColor", "#66c20a"), label)
    if seen == {UP, DOWN}:
        return Badge("Degraded", q.get("partialColor", "#F6BE00"), label)
    if seen == {DOWN}:
        return Badge("Down", q.get("downColor", "#c2290a"), label)
    return Badge("N/A", NA_COLOR, label)


def render(badge: Badge, style: str | None) -> str:
    return make_badge(
        label=badge.label,
        message=badge.message,
        color=badge.color,
        label_color=badge.label_color,
        style=style or "flat",
    )


# -- routes ---------------------------------------------------------------------------------------------
Read = Callable[[sqlite_utils.Database, int], Badge]
#: A monitor badge's reader: (db, monitor id, query args, duration as written or None, now in Unix s) → Badge.
BadgeRead = Callable[[sqlite_utils.Database, int, Mapping[str, str], str | None, float], Badge]


def _svg(badge: Badge, *, cors: bool = True) -> Any:
    return body_response(render(badge, request.args.get("style")), SVG_CONTENT_TYPE, cached_route=True, cors=cors)


async def _monitor_badge(app: App, raw_id: str, read: Read) -> Any:
    """Common frame of the monitor badges: id check, public check, then `read(db, monitor_id)` → Badge."""
    try:
        monitor_id = parse_monitor_id(raw_id)

        def job(db: sqlite_utils.Database) -> Badge:
            if not store.is_public_monitor(db, monitor_id):
                return na_badge()
            return read(db, monitor_id)

        return _svg(await app.db.read(job))
    except BadgeError as exc:
        return http_error(str(exc), cached_route=True, cors=True)


def _read_status(
    db: sqlite_utils.Database, monitor_id: int, q: Mapping[str, str], duration: str | None, now: float
) -> Badge:
    beat = store.latest_beat(db, monitor_id)
    if beat is None:
        raise BadgeError("Cannot read properties of null (reading 'status')")
    return status_badge(q, beat["status"])


def _read_uptime(
    db: sqlite_utils.Database, monitor_id: int, q: Mapping[str, str], duration: str | None, now: float
) -> Badge:
    unit, count, number = parse_duration(duration)
    stats = store.window_stats(db, [monitor_id], unit, count, now).get(monitor_id)
    return uptime_badge(q, store.uptime_ratio(stats), number)


def _read_ping(
    db: sqlite_utils.Database, monitor_id: int, q: Mapping[str, str], duration: str | None, now: float
) -> Badge:
    unit, count, number = parse_duration(duration)
    stats = store.window_stats(db, [monitor_id], unit, count, now).get(monitor_id)
    return ping_badge(q, stats[2] if stats else None, number)


def _read_avg_response(
    db: sqlite_utils.Database, monitor_id: int, q: Mapping[str, str], duration: str | None, now: float
) -> Badge:
    m = re.match(r"^\s*(\d+)", duration or "24")
    hours = min(int(m.group(1)) if m else 24, 720) or 24
    return avg_response_badge(q, store.avg_ping_raw(db, monitor_id, hours, now), hours)


def _read_cert_exp(
    db: sqlite_utils.Database, monitor_id: int, q: Mapping[str, str], duration: str | None, now: float
) -> Badge:
    return cert_exp_badge(q, store.tls_info_of(db, [monitor_id]).get(monitor_id))


def _read_response(
    db: sqlite_utils.Database, monitor_id: int, q: Mapping[str, str], duration: str | None, now: float
) -> Badge:
    beat = store.latest_beat(db, monitor_id)
    return response_badge(q, beat["ping"] if beat else None)


#: `/api/badge/<id>/<kind>[/<duration>]` → (takes a duration, what it reads): windows of the stat tables,
#: the latest beat, the stored TLS info.
MONITOR_BADGES: dict[str, tuple[bool, BadgeRead]] = {
    "status": (False, _read_status),
    "uptime": (True, _read_uptime),
    "ping": (True, _read_ping),
    "avg-response": (True, _read_avg_response),
    "cert-exp": (False, _read_cert_exp),
    "response": (False, _read_response),
}


def _register_monitor_badge(web: QuartTrio, app: App, kind: str, with_duration: bool, read: BadgeRead) -> None:
    """One monitor badge route (two with a duration: with and without it), read in one reader job."""

    async def badge(raw_id: str, duration: str | None = None) -> Any:
        q = request.args
        return await _monitor_badge(
            app, raw_id, lambda db, monitor_id: read(db, monitor_id, q, duration, app.clock.time())
        )

    endpoint = "badge_" + kind.replace("-", "_")
    if with_duration:
        web.route(f"/api/badge/<raw_id>/{kind}/<duration>", endpoint=endpoint)(badge)
        web.route(f"/api/badge/<raw_id>/{kind}", endpoint=endpoint, defaults={"duration": None})(badge)
    else:
        web.route(f"/api/badge/<raw_id>/{kind}", endpoint=endpoint)(badge)


def _register_page_badge(web: QuartTrio, app: App) -> None:
    """The overall status of a status page's public monitors (no CORS header, as Uptime Kuma)."""

    @web.route("/api/status-page/<slug>/badge")
    async def status_page_badge(slug: str) -> Any:
        slug = slug.lower()
        q = request.args

        def job(db: sqlite_utils.Database) -> Badge:
            page = store.page_by_slug(db, slug)
            if page is None:
                return page_badge(q, [])
            ids = store.public_monitor_ids_of_page(db, page["id"])
            latest = store.latest_beats(db, ids)
            return page_badge(q, [latest[m]["status"] for m in ids if m in latest])

        badge = await app.db.read(job)
        return _svg(badge, cors=False)


def register(web: QuartTrio, app: App) -> None:
    """The monitor badges (`MONITOR_BADGES`) and the status page badge."""
    for kind, (with_duration, read) in MONITOR_BADGES.items():
        _register_monitor_badge(web, app, kind, with_duration, read)
    _register_page_badge(web, app)
