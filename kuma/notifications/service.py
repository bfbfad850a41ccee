"""`setup(app)`: the Notifier at `app.notifier`, listening to committed beats."""

from __future__ import annotations

import logging

import trio

from kuma.notifications.notifier import Notifier

log = logging.getLogger(__name__)


def setup(app) -> Notifier:
    notifier = Notifier(app)
    app.notifier = notifier

    async def service(*, task_status=trio.TASK_STATUS_IGNORED) -> None:
        app.monitoring.add_beat_listener(notifier.on_beat)
        await notifier.run(task_status=task_status)

    app.add_service("notifications", service)
    return notifier
