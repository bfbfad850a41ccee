"""Socket.IO handlers: addNotification, deleteNotification, testNotification, checkApprise (spec §3.5)."""
from __future__ import annotations

import importlib.util
import logging
from typing import Any

import trio

from kuma.notifications.base import NotificationError, send_notification
from kuma.shapes.notification import notification_list
from kuma.store import notifications as store

log = logging.getLogger(__name__)

NOT_LOGGED_IN = "You are not logged in."
TEST_TIMEOUT = 60.0


def _user_id(sock: Any) -> int | None:
    user_id = getattr(sock, "user_id", None)
    if user_id is None and isinstance(getattr(sock, "session", None), dict):
        user_id = sock.session.get("user_id")
    return int(user_id) if user_id is not None else None


def _to_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


async def send_list(hub: Any, app: Any, user_id: int) -> None:
    await hub.emit("notificationList", await notification_list(app, user_id), room=str(user_id))


def register(hub: Any, app: Any) -> None:
    @hub.on("addNotification")
    async def add_notification(sock, notification=None, notification_id=None, *rest):
        user_id = _user_id(sock)
        if user_id is None:
            return {"ok": False, "msg": NOT_LOGGED_IN}
        if not isinstance(notification, dict):
            return {"ok": False, "msg": "Invalid notification"}
        wanted = None
        if notification_id is not None:
            wanted = _to_id(notification_id)
            if wanted is None:
                return {"ok": False, "msg": "notification not found"}
        saved = await app.db.write(lambda db: store.save_notification(db, notification, wanted, user_id))
        if saved is None:
            return {"ok": False, "msg": "notification not found"}
        await send_list(hub, app, user_id)
        return {"ok": True, "msg": "Saved.", "msgi18n": True, "id": saved}

    @hub.on("deleteNotification")
    async def delete_notification(sock, notification_id=None, *rest):
        user_id = _user_id(sock)
        if user_id is None:
            return {"ok": False, "msg": NOT_LOGGED_IN}
        wanted = _to_id(notification_id)
        deleted = wanted is not None and await app.db.write(
            lambda db: store.delete_notification(db, wanted, user_id))
        if not deleted:
            return {"ok": False, "msg": "notification not found"}
        await send_list(hub, app, user_id)
        return {"ok": True, "msg": "successDeleted", "msgi18n": True}

    @hub.on("testNotification")
    async def test_notification(sock, notification=None, *rest):
        if _user_id(sock) is None:
            return {"ok": False, "msg": NOT_LOGGED_IN}
        if not isinstance(notification, dict):
            return {"ok": False, "msg": "Notification type is not supported"}
        msg = f"{notification.get('name')} Testing"
        try:
            with trio.fail_after(TEST_TIMEOUT):
                result = await send_notification(notification, msg, None, None)
        except trio.TooSlowError:
            return {"ok": False, "msg": f"Timed out after {TEST_TIMEOUT:g}s"}
        except NotificationError as exc:
            return {"ok": False, "msg": str(exc)}
        except Exception as exc:  # a provider bug is an error message, never a crash
            log.exception("testNotification failed")
            return {"ok": False, "msg": str(exc) or type(exc).__name__}
        return {"ok": True, "msg": result}

    @hub.on("checkApprise")
    async def check_apprise(sock, *rest):
        if _user_id(sock) is None:
            return {"ok": False, "msg": NOT_LOGGED_IN}
        return apprise_available()


def apprise_available() -> bool:
    """kuma sends the `apprise` type through the apprise library (no CLI needed)."""
    return importlib.util.find_spec("apprise") is not None
