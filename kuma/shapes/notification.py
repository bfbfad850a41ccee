"""Notification list items (`notificationList`): the row with camelCase keys in Uptime Kuma's order."""

from __future__ import annotations

from typing import Any


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
