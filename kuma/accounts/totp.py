"""Two-factor codes: TOTP (SHA-1, 6 digits, 30 s, ±1 step) over the raw 64-character secret.

Uptime Kuma stores the secret raw and gives authenticators its base32 form without padding; a code
equal to `twofa_last_token` is refused so an observed code cannot be replayed.
"""

from __future__ import annotations

import base64
import secrets
import string
from urllib.parse import quote

import pyotp

SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 64


def generate_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def base32_secret(raw_secret: str) -> str:
    return base64.b32encode(raw_secret.encode("utf-8")).decode("ascii").rstrip("=")


def otpauth_uri(username: str, raw_secret: str) -> str:
    return f"otpauth://totp/Uptime%20Kuma:{quote(username, safe='')}?secret={base32_secret(raw_secret)}"


def _totp(raw_secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(base32_secret(raw_secret))


def current_code(raw_secret: str, *, at: float | None = None) -> str:
    """The code an authenticator shows now (tests and tooling)."""
    totp = _totp(raw_secret)
    return totp.now() if at is None else totp.at(at)


def verify_code(raw_secret: str | None, code: object, last_code: str | None, *, at: float | None = None) -> bool:
    """True if `code` is valid within ±1 step and is not the last code already used."""
    if not raw_secret or not isinstance(code, str):
        return False
    code = code.strip()
    if not code.isdigit() or len(code) != 6:
        return False
    if last_code is not None and code == last_code:
        return False
    totp = _totp(raw_secret)
    return totp.verify(code, for_time=at, valid_window=1) if at is not None else totp.verify(code, valid_window=1)
