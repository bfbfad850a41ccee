"""Password hashing: bcrypt cost 10 (what Uptime Kuma writes), legacy `sha1$` hashes still verified.

bcrypt is deliberately slow (~50 ms), so the async helpers run it in a worker thread.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import bcrypt
import trio

BCRYPT_COST = 10
LEGACY_PREFIX = "sha1$"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=BCRYPT_COST)).decode("ascii")


def _verify_legacy(password: str, stored: str) -> bool:
    """`algorithm$salt$hash` or `algorithm$salt$iterations$hash`: repeated hex HMAC keyed by the salt."""
    parts = stored.split("$")
    if len(parts) == 3:
        algorithm, salt, expected = parts
        iterations = 1
    elif len(parts) == 4 and parts[2].isdigit():
        algorithm, salt, iterations_text, expected = parts
        iterations = max(1, int(iterations_text))
    else:
        return False
    if algorithm not in hashlib.algorithms_available:
        return False
    digest = password
    for _ in range(iterations):
        digest = hmac.new(salt.encode("utf-8"), digest.encode("utf-8"), algorithm).hexdigest()
    return hmac.compare_digest(digest, expected)


def verify_password(password: str, stored: str | None) -> bool:
    """True if `password` matches the stored hash (bcrypt `$2a$/$2b$/$2y$` or legacy `sha1$…`)."""
    if not isinstance(password, str) or not stored:
        return False
    if stored.startswith(LEGACY_PREFIX):
        return _verify_legacy(password, stored)
    try:
        return bcrypt.checkpw(password.encode("utf-8"), stored.encode("utf-8"))
    except ValueError:  # not a bcrypt hash at all
        return False


def needs_rehash(stored: str | None) -> bool:
    """Legacy hashes are replaced by bcrypt after the first successful login."""
    return bool(stored and stored.startswith(LEGACY_PREFIX))


async def hash_password_async(password: str) -> str:
    return await trio.to_thread.run_sync(hash_password, password)


async def verify_password_async(password: str, stored: str | None) -> bool:
    return await trio.to_thread.run_sync(verify_password, password, stored)


def is_too_weak(password: Any) -> bool:
    """check-password-strength's "Too weak": shorter than 8 or fewer than 2 character classes."""
    if not isinstance(password, str):
        return True
    classes = sum(1 for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]") if re.search(pattern, password))
    return len(password) < 8 or classes < 2


async def verify_user_password(app: Any, user_id: int, password: str) -> bool:
    """Check a "current password" of a logged-in user against the stored hash."""
    from kuma.store.users import get_user

    user = await app.db.read(lambda db: get_user(db, user_id))
    if user is None:
        return False
    return await verify_password_async(password, user["password"])
