"""Notification operations (spec §3.5): save, delete, send a test message, whether apprise is there."""
from __future__ import annotations

import importlib.util
import logging
from typing import TYPE_CHECKING, Any

import trio

from kuma.domain.errors import DomainError
from kuma.notifications.base import NotificationError, send_notification
from kuma.store import notifications as store

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)

TEST_TIMEOUT = 60.0
NOT_FOUND = "notification not found"


def notification_id(value: Any) -> int | None:
    """An id as a number or a string of digits (a leading minus allowed); anything else → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


async def save(app: App, user_id: int, notification: Any, wanted_id: Any = None) -> int:
    """Create (no id) or replace one of the user's notifications; returns its id."""
    if not isinstance(notification, dict):
        raise DomainError("Invalid notification")
    wanted = None
    if wanted_id is not None:
        wanted = notification_id(wanted_id)
        if wanted is None:
            raise DomainError(NOT_FOUND)
    saved = await app.db.write(lambda db: store.save_notification(db, notification, wanted, user_id))
    if saved is None:
        raise DomainError(NOT_FOUND)
    return saved


async def delete(app: App, user_id: int, wanted_id: Any) -> None:
    """Delete one of the user's notifications (its monitor links cascade)."""
    wanted = notification_id(wanted_id)
    deleted = wanted is not None and await app.db.write(lambda db: store.delete_notification(db, wanted, user_id))
    if not deleted:
        raise DomainError(NOT_FOUND)


async def send_test(notification: Any) -> str:
    """Send "<name> Testing" through the provider; returns its success text. A provider failure, a
    timeout or a provider bug is a DomainError with the message the user should see, never a crash."""
    if not isinstance(notification, dict):
        raise DomainError("Notification type is not supported")
    msg = f"{notification.get('name')} Testing"
    try:
        with trio.fail_after(TEST_TIMEOUT):
            return await send_notification(notification, msg, None, None)
    except trio.TooSlowError:
        raise DomainError(f"Timed out after {TEST_TIMEOUT:g}s") from None
    except NotificationError as exc:
        raise DomainError(str(exc)) from None
    except Exception as exc:
        log.exception("testNotification failed")
        raise DomainError(str(exc) or type(exc).__name__) from None


def apprise_available() -> bool:
    """kuma sends the `apprise` type through the apprise library (no CLI needed)."""
    return importlib.util.find_spec("apprise") is not None
