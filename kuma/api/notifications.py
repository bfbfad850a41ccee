"""Socket.IO handlers: addNotification, deleteNotification, testNotification, checkApprise (spec §3.5),
over `kuma.domain.notifications`. `notificationList` goes to the user's room before the ack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.api.common import Events, ok_i18n, require_login
from kuma.domain import notifications as domain
from kuma.domain.notifications import apprise_available  # noqa: F401 - kept importable from here
from kuma.views.notifications import notification_list

if TYPE_CHECKING:
    from kuma.app import App

events = Events()


async def send_list(app: App, user_id: int) -> None:
    """The user's `notificationList` to their room."""
    await app.hub.emit("notificationList", await notification_list(app, user_id), room=str(user_id))


@events.login("addNotification")
async def add_notification(
    app: App, sock: Any, notification: Any = None, notification_id: Any = None, *rest: Any
) -> dict[str, Any]:
    user_id = require_login(sock)
    saved = await domain.save(app, user_id, notification, notification_id)
    await send_list(app, user_id)
    return ok_i18n("Saved.", id=saved)


@events.login("deleteNotification")
async def delete_notification(app: App, sock: Any, notification_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)
    await domain.delete(app, user_id, notification_id)
    await send_list(app, user_id)
    return ok_i18n("successDeleted")


@events.login("testNotification")
async def test_notification(app: App, sock: Any, notification: Any = None, *rest: Any) -> dict[str, Any]:
    return {"ok": True, "msg": await domain.send_test(notification)}  # msg even when a provider returns None


@events.login("checkApprise")
async def check_apprise(app: App, sock: Any, *rest: Any) -> bool:
    return domain.apprise_available()


def register(hub: Any, app: App) -> None:
    """Every notification event on the hub."""
    events.register(hub, app)
