"""The config file: YAML in and out, its checks, and `${ENV}` secrets.

Read with PyYAML's libyaml (C) safe loader (no Python objects; always that one, so parsing never
depends on which was found: the wheel ships libyaml, the self-check asserts it); written by `dump`. A file is checked whole before anything is
applied: a YAML error, an unknown key, a duplicate key or a reference to a key the file does not
declare is a `ConfigError` naming the place, and nothing changes.
"""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any

import yaml

from kuma.automation.document import FORMAT_VERSION, MONITOR_FIELDS, MONITOR_LINKS, SETTINGS
from kuma.automation.errors import ConfigError
from kuma.automation.page_checks import check_pages
from kuma.automation.pages import MAINTENANCE_FIELDS, MAINTENANCE_LINKS, STATUS_PAGE_FIELDS, STATUS_PAGE_LINKS

LISTS = ("tags", "notifications", "monitors", "statusPages", "maintenance")
SECTIONS = ("kuma", "settings", *LISTS)
ALLOWED = {
    "tags": {"key", "name", "color"},
    "notifications": {"key", "name", "type", "isDefault", "config"},
    "monitors": {"key", *MONITOR_FIELDS, *MONITOR_LINKS},
    "statusPages": {"key", *STATUS_PAGE_FIELDS, *STATUS_PAGE_LINKS},
    "maintenance": {"key", *MAINTENANCE_FIELDS, *MAINTENANCE_LINKS},
}
#: Notification form fields written as `${ENV}` references with `--secrets env`.
SECRET_FIELD = re.compile(
    r"(password|passwd|pass$|token|secret|apikey|api_key|key$|credential|sid$|url$)", re.IGNORECASE
)  # URLs too: webhook URLs (Slack, Discord, Teams …) carry their token
ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


def dump(document: dict[str, Any]) -> str:
    """Block-style YAML of plain data (dicts, lists, text, numbers, booleans, null), in the given key order.

    kuma's own emitter, not PyYAML's representer: a 2,000-monitor file is ~450,000 scalars and PyYAML
    spends ~19 s representing them. Text is written plain when YAML reads it back as that same text
    (PyYAML's own resolver decides), else double-quoted with JSON's escapes, which YAML reads the same."""
    return "\n".join(_block(document, 0)) + "\n"


_PLAIN = re.compile(r"^[A-Za-z0-9_./(][A-Za-z0-9 _./:@()+,=-]*$")
_STR_TAG = "tag:yaml.org,2002:str"


@functools.lru_cache(maxsize=65536)
def _text(value: str) -> str:
    plain = (
        _PLAIN.match(value) is not None
        and not value.endswith((" ", ":"))
        and ": " not in value
        and " #" not in value
        and yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    )
    return value if plain else json.dumps(value, ensure_ascii=False)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, str):
        return _text(value)
    if value == {}:
        return "{}"
    if value == []:
        return "[]"
    raise TypeError(f"cannot write {type(value).__name__} to a config file")


def _block(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            head = f"{pad}{_text(str(key))}:"
            if isinstance(item, dict) and item:
                lines += [head, *_block(item, indent + 2)]
            elif isinstance(item, list) and item:
                lines += [head, *_block(item, indent)]
            else:
                lines.append(f"{head} {_scalar(item)}")
        return lines
    for item in value:
        if isinstance(item, dict) and item:
            inner = _block(item, indent + 2)
            lines += [f"{pad}- {inner[0][indent + 2 :]}", *inner[1:]]
        elif isinstance(item, list) and item:
            lines += [f"{pad}-", *_block(item, indent + 2)]
        else:
            lines.append(f"{pad}- {_scalar(item)}")
    return lines


def load(text: str) -> dict[str, Any]:
    """Parse and check a config file (ConfigError on any problem)."""
    try:
        document = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}") from None
    return check(document)


def check(document: Any) -> dict[str, Any]:
    """Check a parsed document (from YAML or a JSON body) whole; returns it, or raises ConfigError."""
    if not isinstance(document, dict):
        raise ConfigError("the file must be a mapping with " + ", ".join(SECTIONS))
    unknown = sorted(set(map(str, document)) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"unknown top-level key(s): {', '.join(unknown)} (known: {', '.join(SECTIONS)})", unknown[0])
    if document.get("kuma", FORMAT_VERSION) != FORMAT_VERSION:
        raise ConfigError(
            f"kuma: {document.get('kuma')!r} is not a format this kuma reads (expected {FORMAT_VERSION})", "kuma"
        )
    settings = document.get("settings") or {}
    if not isinstance(settings, dict):
        raise ConfigError("settings must be a mapping", "settings")
    bad = sorted(set(map(str, settings)) - set(SETTINGS))
    if bad:
        raise ConfigError(f"settings: unknown key(s): {', '.join(bad)}", f"settings.{bad[0]}")
    for section in LISTS:
        _check_section(section, document.get(section) or [])
    _check_references(document)
    check_pages(document)
    return document


def _check_section(section: str, items: Any) -> None:
    if not isinstance(items, list):
        raise ConfigError(f"{section} must be a list", section)
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"{section}[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a mapping", where)
        key = item.get("key")
        if not isinstance(key, str) or not key:
            raise ConfigError(f"{where}: `key` (text) is required", f"{where}.key")
        if key in seen:
            raise ConfigError(f"{where}: key {key!r} is used twice", f"{where}.key")
        seen.add(key)
        unknown = sorted(set(map(str, item)) - ALLOWED[section])
        if unknown:
            raise ConfigError(f"{section} {key!r}: unknown key(s): {', '.join(unknown)}", f"{where}.{unknown[0]}")
        if section == "notifications" and not isinstance(item.get("config", {}), dict):
            raise ConfigError(f"notifications {key!r}: config must be a mapping", f"{where}.config")


def _check_references(document: dict[str, Any]) -> None:
    tags = {t["key"] for t in document.get("tags") or []}
    notifications = {n["key"] for n in document.get("notifications") or []}
    monitors = {m["key"]: m for m in document.get("monitors") or []}
    for index, (key, monitor) in enumerate(monitors.items()):
        where = f"monitors[{index}]"
        group = monitor.get("group")
        if group is not None and (not isinstance(group, str) or group not in monitors):
            raise ConfigError(f"monitors {key!r}: group {group!r} is not a monitor in the file", f"{where}.group")
        names = monitor.get("notifications") or []
        for name in names if isinstance(names, list) else [names]:
            if not isinstance(name, str) or name not in notifications:
                raise ConfigError(
                    f"monitors {key!r}: notification {name!r} is not in the file", f"{where}.notifications"
                )
        links = monitor.get("tags") or []
        for link in links if isinstance(links, list) else [links]:
            if (
                not isinstance(link, dict)
                or not isinstance(link.get("tag"), str)
                or link["tag"] not in tags
                or set(link) - {"tag", "value"}
            ):
                raise ConfigError(
                    f"monitors {key!r}: tags entries are {{tag: <a tag key in the file>, value: …}}", f"{where}.tags"
                )
    for key in monitors:
        _check_no_cycle(key, monitors)


def _check_no_cycle(key: str, monitors: dict[str, dict[str, Any]]) -> None:
    seen, current = {key}, monitors[key].get("group")
    while current is not None:
        if current in seen:
            raise ConfigError(f"monitors {key!r}: its groups form a cycle", "monitors")
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
                raise ConfigError(
                    f"notifications {notification['key']!r}: {field} needs ${match.group(1)} (not set)",
                    f"notifications.{notification['key']}.config.{field}",
                )
            config[field] = env[match.group(1)] if match else value
        out["notifications"].append({**notification, "config": config})
    return out
