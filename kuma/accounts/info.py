"""The `info` event: reduced before login (no version), full after login (socketio-events.md §1, §5.2)."""

from __future__ import annotations

import os
import platform
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kuma import UPTIME_KUMA_VERSION
from kuma.timezones import server_timezone_of

ARCH_NAMES = {
    "x86_64": "x64",
    "amd64": "x64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "armv7l": "arm",
    "i386": "ia32",
    "i686": "ia32",
}
PLATFORM_NAMES = {"win32": "win32", "darwin": "darwin"}


def utc_offset(tz_name: str, at: datetime) -> str:
    """ "+02:00" style offset of a zone at `at` (the app's clock: offsets change with summer time)."""
    offset = at.astimezone(ZoneInfo(tz_name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def runtime_info() -> dict[str, str]:
    machine = platform.machine().lower()
    return {
        "platform": PLATFORM_NAMES.get(sys.platform, "linux" if sys.platform.startswith("linux") else sys.platform),
        "arch": ARCH_NAMES.get(machine, machine),
    }


def is_container() -> bool:
    return os.environ.get("UPTIME_KUMA_IS_CONTAINER") == "1"


def build_info(
    settings: dict[str, Any], *, full: bool, now: datetime, latest_version: str | None = None
) -> dict[str, Any]:
    """`settings` holds the stored `primaryBaseURL` and `serverTimezone` values (None when absent);
    `now` (the app's clock) gives the zone's current offset."""
    tz = server_timezone_of(settings.get("serverTimezone"))
    info: dict[str, Any] = {
        "primaryBaseURL": settings.get("primaryBaseURL"),
        "serverTimezone": tz,
        "serverTimezoneOffset": utc_offset(tz, now),
    }
    if full:
        info.update(
            {
                "version": UPTIME_KUMA_VERSION,
                "latestVersion": latest_version,
                "isContainer": is_container(),
                "dbType": "sqlite",
                "runtime": runtime_info(),
            }
        )
    return info


def read_info_settings(db) -> dict[str, Any]:
    from kuma.store.settings import get_setting

    return {"primaryBaseURL": get_setting(db, "primaryBaseURL"), "serverTimezone": get_setting(db, "serverTimezone")}


async def info_payload(app: Any, *, full: bool) -> dict[str, Any]:
    return info_from(app, await app.db.read(read_info_settings), full=full)


def info_from(app: Any, settings: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """`info` from settings read already (`read_info_settings`, inside a larger reader job)."""
    return build_info(settings, full=full, now=app.clock.utcnow(), latest_version=app.latest_version)


async def server_timezone(app: Any) -> str:
    """The effective server timezone (kuma/timezones.py) — for any area that needs it."""
    from kuma.store.settings import server_timezone as stored_timezone

    return await app.db.read(stored_timezone)
