"""What providers receive for a monitor event: the message text and the heartbeat JSON (data-model §5).

Pure functions: the caller looks up the server timezone, the last DOWN time and the monitor JSON.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from kuma.notifications.base import DOWN, UP


def event_message(monitor_name: str, status: int, beat_msg: str) -> str:
    """`[<name>] [✅ Up] <msg>` for UP, `[<name>] [🔴 Down] <msg>` for anything else."""
    label = "✅ Up" if status == UP else "🔴 Down"
    return f"[{monitor_name}] [{label}] {beat_msg}"


def decode_response(stored: str | None) -> str | None:
    """heartbeat.response is base64 of brotli-compressed text; providers get the plain text."""
    if not stored:
        return None
    try:
        raw = base64.b64decode(stored)
    except ValueError:
        return None
    try:
        import brotli  # optional: only present when saving responses is supported

        return brotli.decompress(raw).decode("utf-8", "replace")
    except ImportError:
        return None
    except Exception:
        return None


def zone(tz_name: str | None) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(tz_name) if tz_name else UTC
    except Exception:
        return UTC


def offset_text(moment: datetime) -> str:
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_utc(text: str) -> datetime | None:
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except (TypeError, ValueError):
            continue
    return None


def heartbeat_json(
    beat: dict[str, Any],
    monitor_type: str | None,
    tz_name: str | None,
    last_down_time: str | None = None,
    set_keys: frozenset[str] | set[str] | None = None,
    *,
    now: datetime,
) -> dict[str, Any]:
    """The heartbeat JSON a provider gets: the live event's keys, then timezone fields (+ lastDownTime on UP).
    `now` (the app's clock) stands in for a beat without a time.

    Keys follow the live `heartbeat` event (only keys set on the beat, `kuma.shapes.heartbeat.live_beat`),
    with `msg` "N/A" when empty and `response` decoded to text (left out when it cannot be decoded).
    """
    from kuma.shapes.heartbeat import live_beat

    out = live_beat(beat, monitor_type, set_keys=set_keys)
    out["msg"] = out.get("msg") or "N/A"
    if "response" in out or (set_keys is None and beat.get("response")):
        response = decode_response(beat.get("response"))
        out.pop("response", None)
        if response is not None:
            out["response"] = response
    tz = zone(tz_name)
    moment = parse_utc(str(beat.get("time") or "")) or now
    local = moment.astimezone(tz)
    out["timezone"] = tz_name or "UTC"
    out["timezoneOffset"] = offset_text(local)
    out["localDateTime"] = local.strftime("%Y-%m-%d %H:%M:%S")
    if beat.get("status") == UP and last_down_time:
        out["lastDownTime"] = last_down_time
    return out


def should_notify(*, notify: bool, is_first: bool, status: int, under_maintenance: bool) -> bool:
    """The engine decides which beats notify (transitions, resends); a first beat only when DOWN."""
    if not notify or under_maintenance:
        return False
    if is_first and status != DOWN:
        return False
    return status in (UP, DOWN)
