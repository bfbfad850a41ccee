"""Status page and incident operations (socketio-events.md §3.8).

Validation happens inside the write jobs where it needs the stored page, so a refused request stores
nothing. kuma keeps no HTTP response cache, so there is nothing to clear after a save or delete.
"""

from __future__ import annotations

import base64
import binascii
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import trio

from kuma.domain.errors import DomainError, insert_error
from kuma.shapes.status_page import incident_json, page_admin_json
from kuma.store import status_pages as store
from kuma.store.db import read_back
from kuma.store.settings import get_setting, set_setting

if TYPE_CHECKING:
    from kuma.app import App

SLUG_RE = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")
PNG_PREFIX = "data:image/png;base64,"
ANALYTICS_TYPES = {None, "google", "umami", "plausible", "matomo", "rybbit"}
INCIDENT_STYLES = {"info", "warning", "danger", "primary", "light", "dark"}
INCIDENT_NOT_FOUND = "Incident not found or access denied"


def page_or_fail(db: Any, slug: Any, msg: str, *, msgi18n: bool | None = None) -> dict:
    """The page with this slug (any case), or DomainError(msg): each event words "not found" its own way."""
    page = store.page_by_slug(db, str(slug).lower()) if isinstance(slug, str) else None
    if page is None:
        raise DomainError(msg, msgi18n=msgi18n)
    return page


def str_or_none(value: Any) -> Any:
    """Text columns as Uptime Kuma stores them: booleans as "true"/"false", numbers as text."""
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
        raise DomainError("Invalid analytics type")
    fields: dict[str, Any] = {
        "slug": config.get("slug"),
        "title": str_or_none(config.get("title")),
        "description": str_or_none(config.get("description")),
        "icon": icon,
        "auto_refresh_interval": config.get("autoRefreshInterval", 300),
        "theme": str_or_none(config.get("theme")) or "auto",
        "show_tags": 1 if config.get("showTags") else 0,
        "footer_text": str_or_none(config.get("footerText")),
        "custom_css": str_or_none(config.get("customCSS")),
        "show_powered_by": 1 if config.get("showPoweredBy") else 0,
        "rss_title": str_or_none(config.get("rssTitle")),
        "show_only_last_heartbeat": 1 if config.get("showOnlyLastHeartbeat") else 0,
        "show_certificate_expiry": 1 if config.get("showCertificateExpiry") else 0,
        "analytics_id": str_or_none(config.get("analyticsId")),
        "analytics_script_url": str_or_none(config.get("analyticsScriptUrl")),
        "analytics_type": analytics_type,
        "modified_date": store.utc_text(now),
    }
    if fields["title"] is None:
        fields.pop("title")  # NOT NULL: an older client that omits it keeps the stored title
    return fields


def decode_png_data_url(data_url: str) -> bytes:
    """The bytes of a `data:image/png;base64,…` logo (only PNG is accepted)."""
    if not data_url.startswith(PNG_PREFIX):
        raise DomainError("Only allowed PNG logo.")
    try:
        return base64.b64decode(data_url[len(PNG_PREFIX) :], validate=False)
    except (binascii.Error, ValueError):
        raise DomainError("Only allowed PNG logo.") from None


def write_logo(upload_dir: Path, page_id: int, data: bytes) -> None:
    """`upload/logo<id>.png`, replaced atomically (blocking: run in a thread)."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / f"logo{page_id}.png"
    tmp = target.with_suffix(".png.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


# -- pages -------------------------------------------------------------------------------------------


def new_page_input(title: Any, slug: Any) -> tuple[str, str]:
    """`addStatusPage`'s checks (pure, so a config file can be checked whole first): (title, slug) trimmed."""
    title = title.strip() if isinstance(title, str) else title
    slug = slug.strip().lower() if isinstance(slug, str) else slug
    if not title or not slug:
        raise DomainError("Please input all fields")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise DomainError("Invalid Slug")
    if not isinstance(title, str) or len(title) > 255:  # status_page.title is varchar(255); no numbers
        raise DomainError("Title must be text of at most 255 characters")
    return title, slug


