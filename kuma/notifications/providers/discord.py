"""discord: webhook message — embeds (normal), one line (minimalist) or a Liquid template (custom)."""

from __future__ import annotations

from datetime import UTC, datetime

from kuma.notifications.base import DOWN, SENT, UP, Provider, as_bool, register, text, time_field
from kuma.notifications.http import post_json, request
from kuma.notifications.payloads import parse_utc
from kuma.notifications.templates import hostname_or_url, render

ICON = "https://github.com/louislam/uptime-kuma/raw/master/public/icon.png"


def duration_text(seconds: float) -> str:
    """ "1h 2m" / "5s" style downtime durations."""
    seconds = int(max(0, seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{v}{u}" for v, u in ((days, "d"), (hours, "h"), (minutes, "m")) if v]
    if not parts:
        parts.append(f"{secs}s")
    return " ".join(parts)


def _unix(time_text: str | None) -> int:
    moment = parse_utc(time_text or "") or datetime.now(UTC)
    return int(moment.timestamp())


def embed(monitor: dict, heartbeat: dict, disable_url: bool) -> dict:
    """The embed Uptime Kuma sends on a beat: its fields, colour and title by the beat's status."""
    name = monitor.get("name")
    fields = [{"name": "Service Name", "value": name}]
    if not disable_url:
        if monitor.get("type") == "push":
            fields.append({"name": "Service Type", "value": "Heartbeat"})
        else:
            fields.append({"name": "Service URL", "value": hostname_or_url(monitor) or "N/A"})
    time_name, time_value = time_field(heartbeat)
    if heartbeat.get("status") == DOWN:
        fields += [
            {"name": "Went Offline", "value": f"<t:{_unix(heartbeat.get('time'))}:F>"},
            {"name": time_name, "value": time_value},
            {"name": "Error", "value": text(heartbeat.get("msg")) or "N/A"},
        ]
        return {
            "title": f"❌ Your service {name} went down. ❌",
            "color": 16711680,
            "timestamp": text(heartbeat.get("time")),
            "fields": fields,
        }
    last_down = heartbeat.get("lastDownTime")
    if last_down:
        down_seconds = _unix(heartbeat.get("time")) - _unix(last_down)
        fields += [
            {"name": "Went Offline", "value": f"<t:{_unix(last_down)}:F>"},
            {"name": "Downtime Duration", "value": duration_text(down_seconds)},
        ]
    fields += [{"name": time_name, "value": time_value}]
    if heartbeat.get("ping") is not None:
        fields.append({"name": "Ping", "value": f"{heartbeat.get('ping')} ms"})
    return {
        "title": f"✅ Your service {name} is up! ✅",
        "color": 65280,
        "timestamp": text(heartbeat.get("time")),
        "fields": fields,
    }


@register("discord")
class Discord(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        url = text(config.get("discordWebhookUrl"))
        body: dict = {"username": text(config.get("discordUsername")) or "Uptime Kuma"}
        info = await request("GET", url, raise_for_status=False)
        try:
            has_avatar = bool(info.json().get("avatar"))
        except (ValueError, AttributeError):
            has_avatar = False
        if not has_avatar:
            body["avatar_url"] = ICON
        target = url
        channel = config.get("discordChannelType")
        if channel == "postToThread" and config.get("threadId"):
            target += ("&" if "?" in url else "?") + f"thread_id={text(config.get('threadId'))}"
        elif channel == "createNewForumPost":
            body["thread_name"] = text(config.get("postName"))
        fmt = config.get("discordMessageFormat") or (
            "custom" if as_bool(config.get("discordUseMessageTemplate")) else "normal"
        )
        prefix = text(config.get("discordPrefixMessage"))
        if heartbeat is None or monitor is None:
            body["content"] = msg
        elif fmt == "custom":
            body["content"] = render(text(config.get("discordMessageTemplate")), msg, monitor, heartbeat)
        elif fmt == "minimalist":
            name = monitor.get("name")
            body["content"] = f"🟢 {name} is up." if heartbeat.get("status") == UP else f"🔴 {name} is down."
        else:
            body["embeds"] = [embed(monitor, heartbeat, as_bool(config.get("disableUrl")))]
            if prefix:
                body["content"] = prefix
        if as_bool(config.get("discordSuppressNotifications")):
            body["flags"] = 4096
        await post_json(target, body)
        return SENT
