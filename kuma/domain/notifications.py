"""Notification operations (spec §3.5): save, delete, send a test message, whether apprise is there."""

from __future__ import annotations

import importlib.util
import json
import logging
from typing import TYPE_CHECKING, Any

import trio

from kuma.domain.errors import DomainError
from kuma.notifications.base import NotificationError, known_spec_keys, send_notification
from kuma.notifications.forms import missing_required
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


MAX_CONFIG_BYTES = 512 * 1024
MAX_DEPTH = 8
MAX_NAME = 255


def _check_value(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise DomainError("Invalid notification: nested too deeply")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or key in ("__proto__", "constructor", "prototype"):
                raise DomainError(f"Invalid notification: key {key!r} is not allowed")
            _check_value(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, depth + 1)


def validate(notification: Any) -> None:
    """What kuma stores must be a notification (issue #13; Uptime Kuma stores any object): a config object
    with a known provider `type`, a text `name`, boolean-ish flags, no prototype keys, bounded depth and size,
    and the fields its provider cannot send without (forms.json, issue #19)."""
    if not isinstance(notification, dict):
        raise DomainError("Invalid notification")
    kind = notification.get("type")
    if not isinstance(kind, str) or kind not in known_spec_keys():
        raise DomainError("Notification type is not supported")
    name = notification.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > MAX_NAME):
        raise DomainError(f"Invalid notification: name must be text of at most {MAX_NAME} characters")
    for flag in ("isDefault", "applyExisting", "active"):
        if notification.get(flag) not in (None, True, False, 0, 1):
            raise DomainError(f"Invalid notification: {flag} must be true or false")
    _check_value(notification, 1)
    if len(json.dumps(notification, ensure_ascii=False)) > MAX_CONFIG_BYTES:
        raise DomainError("Invalid notification: too large")
    missing = missing_required(notification)
    if missing:
        raise DomainError(missing)


async def save(app: App, user_id: int, notification: Any, wanted_id: Any = None) -> int:
    """Create (no id) or replace one of the user's notifications; returns its id."""
    validate(notification)
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