def check_saved_slug(slug: Any) -> str:
    """`saveStatusPage`'s check of the (new) slug."""
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise DomainError("Invalid Slug")
    return slug


async def add(app: App, title: Any, slug: Any) -> str:
    """Create an empty page; returns its slug (trimmed, lower case)."""
    title, slug = new_page_input(title, slug)

    def job(db: Any) -> None:
        try:
            store.insert_page(db, title, slug)
        except sqlite3.Error as exc:
            values = {"auto_refresh_interval": 300, "icon": "", "slug": slug, "theme": "auto", "title": title}
            raise DomainError(insert_error("status_page", values, exc)) from None

    await app.db.write(job)
    return slug


async def get(app: App, slug: Any) -> dict[str, Any]:
    """The page's admin JSON (the edit form's config)."""

    def load(db: Any) -> dict[str, Any]:
        page = page_or_fail(db, slug, "No slug?")
        return page_admin_json(page, store.domains_of(db, [page["id"]])[page["id"]])

    return await app.db.read(load)


def _echo_groups(groups: list, ids: list[int]) -> list[dict[str, Any]]:
    """The saved groups as the client sent them, each with its stored id (last key)."""
    echoed = []
    for group, gid in zip(groups, ids):
        item = {k: v for k, v in (group.items() if isinstance(group, dict) else []) if k != "id"}
        item["id"] = gid
        echoed.append(item)
    return echoed


def _save_job(page: dict, fields: dict, domains: list, groups: list, new_slug: str):
    def job(db: Any) -> list[int]:
        try:
            store.update_page(db, page["id"], fields)
        except sqlite3.IntegrityError as exc:
            raise DomainError(str(exc)) from None
        store.replace_domains(db, page["id"], [d for d in domains if isinstance(d, str)])
        ids = store.save_groups(db, page["id"], [g if isinstance(g, dict) else {} for g in groups])
        if new_slug != page["slug"] and get_setting(db, "entryPage") == f"statusPage-{page['slug']}":
            set_setting(db, "entryPage", f"statusPage-{new_slug}", "general")
        return ids

    return job


async def save(app: App, slug: Any, config: Any, img_data_url: Any, public_group_list: Any) -> list[dict[str, Any]]:
    """Save the edit form: config, logo, domains, groups with their monitors. Returns the groups with ids."""
    page = await app.db.read(lambda db: page_or_fail(db, slug, "No slug?"))
    if not isinstance(config, dict):
        raise DomainError("Cannot read properties of undefined (reading 'slug')")
    new_slug = check_saved_slug(config.get("slug", page["slug"]))
    domains = config.get("domainNameList", [])
    if not isinstance(domains, list):
        raise DomainError("Invalid array")
    groups = public_group_list if isinstance(public_group_list, list) else []
    icon = img_data_url if isinstance(img_data_url, str) else page.get("icon") or ""
    logo: bytes | None = None
    if icon.startswith("data:"):
        logo = decode_png_data_url(icon)
        icon = f"/upload/logo{page['id']}.png?t={int(app.clock.time() * 1000)}"
    fields = page_fields_from_config({**config, "slug": new_slug}, icon, app.clock.time())
    if logo is not None:
        await trio.to_thread.run_sync(write_logo, app.config.data_dir / "upload", page["id"], logo)
    ids = await app.db.write(_save_job(page, fields, domains, groups, new_slug))
    return _echo_groups(groups, ids)


async def set_published(app: App, slug: Any, published: Any) -> None:
    """Publish or unpublish a page (saveStatusPage leaves `published` as stored, as Uptime Kuma does)."""
    if not isinstance(published, bool):
        raise DomainError("published must be true or false")
    await app.db.write(lambda db: store.set_published(db, page_or_fail(db, slug, "No slug?")["id"], published))


