"""Public status page routes: page JSON, heartbeats, manifest, incident history, RSS, `/upload/*`.

Everything is read in ONE reader job per request (a handful of indexed queries, no per-row round trips).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from quart import Response, request, send_from_directory
from quart_trio import QuartTrio

from kuma.app import App
from kuma.rest.heartbeat_cache import HeartbeatCache
from kuma.rest.jsonwire import JSON_CONTENT_TYPE, dumps
from kuma.rest.public_http import RSS_CONTENT_TYPE, body_response, http_error, json_body
from kuma.shapes.status_page import incident_json, page_public_config, public_monitor_json
from kuma.status import DOWN as DOWN  # the one definition, re-exported here
from kuma.status import MAINTENANCE as MAINTENANCE
from kuma.status import PENDING as PENDING
from kuma.status import UP as UP
from kuma.store import status_pages as store
from kuma.store.settings import get_setting

log = logging.getLogger(__name__)


async def maintenance_list_for_page(app: App, page_id: int) -> list[dict]:
    """Maintenances linked to the page and in effect now (the maintenance area's shape)."""
    try:
        from kuma.views.maintenance import status_page_maintenance_list
    except ImportError:  # maintenance area not in this build
        return []
    try:
        return await status_page_maintenance_list(app, page_id)
    except Exception:
        log.exception("maintenance list for status page %s failed", page_id)
        return []


def load_page_json(db, slug: str) -> tuple[dict, dict] | None:
    """(page row, `/api/status-page/:slug` body without maintenanceList) or None for an unknown slug."""
    page = store.page_by_slug(db, slug)
    if page is None:
        return None
    groups = store.public_groups(db, page["id"])
    members = store.group_monitors(db, [g["id"] for g in groups])
    monitor_ids = list(dict.fromkeys(m["id"] for m in members))
    tags = store.tags_of(db, monitor_ids) if page.get("show_tags") else {}
    tls = store.tls_info_of(db, monitor_ids) if page.get("show_certificate_expiry") else {}
    by_group: dict[int, list[dict]] = {g["id"]: [] for g in groups}
    for m in members:
        by_group[m["group_id"]].append(public_monitor_json(m, page, tags.get(m["id"]), tls.get(m["id"])))
    incidents = [incident_json(r) for r in store.pinned_incidents(db, page["id"])]  # newest first
    body = {
        "config": page_public_config(page),
        # the seed API document's `incident` (the pinned one or null; 1.x clients read it) next to 2.5.3's list
        "incident": incidents[0] if incidents else None,
        "incidents": incidents,
        "publicGroupList": [
            {"id": g["id"], "name": g["name"], "weight": g["weight"], "monitorList": by_group[g["id"]]} for g in groups
        ],
    }
    return page, body


def load_heartbeats(db, slug: str, now: float) -> dict:
    """The heartbeat body as a dict (server-rendered status page); the route sends `heartbeats_json`.
    `now` (the app's clock) ends the 24-hour uptime window."""
    page = store.page_by_slug(db, slug)
    if page is None:
        return {"heartbeatList": {}, "uptimeList": {}}
    ids = store.public_monitor_ids_of_page(db, page["id"])
    beats = store.recent_beats(db, ids)
    stats = store.window_stats(db, ids, "minute", 1440, now)
    return {
        "heartbeatList": {
            str(mid): [{"status": b[0], "time": b[1], "msg": "", "ping": b[2]} for b in beats[mid]] for mid in ids
        },
        "uptimeList": {f"{mid}_24": store.uptime_ratio(stats.get(mid)) for mid in ids},
    }


def _js_num(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _json_str(text: str) -> str:
    if '"' in text or "\\" in text or not text.isprintable() or not text.isascii():
        return dumps(text)
    return f'"{text}"'


def heartbeats_json(db, slug: str, now: float) -> str:
    """`/api/status-page/heartbeat/:slug` as JSON text (see `heartbeats_body`)."""
    return heartbeats_body(db, slug, now)[0]


def heartbeats_body(db, slug: str, now: float) -> tuple[str, list[int]]:
    """The heartbeat body as JSON text, written directly (up to 20,000 beats for a 200-monitor page, where
    building dicts and encoding them would be most of the time), and the page's monitor ids."""
    page = store.page_by_slug(db, slug)
    if page is None:
        return '{"heartbeatList":{},"uptimeList":{}}', []
    ids = store.public_monitor_ids_of_page(db, page["id"])
    beats = store.recent_beats(db, ids)
    stats = store.window_stats(db, ids, "minute", 1440, now)
    lists = []
    for mid in ids:
        items = ",".join(
            f'{{"status":{b[0]},"time":{_json_str(b[1])},"msg":"","ping":{_js_num(b[2])}}}' for b in beats[mid]
        )
        lists.append(f'"{mid}":[{items}]')
    uptimes = ",".join(f'"{mid}_24":{_js_num(store.uptime_ratio(stats.get(mid)))}' for mid in ids)
    return f'{{"heartbeatList":{{{",".join(lists)}}},"uptimeList":{{{uptimes}}}}}', ids


def overall_status(statuses: list[int]) -> str:
    """Summary of the public monitors' last beats, as the RSS description words it."""
    if not statuses:
        return "No Services"
    if MAINTENANCE in statuses:
        return "Under maintenance"
    ups = sum(1 for s in statuses if s == UP)
    downs = sum(1 for s in statuses if s == DOWN)
    if downs == 0:
        return "All Systems Operational"
    if ups == 0:
        return "Degraded Service"
    return "Partially Degraded Service"


def _rfc1123(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


def _parse_db_time(text: str, now: datetime) -> datetime:
    """A stored UTC time; `now` when it cannot be read (Uptime Kuma's `new Date(undefined)` fallback)."""
    text = text.replace("T", " ").rstrip("Z")
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            pass
    return now


def _cdata(text: str) -> str:
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_rss(
    page: dict, incidents: list[dict], down: list[tuple[dict, dict]], status: str, link: str, now: datetime
) -> str:
    """RSS 2.0 in the layout of the `feed` package Uptime Kuma uses (4-space indentation, CDATA).
    `now` (the app's clock) is the build date."""
    title = page.get("rss_title") or (f"{page['title']} RSS Feed" if page.get("title") else "Uptime Kuma RSS Feed")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0">',
        "    <channel>",
        f"        <title>{escape(title)}</title>",
        f"        <link>{escape(link)}</link>",
        f"        <description>Current status: {escape(status)}</description>",
        f"        <lastBuildDate>{_rfc1123(now)}</lastBuildDate>",
        "        <docs>https://validator.w3.org/feed/docs/rss2.html</docs>",
        "        <generator>https://github.com/jpmonette/feed</generator>",
        "        <language>en</language>",
    ]

    def item(item_title: str, guid: str, when: str, description: str) -> None:
        lines.extend(
            [
                "        <item>",
                f"            <title>{_cdata(item_title)}</title>",
                f"            <link>{escape(link)}</link>",
                f"            <guid>{escape(guid)}</guid>",
                f"            <pubDate>{_rfc1123(_parse_db_time(when, now))}</pubDate>",
                f"            <description>{_cdata(description)}</description>",
                "        </item>",
            ]
        )

    for inc in incidents:
        stamp = inc.get("last_updated_date") or inc.get("created_date") or ""
        item(inc["title"], f"i{inc['id']}-{stamp}", stamp, inc.get("content") or "")
    for monitor, beat in down:
        when = beat["time"]
        item(
            f"{monitor['name']} is down",
            f"{monitor['id']}-{when}",
            when,
            f"{monitor['name']} has been down since {when} UTC",
        )
    lines.extend(["    </channel>", "</rss>"])
    return "\n".join(lines)


def load_rss(db, slug: str, link: str, now: datetime) -> str | None:
    page = store.page_by_slug(db, slug)
    if page is None:
        return None
    ids = store.public_monitor_ids_of_page(db, page["id"])
    latest = store.latest_beats(db, ids)
    names = {m["id"]: m for m in store.group_monitors(db, [g["id"] for g in store.public_groups(db, page["id"])])}
    down = [(names[mid], latest[mid]) for mid in ids if mid in latest and latest[mid]["status"] == DOWN]
    status = overall_status([latest[mid]["status"] for mid in ids if mid in latest])
    return render_rss(page, store.pinned_incidents(db, page["id"]), down, status, link, now)


def _request_base_url(trust_proxy: bool) -> str:
    proto = request.scheme
    host = request.host
    if trust_proxy:
        proto = (request.headers.get("X-Forwarded-Proto") or proto).split(",")[0].strip()
        host = (request.headers.get("X-Forwarded-Host") or host).split(",")[0].strip()
    return f"{proto}://{host}"


def register(web: QuartTrio, app: App) -> None:
    upload_dir = app.config.data_dir / "upload"
    monitoring = app.monitoring
    heartbeat_bodies = HeartbeatCache(monitoring.writes_besides_beats)
    monitoring.add_beat_listener(heartbeat_bodies.on_beat)

    async def build_heartbeats(slug: str, now: float) -> tuple[bytes, list[int]]:
        text, ids = await app.db.read(lambda db: heartbeats_body(db, slug, now))
        return text.encode(), ids

    @web.route("/api/status-page/<slug>")
    async def status_page_json(slug: str):
        slug = slug.lower()
        loaded = await app.db.read(lambda db: load_page_json(db, slug))
        if loaded is None:
            return http_error("Status Page Not Found", cached_route=True)
        page, body = loaded
        body["maintenanceList"] = await maintenance_list_for_page(app, page["id"])
        return json_body(body, cached_route=True)

    @web.route("/api/status-page/heartbeat/<slug>")
    async def status_page_heartbeat(slug: str):
        slug = slug.lower()
        body, etag = await heartbeat_bodies.get(slug, app.clock.time(), build_heartbeats)
        return body_response(body, JSON_CONTENT_TYPE, cached_route=True, etag_value=etag)

    @web.route("/api/status-page/<slug>/manifest.json")
    async def status_page_manifest(slug: str):
        slug = slug.lower()
        page = await app.db.read(lambda db: store.page_by_slug(db, slug))
        if page is None:
            return http_error("Not Found", cached_route=True)
        return json_body(
            {
                "name": page["title"],
                "start_url": f"/status/{page['slug']}",
                "display": "standalone",
                "icons": [{"src": page.get("icon") or "/icon.svg", "sizes": "128x128", "type": "image/png"}],
            },
            cached_route=True,
        )

    @web.route("/api/status-page/<slug>/incident-history")
    async def status_page_incident_history(slug: str):
        slug = slug.lower()
        cursor = request.args.get("cursor") or None
        result = await app.db.read(lambda db: incident_history_body(db, slug, cursor))
        if result is None:
            return http_error("Status Page Not Found", cached_route=True)
        return json_body(result, cached_route=True)

    @web.route("/status/<slug>/rss")
    async def status_page_rss(slug: str):
        slug = slug.lower()
        trust = await app.db.read(lambda db: bool(get_setting(db, "trustProxy", False)))
        link = f"{_request_base_url(trust)}/status/{slug}"
        now = app.clock.utcnow()
        body = await app.db.read(lambda db: load_rss(db, slug, link, now))
        if body is None:
            return Response("Not Found", status=404, content_type="text/plain; charset=utf-8")
        return body_response(body, RSS_CONTENT_TYPE, cached_route=True)

    @web.route("/upload/<path:name>")
    async def upload_file(name: str):
        if not (upload_dir / name).resolve().is_relative_to(upload_dir.resolve()) or not (upload_dir / name).is_file():
            return Response("File not found.", status=404, content_type="text/html; charset=utf-8")
        return await send_from_directory(upload_dir, name)


def incident_history_body(db, slug: str, cursor: str | None) -> dict[str, Any] | None:
    page = store.page_by_slug(db, slug)
    if page is None:
        return None
    rows, total, has_more = store.incident_history(db, page["id"], cursor)
    return {
        "ok": True,
        "incidents": [incident_json(r) for r in rows],
        "total": total,
        "nextCursor": rows[-1]["created_date"] if rows and has_more else None,
        "hasMore": has_more,
    }
