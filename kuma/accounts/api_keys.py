"""API keys for `/metrics`: `uk<id>_<40-char nanoid>`, stored as bcrypt(secret), with expiry and on/off.

`check_api_auth(app, authorization_header)` is the whole "apiAuth" rule of rest-endpoints.md §5, for the
REST routes: auth disabled → open; once any key was ever created (`apiKeysEnabled`) → Basic auth whose
password is an API key (60/min bucket); otherwise Basic auth with a user's username/password (login bucket).
An API key is also taken as `Authorization: Bearer <key>`, as pykumaapi2 sends it (Uptime Kuma answers 401).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import string
from datetime import UTC, datetime
from typing import Any

import bcrypt
import trio

from kuma.accounts.passwords import BCRYPT_COST, verify_password

NANOID_ALPHABET = string.ascii_letters + string.digits + "_-"
SECRET_LENGTH = 40
KEY_PREFIX = "uk"


def generate_secret() -> str:
    return "".join(secrets.choice(NANOID_ALPHABET) for _ in range(SECRET_LENGTH))


def format_key(key_id: int, secret: str) -> str:
    return f"{KEY_PREFIX}{key_id}_{secret}"


def parse_key(clear_key: Any) -> tuple[int, str] | None:
    """`uk12_secret` → (12, "secret"); the secret itself may contain `_` (split on the first one)."""
    if not isinstance(clear_key, str) or not clear_key.startswith(KEY_PREFIX) or "_" not in clear_key:
        return None
    id_text, secret = clear_key[len(KEY_PREFIX) :].split("_", 1)
    if not id_text.isdigit() or not secret:
        return None
    return int(id_text), secret


def hash_secret(secret: str) -> str:
    return bcrypt.hashpw(secret.encode("utf-8"), bcrypt.gensalt(rounds=BCRYPT_COST)).decode("ascii")


def utc_text(now: float) -> str:
    """Epoch seconds (the app's clock) as `YYYY-MM-DD HH:mm:ss` UTC, the form `expires` is stored in."""
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S")


def is_expired(expires: str | None, now_text: str) -> bool:
    """`expires` and now are both `YYYY-MM-DD HH:mm:ss` UTC text, so text order is time order."""
    if not expires:
        return False
    return str(expires)[:19] < now_text


def key_status(row: dict[str, Any], now_text: str) -> str:
    """ "active" | "inactive" | "expired" as the API-key list shows it (expiry wins)."""
    if is_expired(row.get("expires"), now_text):
        return "expired"
    return "active" if row.get("active") else "inactive"


async def verify_api_key(app: Any, clear_key: Any) -> dict[str, Any] | None:
    """The api_key row if `clear_key` is a valid, active, unexpired key; else None. No rate limit here."""
    from kuma.store.api_keys import get_api_key

    parsed = parse_key(clear_key)
    if parsed is None:
        return None
    key_id, secret = parsed
    row = await app.db.read(lambda db: get_api_key(db, key_id))
    if row is None or not row["active"] or is_expired(row["expires"], utc_text(app.clock.time())):
        return None
    matches = await trio.to_thread.run_sync(verify_password, secret, row["key"])
    return row if matches else None


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """`Basic base64(user:password)` → (user, password), or None."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if ":" not in decoded:
        return None
    user, password = decoded.split(":", 1)
    return user, password


def bearer_key(header: str | None) -> str | None:
    """`Bearer <key>` → key, or None."""
    if not header or header[:7].lower() != "bearer ":
        return None
    return header[7:].strip() or None


async def check_api_auth(app: Any, authorization_header: str | None) -> bool:
    """Uptime Kuma's apiAuth for `/metrics`: True if the request may pass (see module docstring)."""
    from kuma.store.settings import get_setting
    from kuma.store.users import find_active_user

    def settings(db):
        return bool(get_setting(db, "disableAuth", False)), bool(get_setting(db, "apiKeysEnabled", False))

    disable_auth, keys_enabled = await app.db.read(settings)
    if disable_auth:
        return True
    state = app.accounts
    credentials = parse_basic_auth(authorization_header)
    if keys_enabled:
        key = credentials[1] if credentials is not None else bearer_key(authorization_header)
        if key is None or not state.limits.api_key.try_take():
            return False
        return await verify_api_key(app, key) is not None
    if credentials is None:
        return False
    username, password = credentials
    user = await app.db.read(lambda db: find_active_user(db, username))
    if user is not None and await trio.to_thread.run_sync(verify_password, password, user["password"]):
        return True
    state.limits.login.try_take()  # failed basic-auth user logins consume the shared login bucket
    return False
