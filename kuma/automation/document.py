"""The configuration of a data folder as a config document (plain data, the YAML file's content).

Read side of `kuma export` and of the plan: monitors (their group, tags and notifications by key),
tags, notifications, `general` settings, status pages and maintenance windows (kuma/automation/pages.py),
each list sorted by key so the file does not depend on ids. Never history (beats, stats, incidents). Every object has a stable key: the one pinned in
`kuma_config_key` by an earlier apply, else one made from its name (`web-shop`, `web-shop-2` …).
"""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils

from kuma.automation.pages import read_maintenance, read_status_pages
from kuma.domain.settings import KNOWN_KEYS as SETTING_KEYS
from kuma.rules.monitor_keys import EDITABLE_KEYS
from kuma.store import config_keys, config_reads
from kuma.store import notifications as notification_store
from kuma.store import settings as setting_store
from kuma.store import tags as tag_store
from kuma.views.monitors import load_monitor_jsons

FORMAT_VERSION = 1
#: Keys that point at objects the file does not declare (proxies, docker hosts, remote browsers) or that
#: the file writes its own way (`parent` → `group`): left as stored.
MONITOR_SKIPPED = frozenset({"parent", "docker_host", "proxyId", "remote_browser"})
MONITOR_FIELDS = tuple(k for k in EDITABLE_KEYS if k not in MONITOR_SKIPPED) + ("active",)
MONITOR_LINKS = ("group", "notifications", "tags")
#: Settings a file may set. `disableAuth` is left out: switching login off needs the password.
SETTINGS = tuple(sorted(SETTING_KEYS - {"disableAuth"}))
NOTIFICATION_COLUMNS = ("name", "type", "isDefault", "active")  # `active`: not settable by a save, left out
NOTIFICATION_SKIPPED = frozenset({"id", "userId", "user_id", "applyExisting", *NOTIFICATION_COLUMNS})


def slug(text: Any) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", str(text or "").lower()).strip("-")
    return value or "item"


def assign_keys(kind: str, objects: dict[int, Any], db: sqlite_utils.Database) -> dict[int, str]:
    """Object id → key: pinned keys first, then name slugs made unique, in id order."""
    pinned = {i: k for i, k in config_keys.keys_of(db, kind).items() if i in objects}
    taken = set(pinned.values())
    keys = dict(pinned)
    for object_id in sorted(objects):
        if object_id in keys:
            continue
        base = slug(objects[object_id])
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        keys[object_id] = key
        taken.add(key)
    return keys


def read_document(db: sqlite_utils.Database, user_id: int) -> dict[str, Any]:
    """The folder's configuration, as `kuma export` writes it (the ids behind the keys: `read_state`)."""
    return read_state(db, user_id)["document"]


def read_state(db: sqlite_utils.Database, user_id: int) -> dict[str, Any]:
    """{document, ids: {kind: {key: id}}}: what the plan compares a file with."""
    tag_rows = {row["id"]: row for row in tag_store.all_tags(db)}
    tag_keys = assign_keys("tag", {i: r["name"] for i, r in tag_rows.items()}, db)
    notif_rows = {row["id"]: row for row in notification_store.list_notifications(db, user_id)}
    notif_keys = assign_keys("notification", {i: r["name"] for i, r in notif_rows.items()}, db)
    monitors = load_monitor_jsons(db, user_id=user_id)
    monitor_keys = assign_keys("monitor", {i: m.get("name") for i, m in monitors.items()}, db)
    active = config_reads.monitor_active_flags(db, user_id)
    pages = read_status_pages(db, monitor_keys)
    page_keys = assign_keys("status_page", {i: p["slug"] for i, p in pages.items()}, db)
    windows = read_maintenance(db, user_id, monitor_keys, page_keys)
    window_keys = assign_keys("maintenance", {i: w["title"] for i, w in windows.items()}, db)
    document = {
        "kuma": FORMAT_VERSION,
        "settings": _settings(db),
        "tags": _sorted([{"key": tag_keys[i], "name": r["name"], "color": r["color"]} for i, r in tag_rows.items()]),
        "notifications": _sorted([_notification(notif_keys[i], r) for i, r in notif_rows.items()]),
        "monitors": _sorted(
            [_monitor(monitor_keys, tag_keys, notif_keys, m, active.get(i, True)) for i, m in monitors.items()]
        ),
        "statusPages": _sorted([{"key": page_keys[i], **entry} for i, entry in pages.items()]),
        "maintenance": _sorted([{"key": window_keys[i], **entry} for i, entry in windows.items()]),
    }
    ids = {
        "tag": {k: i for i, k in tag_keys.items()},
        "notification": {k: i for i, k in notif_keys.items()},
        "monitor": {k: i for i, k in monitor_keys.items()},
        "status_page": {k: i for i, k in page_keys.items()},
        "maintenance": {k: i for i, k in window_keys.items()},
    }
    return {"document": document, "ids": ids}


def _sorted(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: item["key"])


def _settings(db: sqlite_utils.Database) -> dict[str, Any]:
    stored = setting_store.general_settings(db)
    return {key: stored[key] for key in SETTINGS if key in stored}


def _notification(key: str, row: dict[str, Any]) -> dict[str, Any]:
    form = notification_store.parse_config(row)
    return {
        "key": key,
        "name": row["name"],
        "type": form.get("type"),
        "isDefault": bool(row.get("is_default")),
        "config": {k: form[k] for k in sorted(form) if k not in NOTIFICATION_SKIPPED},
    }


def _monitor(
    keys: dict[int, str], tag_keys: dict[int, str], notif_keys: dict[int, str], monitor: dict[str, Any], active: bool
) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": keys[monitor["id"]]}
    entry.update({field: monitor.get(field) for field in MONITOR_FIELDS if field != "active"})
    entry["active"] = active
    parent = monitor.get("parent")
    entry["group"] = keys.get(parent) if parent is not None else None
    entry["notifications"] = sorted(
        notif_keys[int(i)] for i, on in (monitor.get("notificationIDList") or {}).items() if on and int(i) in notif_keys
    )
    entry["tags"] = sorted(
        ({"tag": tag_keys[t["tag_id"]], "value": t.get("value") or ""} for t in monitor.get("tags") or []),
        key=lambda t: (t["tag"], t["value"]),
    )
    return entry
