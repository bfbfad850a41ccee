"""The config file: YAML in and out, its checks, and `${ENV}` secrets.

PyYAML's safe loader/dumper only (no Python objects), the libyaml (C) ones: ten times faster on a
2,000-monitor file, and always those, so the output never depends on which one was found (the PyYAML
wheel ships libyaml; the self-check asserts it). A file is checked whole before anything is
applied: a YAML error, an unknown key, a duplicate key or a reference to a key the file does not
declare is a `ConfigError` naming the place, and nothing changes.
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml

from kuma.automation.document import FORMAT_VERSION, MONITOR_FIELDS, MONITOR_LINKS, SETTINGS

SECTIONS = ("kuma", "settings", "tags", "notifications", "monitors")
ALLOWED = {
    "tags": {"key", "name", "color"},
    "notifications": {"key", "name", "type", "isDefault", "config"},
    "monitors": {"key", *MONITOR_FIELDS, *MONITOR_LINKS},
}
#: Notification form fields written as `${ENV}` references with `--secrets env`.
SECRET_FIELD = re.compile(
    r"(password|passwd|pass$|token|secret|apikey|api_key|key$|credential|sid$|url$)", re.IGNORECASE
)  # URLs too: webhook URLs (Slack, Discord, Teams …) carry their token
ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


class ConfigError(ValueError):
    """A config file that cannot be applied; the message says where and why."""


def dump(document: dict[str, Any]) -> str:
    return yaml.dump(
        document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


def load(text: str) -> dict[str, Any]:
    """Parse and check a config file (ConfigError on any problem)."""
    try:
        document = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}") from None
    if not isinstance(document, dict):
        raise ConfigError("the file must be a mapping with kuma, settings, tags, notifications, monitors")
    unknown = sorted(set(map(str, document)) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"unknown top-level key(s): {', '.join(unknown)} (known: {', '.join(SECTIONS)})")
    if document.get("kuma", FORMAT_VERSION) != FORMAT_VERSION:
        raise ConfigError(f"kuma: {document.get('kuma')!r} is not a format this kuma reads (expected {FORMAT_VERSION})")
    settings = document.get("settings") or {}
    if not isinstance(settings, dict):
        raise ConfigError("settings must be a mapping")
    bad = sorted(set(map(str, settings)) - set(SETTINGS))
    if bad:
        raise ConfigError(f"settings: unknown key(s): {', '.join(bad)}")
    for section in ("tags", "notifications", "monitors"):
        _check_section(section, document.get(section) or [])
    _check_references(document)
    return document


def _check_section(section: str, items: Any) -> None:
    if not isinstance(items, list):
        raise ConfigError(f"{section} must be a list")
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"{section}[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a mapping")
        key = item.get("key")
        if not isinstance(key, str) or not key:
            raise ConfigError(f"{where}: `key` (text) is required")
        if key in seen:
            raise ConfigError(f"{where}: key {key!r} is used twice")
        seen.add(key)
        unknown = sorted(set(map(str, item)) - ALLOWED[section])
        if unknown:
            raise ConfigError(f"{section} {key!r}: unknown key(s): {', '.join(unknown)}")
        if section == "notifications" and not isinstance(item.get("config", {}), dict):
            raise ConfigError(f"notifications {key!r}: config must be a mapping")


def _check_references(document: dict[str, Any]) -> None:
    tags = {t["key"] for t in document.get("tags") or []}
    notifications = {n["key"] for n in document.get("notifications") or []}
    monitors = {m["key"]: m for m in document.get("monitors") or []}
    for key, monitor in monitors.items():
        group = monitor.get("group")
        if group is not None and group not in monitors:
            raise ConfigError(f"monitors {key!r}: group {group!r} is not a monitor in the file")
        for name in monitor.get("notifications") or []:
            if name not in notifications:
                raise ConfigError(f"monitors {key!r}: notification {name!r} is not in the file")
        for link in monitor.get("tags") or []:
            if not isinstance(link, dict) or link.get("tag") not in tags or set(link) - {"tag", "value"}:
                raise ConfigError(f"monitors {key!r}: tags entries are {{tag: <a tag key in the file>, value: …}}")
    for key in monitors:
        _check_no_cycle(key, monitors)


def _check_no_cycle(key: str, monitors: dict[str, dict[str, Any]]) -> None:
    seen, current = {key}, monitors[key].get("group")
    while current is not None:
        if current in seen:
            raise ConfigError(f"monitors {key!r}: its groups form a cycle")
        seen.add(current)
        current = monitors[current].get("group")


def env_name(notification_key: str, field: str) -> str:
    return "KUMA_" + re.sub(r"[^A-Za-z0-9]+", "_", f"{notification_key}_{field}").upper()


def secrets_as_env(document: dict[str, Any]) -> dict[str, Any]:
    """A copy with each non-empty secret-looking notification field replaced by `${KUMA_<KEY>_<FIELD>}`."""
    out = dict(document)
    out["notifications"] = []
    for notification in document.get("notifications") or []:
        config = {
            k: (
                f"${{{env_name(notification['key'], k)}}}" if SECRET_FIELD.search(k) and isinstance(v, str) and v else v
            )
            for k, v in notification.get("config", {}).items()
        }
        out["notifications"].append({**notification, "config": config})
    return out


def resolve_env(document: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    """A copy with every `${NAME}` notification value taken from the environment (ConfigError if unset)."""
    env = dict(os.environ) if env is None else env
    out = dict(document)
    out["notifications"] = []
    for notification in document.get("notifications") or []:
        config = {}
        for field, value in (notification.get("config") or {}).items():
            match = ENV_REF.match(value) if isinstance(value, str) else None
            if match and match.group(1) not in env:
                raise ConfigError(f"notifications {notification['key']!r}: {field} needs ${match.group(1)} (not set)")
            config[field] = env[match.group(1)] if match else value
        out["notifications"].append({**notification, "config": config})
    return out
