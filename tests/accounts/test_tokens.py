"""JWT, TOTP, API-key formats and rate-limit buckets (pure functions), checked against the captures."""
from __future__ import annotations

import base64
import sqlite3

import pyotp
import pytest

from kuma.accounts import api_keys, totp
from kuma.accounts.jwt import InvalidToken, decode_token, make_token, password_fingerprint, token_matches_password
from kuma.accounts.ratelimit import TokenBucket
from tests.helpers.paths import FIXTURE_DB
from tests.helpers.transcripts import load

def _ack(name: str, event: str, key: str) -> object:
    """The first ack of `event` in a transcript that carries `key`."""
    return next(e["args"][0][key] for e in load(name)
                if e["kind"] == "ack" and e["event"] == event and isinstance(e["args"][0], dict) and key in e["args"][0])


#: The token transcript 02 received and transcript 05 logged in with (the fixture database's admin).
CAPTURED_TOKEN = _ack("02-setup", "login", "token")


def _fixture_secrets():
    conn = sqlite3.connect(f"file:{FIXTURE_DB}?mode=ro", uri=True)
    try:
        jwt_secret = conn.execute("SELECT value FROM setting WHERE key = 'jwtSecret'").fetchone()[0]
        password_hash = conn.execute("SELECT password FROM user WHERE username = 'admin'").fetchone()[0]
    finally:
        conn.close()
    return jwt_secret, password_hash


def test_captured_token_verifies_and_is_reproduced_byte_for_byte():
    jwt_secret, password_hash = _fixture_secrets()
    payload = decode_token(CAPTURED_TOKEN, jwt_secret)
    assert list(payload) == ["username", "h", "iat"]
    assert token_matches_password(payload, password_hash)
    assert make_token("admin", password_hash, jwt_secret, now=payload["iat"]) == CAPTURED_TOKEN


def test_token_rejections():
    jwt_secret, password_hash = _fixture_secrets()
    for bad in ("not-a-jwt", "", None, 42, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6ImFkbWluIn0.invalidsignature"):
        with pytest.raises(InvalidToken):
            decode_token(bad, jwt_secret)
    with pytest.raises(InvalidToken):
        decode_token(CAPTURED_TOKEN, "another secret that is long enough for HS256")
    payload = decode_token(CAPTURED_TOKEN, jwt_secret)
    assert not token_matches_password(payload, password_hash + "x")  # a changed password invalidates it
    assert len(password_fingerprint(password_hash)) == 32


def test_totp_uri_matches_capture_and_codes_verify_once():
    uri = _ack("14-2fa", "prepare2FA", "uri")
    encoded = uri.split("secret=")[1]
    raw = base64.b32decode(encoded + "=" * (-len(encoded) % 8)).decode()
    assert len(raw) == 64 and raw.isalnum()
    assert totp.otpauth_uri("admin", raw) == uri
    code = pyotp.TOTP(encoded).now()
    assert totp.verify_code(raw, code, None)
    assert not totp.verify_code(raw, code, code)  # replay of the last used code
    assert not totp.verify_code(raw, "000000" if code != "000000" else "111111", None)
    assert not totp.verify_code(None, code, None)
    assert not totp.verify_code(raw, 123456, None)
    secret = totp.generate_secret()
    assert len(secret) == 64 and secret.isalnum()


def test_totp_window_is_one_step():
    raw = totp.generate_secret()
    now = 1_800_000_000
    assert totp.verify_code(raw, totp.current_code(raw, at=now - 30), None, at=now)
    assert totp.verify_code(raw, totp.current_code(raw, at=now + 30), None, at=now)
    assert not totp.verify_code(raw, totp.current_code(raw, at=now - 90), None, at=now)


def test_api_key_format_and_status():
    captured = _ack("13-api-keys", "addAPIKey", "key")  # "uk1_<secret with an underscore>"
    key_id, secret = api_keys.parse_key(captured)
    assert key_id == 1 and len(secret) == 40 and api_keys.format_key(key_id, secret) == captured
    assert api_keys.parse_key("uk_x") is None and api_keys.parse_key("xx1_abc") is None and api_keys.parse_key(None) is None
    generated = api_keys.generate_secret()
    assert len(generated) == 40 and set(generated) <= set(api_keys.NANOID_ALPHABET)
    now = "2026-11-26 10:00:00"
    assert api_keys.key_status({"active": 1, "expires": None}, now) == "active"
    assert api_keys.key_status({"active": 0, "expires": None}, now) == "inactive"
    assert api_keys.key_status({"active": 1, "expires": "2026-11-25 23:59:59"}, now) == "expired"
    assert api_keys.key_status({"active": 0, "expires": "2027-12-31 23:59:59"}, now) == "inactive"


def test_basic_auth_header_parsing():
    header = "Basic " + base64.b64encode(b"any:uk1_a:b").decode()
    assert api_keys.parse_basic_auth(header) == ("any", "uk1_a:b")
    assert api_keys.parse_basic_auth("Bearer x") is None
    assert api_keys.parse_basic_auth("Basic !!!") is None
    assert api_keys.parse_basic_auth(None) is None


def test_token_bucket_refuses_when_empty_and_refills_continuously():
    now = [0.0]
    bucket = TokenBucket(20, 60.0, clock=lambda: now[0])
    assert all(bucket.try_take() for _ in range(20))
    assert not bucket.try_take()
    now[0] += 3.0  # 20/min = one token per 3 s
    assert bucket.try_take()
    assert not bucket.try_take()
    now[0] += 600
    assert bucket.remaining == 20
