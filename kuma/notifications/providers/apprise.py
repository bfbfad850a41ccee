"""apprise: Uptime Kuma's "Apprise" type — any apprise URL, sent with the apprise library in a worker thread."""

from __future__ import annotations

from kuma.notifications.apprise_send import notify_with_apprise as notify_with_apprise  # re-exported
from kuma.notifications.apprise_send import send_with_apprise
from kuma.notifications.base import SENT, NotificationError, Provider, register, text


@register("apprise")
class Apprise(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        url = text(config.get("appriseURL")).strip()
        if not url:
            raise NotificationError("Apprise URL is empty")
        await send_with_apprise([url], msg, text(config.get("title")) or None)
        return SENT
