"""Sending through the apprise library, shared by the "Apprise" provider and the apprise bridge.

apprise is blocking and heavy, so it is imported in the worker thread that sends, never at start-up;
this module imports only `common`, so the bridge and the providers both import it without a cycle.
"""

from __future__ import annotations

import trio

from kuma.notifications.common import NotificationError


def notify_with_apprise(urls: list[str], body: str, title: str | None = None) -> None:
    """Blocking: send through apprise; raise NotificationError when any URL is invalid or fails."""
    import apprise  # heavy: lazily, in the worker thread

    sender = apprise.Apprise()
    for url in urls:
        if not sender.add(url):
            raise NotificationError("Apprise URL is not valid or the service is not supported")
    if not sender.notify(body=body, title=title or ""):
        raise NotificationError("Apprise failed to send the notification (see server log)")


async def send_with_apprise(urls: list[str], body: str, title: str | None) -> None:
    """`notify_with_apprise` in a worker thread, so the Trio loop never waits on it."""
    await trio.to_thread.run_sync(notify_with_apprise, urls, body, title, abandon_on_cancel=True)
