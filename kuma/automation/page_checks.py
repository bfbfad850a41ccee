"""Checks of a file's status pages and maintenance windows that need no database: the shape of their
lists and that every monitor and status page they name is declared in the same file. What the domain
rules decide (a slug's form, a strategy's dates, a cron) is left to kuma/domain, so its texts are the
dashboard's."""

from __future__ import annotations

from typing import Any

from kuma.automation.errors import ConfigError


def _keys(document: dict[str, Any], section: str) -> set[str]:
    return {item["key"] for item in document.get(section) or []}


def _names(value: Any, where: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: must be a list of {what} keys", where)
    return value


def check_pages(document: dict[str, Any]) -> None:
    """Refuse a document's status pages and maintenance links before anything is applied: a missing or
    repeated slug, a bad domain list, or a monitor or page the document does not have."""
    monitors, pages = _keys(document, "monitors"), _keys(document, "statusPages")
    slugs: dict[str, str] = {}
    for index, page in enumerate(document.get("statusPages") or []):
        where = f"statusPages[{index}]"
        slug = page.get("slug")
        if not isinstance(slug, str) or not slug:
            raise ConfigError(f"statusPages {page['key']!r}: `slug` (text) is required", f"{where}.slug")
        if slug.lower() in slugs:
            raise ConfigError(f"statusPages {page['key']!r}: slug {slug!r} is also {slugs[slug.lower()]!r}'s", where)
        slugs[slug.lower()] = page["key"]
        domains = page.get("domainNameList", [])
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise ConfigError(
                f"statusPages {page['key']!r}: domainNameList must be a list of texts", f"{where}.domainNameList"
            )
        for number, group in enumerate(_names(page.get("groups", []), f"{where}.groups", "group")):
            _check_group(group, f"{where}.groups[{number}]", monitors)
    for index, window in enumerate(document.get("maintenance") or []):
        where = f"maintenance[{index}]"
        for name in _names(window.get("monitors", []), f"{where}.monitors", "monitor"):
            if not isinstance(name, str) or name not in monitors:
                raise ConfigError(
                    f"maintenance {window['key']!r}: monitor {name!r} is not in the file", f"{where}.monitors"
                )
        for name in _names(window.get("statusPages", []), f"{where}.statusPages", "status page"):
            if not isinstance(name, str) or name not in pages:
                raise ConfigError(
                    f"maintenance {window['key']!r}: status page {name!r} is not in the file", f"{where}.statusPages"
                )


def _check_group(group: Any, where: str, monitors: set[str]) -> None:
    if not isinstance(group, dict) or set(group) - {"name", "monitors"} or not isinstance(group.get("name"), str):
        raise ConfigError(f"{where}: a group is {{name: <text>, monitors: [<monitor keys>]}}", where)
    for number, item in enumerate(_names(group.get("monitors", []), f"{where}.monitors", "monitor")):
        key = item.get("monitor") if isinstance(item, dict) else item
        if isinstance(item, dict) and (set(item) - {"monitor", "sendUrl", "url"}):
            raise ConfigError(f"{where}.monitors[{number}]: entries are a key or {{monitor, sendUrl, url}}", where)
        if not isinstance(key, str) or key not in monitors:
            raise ConfigError(
                f"{where}.monitors[{number}]: monitor {key!r} is not in the file", f"{where}.monitors[{number}]"
            )
