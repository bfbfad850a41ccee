"""The one server-timezone rule (as Uptime Kuma): the `serverTimezone` setting when it names a zone, else
env `TZ`, else the host's zone when it can be named, else UTC. Callers read the setting; this decides."""

from __future__ import annotations

import os
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def valid_timezone(name: Any) -> bool:
    if not isinstance(name, str) or not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError):
        return False


def default_timezone() -> str:
    """Env TZ, else the host's zone when it can be named, else UTC."""
    env_tz = os.environ.get("TZ", "").lstrip(":")
    if valid_timezone(env_tz):
        return env_tz
    try:
        link = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in link:
            guess = link.split("zoneinfo/", 1)[1]
            if valid_timezone(guess):
                return "UTC" if guess in ("Etc/UTC", "Etc/Universal", "Universal", "Zulu") else guess
    except OSError:
        pass
    return "UTC"


def server_timezone_of(stored: Any) -> str:
    """The effective zone name for a stored `serverTimezone` value (which may be missing or bad)."""
    return stored if valid_timezone(stored) else default_timezone()
