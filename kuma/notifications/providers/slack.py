"""slack: incoming webhook, plain text or a rich attachment with blocks and buttons."""

from __future__ import annotations

from kuma.notifications.base import SENT, UP, Provider, as_bool, monitor_url, register, text, time_field
from kuma.notifications.http import post_json
from kuma.notifications.templates import render


def group_path(monitor: dict) -> str | None:
    path = monitor.get("path")
    if isinstance(path, list) and len(path) > 1:
        return " / ".join(str(p) for p in path[:-1])
    return None


def rich_attachment(config: dict, msg: str, monitor: dict, heartbeat: dict, include_group: bool) -> dict:
    """Slack's rich (blocks) form of a beat's message, with the monitor's group path when asked for."""
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": text(monitor.get("name"))}}]
    group = group_path(monitor) if include_group else None
    if group:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"_{group}_"}]})
    time_name, time_value = time_field(heartbeat)
    blocks.append(
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Message*\n{msg}"},
                {"type": "mrkdwn", "text": f"*{time_name}*\n{time_value}"},
            ],
        }
    )
    buttons = []
    base = text(config.get("slackbutton"))
    if base and monitor.get("id") is not None:
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Visit Uptime Kuma"},
                "value": "Uptime-Kuma",
                "url": f"{base.rstrip('/')}/dashboard/{monitor['id']}",
            }
        )
    site = monitor_url(monitor)
    if site:
        buttons.append(
            {"type": "button", "text": {"type": "plain_text", "text": "Visit site"}, "value": "Site", "url": site}
        )
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return {"color": "#2eb886" if heartbeat.get("status") == UP else "#e01e5a", "blocks": blocks}


@register("slack")
class Slack(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        notify = " <!channel>" if as_bool(config.get("slackchannelnotify")) else ""
        body: dict = {
            "text": msg + notify,
            "channel": config.get("slackchannel"),
            "username": config.get("slackusername"),
            "icon_emoji": config.get("slackiconemo"),
        }
        if heartbeat is not None and monitor is not None:
            include_group = config.get("slackIncludeGroupName", True) not in (False, "false", 0)
            if as_bool(config.get("slackUseTemplate")):
                content = render(text(config.get("slackTemplate")), msg, monitor, heartbeat)
            else:
                group = group_path(monitor) if include_group else None
                content = (f"_{group}_\n" if group else "") + f"{monitor.get('name')}\n{msg}"
            body["text"] = content + notify
            body["attachments"] = []
            if as_bool(config.get("slackrichmessage")):
                body["attachments"] = [rich_attachment(config, msg, monitor, heartbeat, include_group)]
        await post_json(text(config.get("slackwebhookURL")), body)
        return SENT
