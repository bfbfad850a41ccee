"""teams: an Adaptive Card (1.5) posted to a Teams/Power Automate webhook."""

from __future__ import annotations

from kuma.notifications.base import DOWN, SENT, UP, Provider, as_bool, monitor_url, register, text, time_field
from kuma.notifications.http import post_json
from kuma.notifications.templates import hostname_or_url

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ICON = "https://raw.githubusercontent.com/louislam/uptime-kuma/master/public/icon.png"


def card(config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> dict:
    """The Adaptive Card a Teams/Power Automate webhook takes: headline and style by the beat's status."""
    status = heartbeat.get("status") if heartbeat else None
    name = (monitor or {}).get("name")
    if status == DOWN:
        style, headline = "attention", f"[{name}] went down"
    elif status == UP:
        style, headline = "good", f"[{name}] is back online"
    else:
        style, headline = "emphasis", "Uptime Kuma"
    facts = [{"title": "Description", "value": msg}]
    if name:
        facts.append({"title": "Monitor", "value": name})
    target = hostname_or_url(monitor)
    if target:
        facts.append({"title": "URL", "value": target})
    if heartbeat:
        facts.append({"title": "Time", "value": f"{time_field(heartbeat)[1]} ({heartbeat.get('timezone')})"})
    body: list[dict] = [
        {
            "type": "Container",
            "verticalContentAlignment": "Center",
            "style": style,
            "bleed": True,
            "items": [
                {
                    "type": "ColumnSet",
                    "columns": [
                        {
                            "type": "Column",
                            "width": "auto",
                            "items": [{"type": "Image", "url": ICON, "altText": "Uptime Kuma Logo", "size": "Small"}],
                        },
                        {
                            "type": "Column",
                            "width": "stretch",
                            "verticalContentAlignment": "Center",
                            "items": [
                                {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "text": f"**{headline}**"}
                            ],
                        },
                    ],
                }
            ],
        },
        {"type": "FactSet", "separator": False, "facts": facts},
    ]
    tags = (monitor or {}).get("tags") or []
    if as_bool(config.get("teamsEnableTags")) and tags:
        body.append(
            {
                "type": "Container",
                "items": [
                    {
                        "type": "Badge",
                        "text": (f"{t.get('name')}:{t.get('value')}" if t.get("value") else text(t.get("name"))),
                    }
                    for t in tags
                ],
            }
        )
    actions = []
    if monitor_url(monitor):
        actions.append({"type": "Action.OpenUrl", "title": "Visit Monitor URL", "url": monitor_url(monitor)})
    if actions:
        body.append({"type": "ActionSet", "actions": actions})
    return {"type": "AdaptiveCard", "version": "1.5", "$schema": SCHEMA, "body": body}


@register("teams")
class Teams(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        payload = {
            "type": "message",
            "summary": msg,
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": "",
                    "content": card(config, msg, monitor, heartbeat),
                }
            ],
        }
        await post_json(text(config.get("webhookUrl")), payload)
        return SENT
