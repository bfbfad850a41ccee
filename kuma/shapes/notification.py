"""Notification list items (`notificationList`): the row with camelCase keys in Uptime Kuma's order."""
from __future__ import annotations

from typing import Any

from kuma.store import notifications as store


def notification_item(row: dict[str, Any]) -> dict[str, Any]:
    """`{id, name, active, userId, isDefault, config}` (order as captured in transcript 08)."""
    return {
        "id": row["id"],
        "name": row.get("name"),
        "active": bool(row.get("active")),
        "userId": row.get("user_id"),
        "isDefault": bool(row.get("is_default")),
        "config": row.get("config"),
    }


async def notification_list(app: Any, user_id: int) -> list[dict[str, Any]]:
    """The `notificationList` payload for one user (also sent in the login burst)."""
    rows = await app.db.read(lambda db: store.list_notifications(db, user_id))
    return [notification_item(r) for r in rows]
