"""Server-rendered public status pages: the basic view works without JavaScript; a small script then keeps
it fresh from the same public JSON endpoints every other client uses."""

from __future__ import annotations

import html
import json
from typing import Any

from kuma.app import App
from kuma.rest.status_pages import load_heartbeats, load_page_json, maintenance_list_for_page, overall_status

STATUS_CLASS = {0: "down", 1: "up", 2: "pending", 3: "maintenance"}
SUMMARY_CLASS = {
    "All Systems Operational": "up",
    "Partially Degraded Service": "pending",
    "Degraded Service": "down",
    "Under maintenance": "maintenance",
    "No Services": "unknown",
}


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element."""
    return (
        json.dumps(data, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )


def beat_bar(beats: list[dict], count: int = 50) -> str:
    recent = beats[-count:]
    pad = count - len(recent)
    cells = ['<span class="sp-beat sp-beat-empty"></span>'] * pad
    cells += [
        f'<span class="sp-beat sp-beat-{STATUS_CLASS.get(b["status"], "empty")}" title="{_e(b["time"])} UTC"></span>'
        for b in recent
    ]
    return f'<div class="sp-beats" aria-hidden="true">{"".join(cells)}</div>'


def _monitor_row(monitor: dict, lists: dict, uptimes: dict, config: dict) -> str:
    """One monitor of a group: status pill with its 24 h uptime, name (linked when allowed), tags, cert."""
    mid = str(monitor["id"])
    monitor_beats = lists.get(mid, [])
    status = STATUS_CLASS.get(monitor_beats[-1]["status"], "unknown") if monitor_beats else "unknown"
    ratio = uptimes.get(f"{mid}_24")
    pct = f"{round(ratio * 100, 2):g}%" if isinstance(ratio, (int, float)) else "–"
    tags = "".join(
        f'<span class="sp-tag" style="--tag:{_e(t.get("color"))}">{_e(t.get("name"))}'
        f"{':' + _e(t.get('value')) if t.get('value') else ''}</span>"
        for t in monitor.get("tags") or []
    )
    name = _e(monitor["name"])
    if monitor.get("sendUrl") and monitor.get("url"):
        name = f'<a href="{_e(monitor["url"])}" rel="noopener">{name}</a>'
    cert = ""
    if config.get("showCertificateExpiry") and monitor.get("certExpiryDaysRemaining") not in ("", None):
        cert = f'<span class="sp-cert">cert: {_e(monitor["certExpiryDaysRemaining"])} days</span>'
    return (
        f'<li class="sp-monitor" data-id="{_e(mid)}"><span class="sp-pill sp-{status}">{pct}</span>'
        f'<span class="sp-name">{name}{tags}{cert}</span>{beat_bar(monitor_beats)}</li>'
    )


def render(body: dict, beats: dict, slug: str) -> str:
    """A status page's HTML from the same bodies the JSON API serves, so both always show the same state."""
    config = body["config"]
    lists, uptimes = beats["heartbeatList"], beats["uptimeList"]
    last = [
        lists[str(m["id"])][-1]["status"]
        for g in body["publicGroupList"]
        for m in g["monitorList"]
        if lists.get(str(m["id"]))
    ]
    summary = overall_status(last)
    incidents = "".join(
        f'<div class="sp-incident sp-incident-{_e(i.get("style"))}" role="note"><h2>{_e(i.get("title"))}</h2>'
        f"<p>{_e(i.get('content'))}</p></div>"
        for i in body.get("incidents", [])
    )
    maintenance = "".join(
        f'<div class="sp-maintenance" role="note"><h2>Maintenance: {_e(m.get("title"))}</h2><p>{_e(m.get("description"))}</p></div>'
        for m in body.get("maintenanceList", [])
    )
    groups = []
    for group in body["publicGroupList"]:
        rows = [_monitor_row(monitor, lists, uptimes, config) for monitor in group["monitorList"]]
        groups.append(
            f'<section class="sp-group"><h2>{_e(group["name"])}</h2><ul>{"".join(rows) or "<li class=sp-empty>No monitors</li>"}</ul></section>'
        )
    footer = f"<p>{_e(config.get('footerText'))}</p>" if config.get("footerText") else ""
    powered = '<p class="sp-powered">Powered by kuma</p>' if config.get("showPoweredBy") else ""
    theme = config.get("theme") or "auto"
    description = (config.get("description") or "")[:155]
    css = f"<style>{config['customCSS']}</style>" if config.get("customCSS") else ""
    analytics = ""
    if config.get("analyticsId") and (config.get("analyticsType") in (None, "google")):
        analytics = (
            f'<script async src="https://www.googletagmanager.com/gtag/js?id={_e(config["analyticsId"])}"></script>'
            f"<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}"
            f'gtag("js",new Date());gtag("config",{_script_json(config["analyticsId"])});</script>'
        )
    return f"""<!doctype html>
<html lang="en" data-theme="{_e(theme)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(config.get("title"))}</title>
<meta name="description" content="{_e(description)}">
<meta property="og:title" content="{_e(config.get("title"))}"><meta property="og:description" content="{_e(description)}"><meta property="og:type" content="website">
<link rel="icon" href="{_e(config.get("icon") or "/assets/icon.svg")}">
<link rel="manifest" href="/api/status-page/{_e(slug)}/manifest.json">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/status/{_e(slug)}/rss">
<link rel="stylesheet" href="/assets/css/status.css">{css}{analytics}
</head>
<body>
<main class="sp">
<header class="sp-head">{f'<img class="sp-logo" src="{_e(config.get("icon"))}" alt="">' if config.get("icon") else ""}<h1>{_e(config.get("title"))}</h1></header>
{f'<p class="sp-description">{_e(config.get("description"))}</p>' if config.get("description") else ""}
{incidents}{maintenance}
<div class="sp-summary sp-{SUMMARY_CLASS[summary]}" id="sp-summary" role="status">{_e(summary)}</div>
<div id="sp-groups">{"".join(groups)}</div>
<footer class="sp-footer">{footer}{powered}<p><a href="/status/{_e(slug)}/rss">RSS</a> · <span id="sp-updated"></span></p></footer>
</main>
<script id="preload-data">window.preloadData = {_script_json(body)}; window.preloadBeats = {_script_json(beats)};</script>
<script type="module" src="/assets/js/status.js"></script>
</body></html>"""


async def render_status_page(app: App, slug: str) -> tuple[str, int]:
    """The page's HTML and status code (404 page for an unknown slug), read with the public routes' readers."""
    slug = slug.lower()
    loaded = await app.db.read(lambda db: load_page_json(db, slug))
    if loaded is None:
        return (
            f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Not found</title>"
            f"<link rel=stylesheet href=/assets/css/status.css></head><body><main class=sp><h1>Status page not found</h1>"
            f"<p>There is no status page “{_e(slug)}”.</p></main></body></html>",
            404,
        )
    page, body = loaded
    body["maintenanceList"] = await maintenance_list_for_page(app, page["id"])
    now = app.clock.time()
    beats = await app.db.read(lambda db: load_heartbeats(db, slug, now))
    return render(body, beats, page["slug"]), 200