async def delete(app: App, slug: Any) -> None:
    """Delete a page (the entry page falls back to the dashboard when it was this one)."""

    def job(db: Any) -> None:
        page = page_or_fail(db, slug, "Status Page is not found")
        if get_setting(db, "entryPage") == f"statusPage-{page['slug']}":
            set_setting(db, "entryPage", "dashboard", "general")
        store.delete_page(db, page["id"])

    await app.db.write(job)


# -- incidents ---------------------------------------------------------------------------------------


async def post_incident(app: App, slug: Any, incident: Any) -> dict[str, Any]:
    """Pin an incident on the page (a new one, or the one with `incident.id`); returns its JSON."""
    incident = incident if isinstance(incident, dict) else {}
    now = app.clock.time()

    def job(db: Any) -> dict[str, Any]:
        page = page_or_fail(db, slug, "slug is not found")
        title, content = str_or_none(incident.get("title")), str_or_none(incident.get("content"))
        style = str_or_none(incident.get("style")) or "warning"
        existing = store.incident_by_id(db, page["id"], incident.get("id")) if incident.get("id") is not None else None
        try:
            if existing is not None:
                store.update_incident(
                    db,
                    existing["id"],
                    {
                        "title": title,
                        "content": content,
                        "style": style,
                        "pin": 1,
                        "active": 1,
                        "last_updated_date": store.utc_text(now),
                    },
                )
                return incident_json(read_back(store.incident_by_id(db, page["id"], existing["id"])))
            row = store.insert_incident(db, page["id"], title, content, style, now)
        except sqlite3.IntegrityError as exc:
            raise DomainError(str(exc)) from None
        return incident_json(row, with_last_updated=False)

    return await app.db.write(job)


async def unpin_incidents(app: App, slug: Any) -> None:
    """Unpin every incident of the page."""
    await app.db.write(lambda db: store.unpin_all(db, page_or_fail(db, slug, "slug is not found")["id"]))


async def _change_incident(app: App, slug: Any, incident_id: Any, fields: dict[str, Any] | None) -> dict | None:
    """Update (fields) or delete (None) one incident of the page; returns its JSON after an update."""
    now = app.clock.time()

    def job(db: Any) -> dict | None:
        page = page_or_fail(db, slug, "slug is not found", msgi18n=True)
        row = store.incident_by_id(db, page["id"], incident_id)
        if row is None:
            raise DomainError(INCIDENT_NOT_FOUND, msgi18n=True)
        if fields is None:
            store.delete_incident(db, row["id"])
            return None
        store.update_incident(db, row["id"], {**fields, "last_updated_date": store.utc_text(now)})
        return incident_json(read_back(store.incident_by_id(db, page["id"], row["id"])))

    return await app.db.write(job)


async def edit_incident(app: App, slug: Any, incident_id: Any, incident: Any) -> dict[str, Any]:
    """Change an incident's title, content, style and pin; returns its JSON."""
    incident = incident if isinstance(incident, dict) else {}
    title, content = str_or_none(incident.get("title")), str_or_none(incident.get("content"))
    if not title:
        raise DomainError("Please input title", msgi18n=True)
    if not content:
        raise DomainError("Please input content", msgi18n=True)
    style = incident.get("style") if incident.get("style") in INCIDENT_STYLES else "warning"
    pin = 0 if incident.get("pin") is False else 1
    fields = {"title": title, "content": content, "style": style, "pin": pin}
    return read_back(await _change_incident(app, slug, incident_id, fields))


async def delete_incident(app: App, slug: Any, incident_id: Any) -> None:
    """Delete one incident of the page."""
    await _change_incident(app, slug, incident_id, None)


async def resolve_incident(app: App, slug: Any, incident_id: Any) -> dict[str, Any]:
    """Mark an incident resolved (inactive, unpinned); returns its JSON."""
    return read_back(await _change_incident(app, slug, incident_id, {"active": 0, "pin": 0}))
