"""`setup(app)`: the Notifier at `app.extensions["notifier"]`, listening to committed beats."""
from __future__ import annotations

import logging

import trio

from kuma.notifications.notifier import Notifier

log = logging.getLogger(__name__)


def setup(app) -> Notifier:
    notifier = Notifier(app)
    app.extensions["notifier"] = notifier

    async def service(*, task_status=trio.TASK_STATUS_IGNORED) -> None:
        monitoring = app.extensions.get("monitoring")
        if monitoring is not None and hasattr(monitoring, "add_beat_listener"):
            monitoring.add_beat_listener(notifier.on_beat)
        else:
            log.info("no monitoring service: notifications only on demand")
        await notifier.run(task_status=task_status)

    app.add_service("notifications", service)
    return notifier
