"""Arguments sent as ONE object of named fields where Uptime Kuma takes them one by one.

pykumaapi2 0.1.2 sends `getMonitorBeats({monitorID, period})`, `getMonitorChartData({monitorID, period})`,
`addStatusPage({title, slug})`, `saveStatusPage({slug, config, publicGroupList})`,
`setSettings({settings, currentPassword})` and `changePassword({passwords: {...}})`. Uptime Kuma 2.5.3 fails
all six ("Invalid period.", "Please input all fields", "No slug?", a silent "Saved." that saves nothing…).
kuma reads such an object only where the call cannot mean anything else: the first argument is an object
whose keys are all among the event's names and include the one that identifies it, and nothing follows it.
Replies are unchanged, so what 2.x clients send and receive stays as it is.
"""

from __future__ import annotations

from typing import Any


def named(first: Any, later: tuple[Any, ...], keys: tuple[str, ...], required: str) -> tuple[Any, ...] | None:
    """`first[key]` for each of `keys` when `first` is such an object and every later argument is absent."""
    if not isinstance(first, dict) or required not in first or any(arg is not None for arg in later):
        return None
    if not set(first) <= set(keys):
        return None
    return tuple(first.get(key) for key in keys)


def monitor_period(monitor_id: Any, period: Any) -> tuple[Any, Any]:
    """(monitorID, period) of `getMonitorBeats` / `getMonitorChartData`."""
    found = named(monitor_id, (period,), ("monitorID", "period"), "monitorID")
    return (found[0], found[1]) if found else (monitor_id, period)


def title_slug(title: Any, slug: Any) -> tuple[Any, Any]:
    """(title, slug) of `addStatusPage`."""
    found = named(title, (slug,), ("title", "slug"), "slug")
    return (found[0], found[1]) if found else (title, slug)


def status_page_save(slug: Any, config: Any, img: Any, groups: Any) -> tuple[Any, Any, Any, Any]:
    """(slug, config, imgDataUrl, publicGroupList) of `saveStatusPage`."""
    found = named(slug, (config, img, groups), ("slug", "config", "imgDataUrl", "publicGroupList"), "config")
    return (found[0], found[1], found[2], found[3]) if found else (slug, config, img, groups)


def settings_password(data: Any, current_password: Any) -> tuple[Any, Any]:
    """(settings, currentPassword) of `setSettings`; `settings` is no settings key, so the object is unmistakable."""
    found = named(data, (current_password,), ("settings", "currentPassword"), "settings")
    return (found[0], found[1]) if found and isinstance(found[0], dict) else (data, current_password)


def passwords(password: Any) -> Any:
    """The `{currentPassword, newPassword}` object of `changePassword`."""
    found = named(password, (), ("passwords",), "passwords")
    return found[0] if found and isinstance(found[0], dict) else password
