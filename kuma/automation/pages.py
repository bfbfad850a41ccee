"""Status pages and maintenance windows in the config document (read side).

A status page is written with the edit form's config keys (Uptime Kuma's names), `published`, and its
public groups, each group's monitors by their stable keys. A maintenance window is written with every
field of the object `addMaintenance` takes (all strategies share one set, so a file stays the same
whatever the strategy), `timezone` being the window's own zone option (null: the server's), and its
monitors and status pages by key. The logo and a page's password are not in the file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from kuma.shapes.maintenance import maintenance_json
from kuma.shapes.status_page import page_admin_json
from kuma.store import config_reads
from kuma.store import maintenance as maintenance_store
from kuma.store import status_pages as page_store
from kuma.store.settings import server_timezone

#: The status page's config keys in the file, in the order written.
STATUS_PAGE_FIELDS = (
    "slug", "title", "description", "theme", "autoRefreshInterval", "published", "showTags", "showPoweredBy",
    "showCertificateExpiry", "showOnlyLastHeartbeat", "footerText", "customCSS", "rssTitle", "analyticsType",
    "analyticsId", "analyticsScriptUrl", "domainNameList",
)  # fmt: skip
STATUS_PAGE_LINKS = ("groups",)
MAINTENANCE_FIELDS = (
    "title", "description", "strategy", "active", "timezone", "dateRange", "timeRange", "weekdays", "daysOfMonth",
    "intervalDay", "cron", "durationMinutes",
)  # fmt: skip
MAINTENANCE_LINKS = ("monitors", "statusPages")


def read_status_pages(db: sqlite_utils.Database, monitor_keys: dict[int, str]) -> dict[int, dict[str, Any]]:
    """page id → its file entry (without `key`)."""
    pages = page_store.all_pages(db)
    domains = page_store.domains_of(db, [p["id"] for p in pages])
    groups = config_reads.public_groups_of_pages(db)
    out: dict[int, dict[str, Any]] = {}
    for page in pages:
        admin = page_admin_json(page, domains.get(page["id"], []))
        entry = {name: admin[name] for name in STATUS_PAGE_FIELDS}
        entry["groups"] = [_group(group, monitor_keys) for group in groups.get(page["id"], [])]
        out[page["id"]] = entry
    return out


def _group(group: dict[str, Any], monitor_keys: dict[int, str]) -> dict[str, Any]:
    monitors: list[Any] = []
    for item in group["monitors"]:
        key = monitor_keys.get(item["id"])
        if key is None:
            continue  # another account's monitor: not this file's to declare
        if item["send_url"] or item["custom_url"]:
            monitors.append({"monitor": key, "sendUrl": bool(item["send_url"]), "url": item["custom_url"]})
        else:
            monitors.append(key)
    return {"name": group["name"], "monitors": monitors}


#: The instant the shapes are computed at: the file holds none of the time-dependent keys (status, offset).
SHAPE_NOW = datetime(2026, 1, 1, tzinfo=UTC)


def read_maintenance(
    db: sqlite_utils.Database, user_id: int, monitor_keys: dict[int, str], page_keys: dict[int, str]
) -> dict[int, dict[str, Any]]:
    """maintenance id → its file entry (without `key`): the account's windows and those without owner."""
    zone = server_timezone(db)
    monitor_links, page_links = config_reads.maintenance_links(db)
    out: dict[int, dict[str, Any]] = {}
    for row in maintenance_store.all_maintenance(db):
        if row.get("user_id") not in (None, user_id):
            continue
        shape = maintenance_json(row, zone, SHAPE_NOW, live=False)
        entry = {name: shape.get(name) for name in MAINTENANCE_FIELDS if name != "timezone"}
        entry["timezone"] = row.get("timezone")
        entry["timeRange"] = [{"hours": t["hours"], "minutes": t["minutes"]} for t in shape["timeRange"]]
        if row["strategy"] != "cron":  # the recurring strategies' cron and duration follow from timeRange
            entry["cron"], entry["durationMinutes"] = "", None
        entry = {name: entry[name] for name in MAINTENANCE_FIELDS}
        entry["monitors"] = sorted(monitor_keys[i] for i in monitor_links.get(row["id"], []) if i in monitor_keys)
        entry["statusPages"] = sorted(page_keys[i] for i in page_links.get(row["id"], []) if i in page_keys)
        out[row["id"]] = entry
    return out
