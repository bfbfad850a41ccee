"""Socket.IO status page and incident events (socketio-events.md §3.8).

Validation happens inside the write jobs, so a refused request stores nothing. kuma keeps no HTTP
response cache, so there is nothing to clear after a save or delete.
"""
from __future__ import annotations

import base64
import binascii
import re
import sqlite3
from pathlib import Path
from typing import Any

import trio

from kuma.api.common import ApiError, ok, ok_i18n, on, on_login
from kuma.api.tags import insert_error
from kuma.shapes.status_page import incident_json, page_admin_json
from kuma.store import status_pages as store
from kuma.store.settings import get_setting, set_setting

SLUG_RE = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")
PNG_PREFIX = "data:image/png;base64,"
ANALYTICS_TYPES = {None, "google", "umami", "plausible", "matomo", "rybbit"}
INCIDENT_STYLES = {"info", "warning", "danger", "primary", "light", "dark"}


def _page_or_fail(db, slug: Any, msg: str) -> dict:
    page = store.page_by_slug(db, str(slug).lower()) if isinstance(slug, str) else None
    if page is None:
        raise ApiError(msg)
    return page


def _str_or_none(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def page_fields_from_config(config: dict, icon: str, now: float) -> dict[str, Any]:
    """Columns a saveStatusPage config changes (published, search engine index, password are not editable);
    `now` (the app's clock) is the modified date."""
    analytics_type = config.get("analyticsType")
    if analytics_type == "":
        analytics_type = None
    if analytics_type not in ANALYTICS_TYPES:
        raise ApiError("Invalid analytics type")
    fields: dict[str, Any] = {
        "slug": config.get("slug"),
        "title": _str_or_none(config.get("title")),
        "description": _str_or_none(config.get("description")),
        "icon": icon,
        "auto_refresh_interval": config.get("autoRefreshInterval", 300),
        "theme": _str_or_none(config.get("theme")) or "auto",
        "show_tags": 1 if config.get("showTags") else 0,
        "footer_text": _str_or_none(config.get("footerText")),
        "custom_css": _str_or_none(config.get("customCSS")),
        "show_powered_by": 1 if config.get("showPoweredBy") else 0,
        "rss_title": _str_or_none(config.get("rssTitle")),
        "show_only_last_heartbeat": 1 if config.get("showOnlyLastHeartbeat") else 0,
        "show_certificate_expiry": 1 if config.get("showCertificateExpiry") else 0,
        "analytics_id": _str_or_none(config.get("analyticsId")),
        "analytics_script_url": _str_or_none(config.get("analyticsScriptUrl")),
        "analytics_type": analytics_type,
        "modified_date": store.utc_text(now),
    }
    if fields["title"] is None:
        fields.pop("title")  # NOT NULL: an older client that omits it keeps the stored title
    return fields


def decode_png_data_url(data_url: str) -> bytes:
    if not data_url.startswith(PNG_PREFIX):
        raise ApiError("Only allowed PNG logo.")
    try:
        return base64.b64decode(data_url[len(PNG_PREFIX):], validate=False)
    except (binascii.Error, ValueError):
        raise ApiError("Only allowed PNG logo.") from None


def register(hub, app) -> None:
    upload_dir: Path = app.config.data_dir / "upload"

    @on_login(hub, "addStatusPage")
    async def add_status_page(sock, title=None, slug=None, *rest):
        title = title.strip() if isinstance(title, str) else title
        slug = slug.strip().lower() if isinstance(slug, str) else slug
        if not title or not slug:
            raise ApiError("Please input all fields")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            raise ApiError("Invalid Slug")
        title = str(title)

        def job(db):
            try:
                store.insert_page(db, title, slug)
            except sqlite3.Error as exc:
                values = {"auto_refresh_interval": 300, "icon": "", "slug": slug, "theme": "auto", "title": title}
                raise ApiError(insert_error("status_page", values, exc)) from None

        await app.db.write(job)
        return ok_i18n("successAdded", slug=slug)

    @on_login(hub, "getStatusPage")
    async def get_status_page(sock, slug=None, *rest):
        def load(db):
            page = _page_or_fail(db, slug, "No slug?")
            return page_admin_json(page, store.domains_of(db, [page["id"]])[page["id"]])

        return ok(config=await app.db.read(load))

    @on_login(hub, "saveStatusPage")
    async def save_status_page(sock, slug=None, config=None, img_data_url=None, public_group_list=None, *rest):
        page = await app.db.read(lambda db: _page_or_fail(db, slug, "No slug?"))
        if not isinstance(config, dict):
            raise ApiError("Cannot read properties of undefined (reading 'slug')")
        new_slug = config.get("slug", page["slug"])
        if not isinstance(new_slug, str) or not SLUG_RE.match(new_slug):
            raise ApiError("Invalid Slug")
        domains = config.get("domainNameList", [])
        if not isinstance(domains, list):
            raise ApiError("Invalid array")
        groups = public_group_list if isinstance(public_group_list, list) else []
        icon = img_data_url if isinstance(img_data_url, str) else page.get("icon") or ""
        logo: bytes | None = None
        if icon.startswith("data:"):
            logo = decode_png_data_url(icon)
            icon = f"/upload/logo{page['id']}.png?t={int(app.clock.time() * 1000)}"
        fields = page_fields_from_config({**config, "slug": new_slug}, icon, app.clock.time())
        if logo is not None:
            await trio.to_thread.run_sync(_write_logo, upload_dir, page["id"], logo)

        def job(db):
            try:
                store.update_page(db, page["id"], fields)
            except sqlite3.IntegrityError as exc:
                raise ApiError(str(exc)) from None
            store.replace_domains(db, page["id"], [d for d in domains if isinstance(d, str)])
            ids = store.save_groups(db, page["id"], [g if isinstance(g, dict) else {} for g in groups])
            if new_slug != page["slug"] and get_setting(db, "entryPage") == f"statusPage-{page['slug']}":
                set_setting(db, "entryPage", f"statusPage-{new_slug}", "general")
            return ids

        ids = await app.db.write(job)
        echoed = []
        for group, gid in zip(groups, ids):
            item = {k: v for k, v in (group.items() if isinstance(group, dict) else []) if k != "id"}
            item["id"] = gid
            echoed.append(item)
        return ok(publicGroupList=echoed)

    @on_login(hub, "deleteStatusPage")
    async def delete_status_page(sock, slug=None, *rest):
        def job(db):
            page = _page_or_fail(db, slug, "Status Page is not found")
            if get_setting(db, "entryPage") == f"statusPage-{page['slug']}":
                set_setting(db, "entryPage", "dashboard", "general")
            store.delete_page(db, page["id"])

        await app.db.write(job)
        return ok()

    # -- incidents -----------------------------------------------------------------------------------
    @on_login(hub, "postIncident")
    async def post_incident(sock, slug=None, incident=None, *rest):
        if not isinstance(incident, dict):
            incident = {}

        def job(db):
            page = _page_or_fail(db, slug, "slug is not found")
            title, content = _str_or_none(incident.get("title")), _str_or_none(incident.get("content"))
            style = _str_or_none(incident.get("style")) or "warning"
            existing = store.incident_by_id(db, page["id"], incident.get("id")) if incident.get("id") is not None else None
            try:
                if existing is not None:
                    store.update_incident(
                        db,
                        existing["id"],
                        {"title": title, "content": content, "style": style, "pin": 1, "active": 1,
                         "last_updated_date": store.utc_text(app.clock.time())},
                    )
                    return incident_json(store.incident_by_id(db, page["id"], existing["id"]))
                row = store.insert_incident(db, page["id"], title, content, style, app.clock.time())
            except sqlite3.IntegrityError as exc:
                raise ApiError(str(exc)) from None
            return incident_json(row, with_last_updated=False)

        return ok(incident=await app.db.write(job))

    @on_login(hub, "unpinIncident")
    async def unpin_incident(sock, slug=None, *rest):
        def job(db):
            store.unpin_all(db, _page_or_fail(db, slug, "slug is not found")["id"])

        await app.db.write(job)
        return ok()

    @on(hub, "getIncidentHistory")
    async def get_incident_history(sock, slug=None, cursor=None, *rest):
        from kuma.rest.status_pages import incident_history_body

        cursor_text = cursor if isinstance(cursor, str) and cursor else None
        key = slug.lower() if isinstance(slug, str) else ""
        body = await app.db.read(lambda db: incident_history_body(db, key, cursor_text))
        if body is None:
            raise ApiError("Status Page Not Found")
        return body

    @on_login(hub, "editIncident")
    async def edit_incident(sock, slug=None, incident_id=None, incident=None, *rest):
        if not isinstance(incident, dict):
            incident = {}
        title, content = _str_or_none(incident.get("title")), _str_or_none(incident.get("content"))
        if not title:
            raise ApiError("Please input title", msgi18n=True)
        if not content:
            raise ApiError("Please input content", msgi18n=True)
        style = incident.get("style") if incident.get("style") in INCIDENT_STYLES else "warning"
        pin = 0 if incident.get("pin") is False else 1

        def job(db):
            page = _page_or_fail_i18n(db, slug)
            row = store.incident_by_id(db, page["id"], incident_id)
            if row is None:
                raise ApiError("Incident not found or access denied", msgi18n=True)
            store.update_incident(
                db, row["id"],
                {"title": title, "content": content, "style": style, "pin": pin,
                 "last_updated_date": store.utc_text(app.clock.time())},
            )
            return incident_json(store.incident_by_id(db, page["id"], row["id"]))

        return ok_i18n("Saved.", incident=await app.db.write(job))

    @on_login(hub, "deleteIncident")
    async def delete_incident(sock, slug=None, incident_id=None, *rest):
        def job(db):
            page = _page_or_fail_i18n(db, slug)
            row = store.incident_by_id(db, page["id"], incident_id)
            if row is None:
                raise ApiError("Incident not found or access denied", msgi18n=True)
            store.delete_incident(db, row["id"])

        await app.db.write(job)
        return ok_i18n("successDeleted")

    @on_login(hub, "resolveIncident")
    async def resolve_incident(sock, slug=None, incident_id=None, *rest):
        def job(db):
            page = _page_or_fail_i18n(db, slug)
            row = store.incident_by_id(db, page["id"], incident_id)
            if row is None:
                raise ApiError("Incident not found or access denied", msgi18n=True)
            store.update_incident(db, row["id"], {"active": 0, "pin": 0,
                                                  "last_updated_date": store.utc_text(app.clock.time())})
            return incident_json(store.incident_by_id(db, page["id"], row["id"]))

        return ok_i18n("Resolved", incident=await app.db.write(job))


def _page_or_fail_i18n(db, slug: Any) -> dict:
    page = store.page_by_slug(db, str(slug).lower()) if isinstance(slug, str) else None
    if page is None:
        raise ApiError("slug is not found", msgi18n=True)
    return page


def _write_logo(upload_dir: Path, page_id: int, data: bytes) -> None:
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / f"logo{page_id}.png"
    tmp = target.with_suffix(".png.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
