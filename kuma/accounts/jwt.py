"""Login tokens: HS256 JWTs `{username, h, iat}` signed with the `jwtSecret` setting, no expiry.

`h` fingerprints the stored password hash, so changing the password invalidates every older token.
"""

from __future__ import annotations

import hashlib
import sys
import time
from typing import Any


def _pyjwt():
    """PyJWT, imported at first use: it loads `cryptography` (~8 MB resident) whenever that is installed,
    which an idle server with nobody logged in does not need."""
    import jwt

    return jwt


def loaded() -> bool:
    """Whether PyJWT is imported already (the first token signed or checked, or `preload`)."""
    return "jwt" in sys.modules


def preload() -> None:
    """Import PyJWT now (run it in a worker thread): a socket that must log in is about to, and the import
    (~50 ms on a small board) would otherwise stall the loop at the first login's ack."""
    _pyjwt()


class InvalidToken(Exception):
    pass


def password_fingerprint(password_hash: str | None) -> str:
    """SHAKE256 of the stored hash string, 16-byte output, as 32 hex characters."""
    return hashlib.shake_256((password_hash or "").encode("utf-8")).hexdigest(16)


def make_token(username: str, password_hash: str | None, secret: str, *, now: float | None = None) -> str:
    payload = {
        "username": username,
        "h": password_fingerprint(password_hash),
        "iat": int(now if now is not None else time.time()),
    }
    return _pyjwt().encode(payload, secret, algorithm="HS256")


def decode_token(token: Any, secret: str) -> dict[str, Any]:
    """The verified payload, or InvalidToken (bad format, bad signature, wrong algorithm)."""
    if not isinstance(token, str) or not token:
        raise InvalidToken("no token")
    pyjwt = _pyjwt()
    try:
        payload = pyjwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})
    except pyjwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("username"), str):
        raise InvalidToken("no username")
    return payload


def token_matches_password(payload: dict[str, Any], password_hash: str | None) -> bool:
    return payload.get("h") == password_fingerprint(password_hash)
