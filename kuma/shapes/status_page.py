"""Wire shapes of status pages and incidents, in Uptime Kuma 2.5.3's exact key order.

`page_public_config` is the `config` of `/api/status-page/:slug`; `page_admin_json` the object of
`statusPageList` / `getStatusPage`; `incident_json` the Incident object.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

DEFAULT_ICON = "/icon.svg"


def _bool(value: Any) -> bool:
    return bool(value) and value not in ("0", "false")


def page_icon(row: dict) -> str:
    return row.get("icon") or DEFAULT_ICON


def _page_fields(row: dict) -> dict[str, Any]:
    """The page settings both page shapes carry, by wire key (each shape has its own key order)."""
    return {
        "slug": row["slug"],
        "title": row["title"],
        "description": row.get("description"),
        "icon": page_icon(row),
        "theme": row.get("theme"),
        "autoRefreshInterval": row.get("auto_refresh_interval"),
        "published": _bool(row.get("published")),
        "showTags": _bool(row.get("show_tags")),
        "customCSS": row.get("custom_css"),
        "footerText": row.get("footer_text"),
        "showPoweredBy": _bool(row.get("show_powered_by")),
        "analyticsId": row.get("analytics_id"),
        "analyticsScriptUrl": row.get("analytics_script_url"),
        "analyticsType": row.get("analytics_type"),
        "showCertificateExpiry": _bool(row.get("show_certificate_expiry")),
        "showOnlyLastHeartbeat": _bool(row.get("show_only_last_heartbeat")),
        "rssTitle": row.get("rss_title"),
    }


_PAGE_TAIL = (
    "customCSS",
    "footerText",
    "showPoweredBy",
    "analyticsId",
    "analyticsScriptUrl",
    "analyticsType",
    "showCertificateExpiry",
    "showOnlyLastHeartbeat",
    "rssTitle",
)
_PUBLIC_KEYS = (
    "slug",
    "title",
    "description",
    "icon",
    "autoRefreshInterval",
    "theme",
    "published",
    "showTags",
    *_PAGE_TAIL,
)
_ADMIN_KEYS = (
    "id",
    "slug",
    "title",
    "description",
    "icon",
    "theme",
    "autoRefreshInterval",
    "published",
    "showTags",
    "domainNameList",
    *_PAGE_TAIL,
)


def page_public_config(row: dict) -> dict:
    fields = _page_fields(row)
    return {key: fields[key] for key in _PUBLIC_KEYS}


def page_admin_json(row: dict, domains: list[str]) -> dict:
    fields = {**_page_fields(row), "id": row["id"], "domainNameList": list(domains)}
    return {key: fields[key] for key in _ADMIN_KEYS}


def incident_json(row: dict, *, with_last_updated: bool = True) -> dict:
    """An incident as the status page API sends it (`lastUpdatedDate` only where Uptime Kuma has it)."""
    out = {
        "id": row["id"],
        "style": row["style"],
        "title": row["title"],
        "content": row["content"],
        "pin": _bool(row.get("pin")),
        "active": _bool(row.get("active")),
        "createdDate": row.get("created_date"),
    }
    if with_last_updated:
        out["lastUpdatedDate"] = row.get("last_updated_date")
    out["status_page_id"] = row.get("status_page_id")
    return out


def cert_expiry_fields(tls_info_json: str | None) -> tuple[Any, bool]:
    """(certExpiryDaysRemaining, validCert) from the stored TLS info JSON: ("", False) without one."""
    if not tls_info_json:
        return "", False
    try:
        info = json.loads(tls_info_json)
    except ValueError:
        return "", False
    cert = info.get("certInfo") if isinstance(info, dict) else None
    days = cert.get("daysRemaining", "") if isinstance(cert, dict) else ""
    return days, bool(info.get("valid")) if isinstance(info, dict) else False


def public_monitor_json(row: dict, page: dict, tags: list[dict] | None, tls_info_json: str | None) -> dict:
    """A monitor as shown on a status page: only what the public may see."""
    out: dict[str, Any] = {
        "id": row["id"],
        "name": row["name"],
        "sendUrl": 1 if row.get("send_url") else 0,
        "type": row["type"],
    }
    if out["sendUrl"]:
        out["url"] = row.get("custom_url") or row.get("url")
    if _bool(page.get("show_tags")):
        out["tags"] = list(tags or [])
    if _bool(page.get("show_certificate_expiry")):
        days, valid = cert_expiry_fields(tls_info_json)
        out["certExpiryDaysRemaining"] = days
        out["validCert"] = valid
    return out


def utc_iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
