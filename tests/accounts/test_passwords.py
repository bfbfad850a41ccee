"""Password hashing and strength rules (pure functions)."""
from __future__ import annotations

import hashlib
import hmac

from kuma.accounts.passwords import hash_password, is_too_weak, needs_rehash, verify_password


def test_bcrypt_cost_10_round_trip():
    stored = hash_password("secret123")
    assert stored.startswith("$2b$10$")
    assert verify_password("secret123", stored)
    assert not verify_password("secret124", stored)
    assert not needs_rehash(stored)


def test_bcryptjs_2a_hashes_verify():
    stored = hash_password("secret123").replace("$2b$", "$2a$", 1)
    assert verify_password("secret123", stored)


def test_legacy_sha1_hash_verifies_and_asks_for_rehash():
    digest = hmac.new(b"salty", b"old-pass1", hashlib.sha1).hexdigest()
    stored = f"sha1$salty${digest}"
    assert verify_password("old-pass1", stored)
    assert not verify_password("old-pass2", stored)
    assert needs_rehash(stored)
    four_part = f"sha1$salty$1${digest}"
    assert verify_password("old-pass1", four_part)


def test_garbage_hashes_never_match():
    for stored in (None, "", "plain", "sha1$x", "$2b$10$short"):
        assert not verify_password("anything", stored)


def test_too_weak_passwords():
    assert is_too_weak("abc")
    assert is_too_weak("abcdefghij")  # one class only
    assert is_too_weak(None)
    assert not is_too_weak("secret123")
