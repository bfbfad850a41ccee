"""Socket.IO handlers: addNotification, deleteNotification, testNotification, checkApprise (spec §3.5),
kuma-only getNotificationForms, over `kuma.domain.notifications`. `notificationList` goes to the user's room before the ack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.api.common import Events, UserList, ok
from kuma.domain import notifications as domain
from kuma.domain.notifications import apprise_available  # noqa: F401 - kept importable from here
from kuma.notifications.forms import provider_forms
from kuma.views.notifications import notification_list

if TYPE_CHECKING:
    from kuma.app import App

events = Events()
NOTIFICATIONS = UserList("notificationList", notification_list)


add_notification = events.login("addNotification")(NOTIFICATIONS.save_handler(domain.save))
delete_notification = events.login("deleteNotification")(NOTIFICATIONS.delete_handler(domain.delete))


@events.login("testNotification")
async def test_notification(app: App, sock: Any, notification: Any = None, *rest: Any) -> dict[str, Any]:
    return {"ok": True, "msg": await domain.send_test(notification)}  # msg even when a provider returns None


@events.login("checkApprise")
async def check_apprise(app: App, sock: Any, *rest: Any) -> bool:
    return domain.apprise_available()


@events.login("getNotificationForms")
async def get_notification_forms(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    """kuma-only: the provider forms the dashboard draws; the same description `addNotification` checks."""
    return ok(**provider_forms())


def register(hub: Any, app: App) -> None:
    """Every notification event on the hub."""
    events.register(hub, app)
