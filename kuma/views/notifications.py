"""The `notificationList` payload, items shaped by `kuma.shapes.notification`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.shapes.notification import notification_item
from kuma.store import notifications as store

if TYPE_CHECKING:
    from kuma.app import App


async def notification_list(app: App, user_id: int) -> list[dict[str, Any]]:
    """The `notificationList` payload for one user (also sent in the login burst)."""
    rows = await app.db.read(lambda db: store.list_notifications(db, user_id))
    return [notification_item(r) for r in rows]
