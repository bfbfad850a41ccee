"""The `/metrics` auth rule (`check_api_auth`) on a real database: user Basic auth until the first API key
exists, API keys afterwards, auth disabled = open, and the 60/min API-key bucket."""
from __future__ import annotations

import base64

import trio

from kuma.accounts.api_keys import check_api_auth, format_key, generate_secret, hash_secret
from kuma.accounts.passwords import hash_password
from kuma.app import App
from kuma.config import Config
from kuma.store import Database
from kuma.store.api_keys import insert_api_key
from kuma.store.settings import set_setting
from kuma.store.users import create_user


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def test_api_auth_rules(tmp_path):
    db = Database.open(tmp_path / "kuma.db")
    app = App(Config(data_dir=tmp_path), db)
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run_writer)
        user_id = await db.write(lambda d: create_user(d, "admin", hash_password("secret123")))

        # no API key yet: a user's username/password
        assert await check_api_auth(app, basic("admin", "secret123"))
        assert not await check_api_auth(app, basic("admin", "wrong"))
        assert not await check_api_auth(app, None)
        login_tokens = app.accounts.limits.login.remaining
        assert login_tokens < 20  # the failed basic-auth login took a login token

        secret, expired_secret = generate_secret(), generate_secret()

        def add_keys(d):
            good = insert_api_key(d, user_id, "good", hash_secret(secret), True, None)
            old = insert_api_key(d, user_id, "old", hash_secret(expired_secret), True, "2020-01-01 00:00:00")
            set_setting(d, "apiKeysEnabled", True)
            return good, old

        good_id, old_id = await db.write(add_keys)
        good_key = format_key(good_id, secret)
        assert await check_api_auth(app, basic("", good_key))
        assert not await check_api_auth(app, basic("admin", "secret123"))  # user passwords no longer work
        assert not await check_api_auth(app, basic("", format_key(old_id, expired_secret)))  # expired
        assert not await check_api_auth(app, basic("", format_key(good_id, expired_secret)))  # wrong secret
        assert not await check_api_auth(app, basic("", format_key(999, secret)))  # unknown id
        await db.write(lambda d: d.conn.execute("UPDATE api_key SET active = 0 WHERE id = ?", (good_id,)))
        assert not await check_api_auth(app, basic("", good_key))  # disabled
        await db.write(lambda d: d.conn.execute("UPDATE api_key SET active = 1 WHERE id = ?", (good_id,)))

        bucket = app.accounts.limits.api_key
        bucket.tokens = 0  # as if 60 requests had just been made
        assert not await check_api_auth(app, basic("", good_key))

        await db.write(lambda d: set_setting(d, "disableAuth", True, "general"))
        assert await check_api_auth(app, None)
        nursery.cancel_scope.cancel()
    db.close()
