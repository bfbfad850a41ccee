"""apprise: Uptime Kuma's "Apprise" type — any apprise URL, sent with the apprise library in a worker thread."""
from __future__ import annotations

from kuma.notifications.base import SENT, NotificationError, Provider, register, text


def notify_with_apprise(urls: list[str], body: str, title: str | None = None) -> None:
    """Blocking: send through apprise; raise NotificationError when any URL is invalid or fails."""
    import apprise  # heavy: lazily, in the worker thread

    sender = apprise.Apprise()
    for url in urls:
        if not sender.add(url):
            raise NotificationError("Apprise URL is not valid or the service is not supported")
    if not sender.notify(body=body, title=title or ""):
        raise NotificationError("Apprise failed to send the notification (see server log)")


@register("apprise")
class Apprise(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        import trio

        url = text(config.get("appriseURL")).strip()
        if not url:
            raise NotificationError("Apprise URL is empty")
        await trio.to_thread.run_sync(notify_with_apprise, [url], msg, text(config.get("title")) or None,
                                      abandon_on_cancel=True)
        return SENT
