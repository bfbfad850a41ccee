"""Sessions on a running kuma, the way tests open them: the first admin made over Socket.IO, a raw
Socket.IO client logged in as that admin, and an httpx client of the REST API v1 holding an API key.

One place for these, so a test says which session it needs, not how the handshake goes."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from tests.helpers.transcripts import WireClient

USERNAME, PASSWORD = "admin", "secret123"
#: the `login` event's argument for the admin every test server here is set up with
USER = {"username": USERNAME, "password": PASSWORD, "token": ""}


def credentials(password: str = PASSWORD, username: str = USERNAME, token: str = "") -> dict[str, str]:
    """The `login` event's argument (the dashboard's shape: a 2FA token, or "")."""
    return {"username": username, "password": password, "token": token}


@contextmanager
def connected(url: str, **options: Any) -> Iterator[WireClient]:
    """A connected WireClient (options as WireClient takes them), disconnected on leaving."""
    client = WireClient(url, **options)
    client.connect()
    try:
        yield client
    finally:
        client.disconnect()


def set_up_admin(url: str, password: str = PASSWORD, username: str = USERNAME) -> None:
    """Make the first user of a fresh server, as the dashboard's setup page does."""
    with connected(url) as client:
        ack = client.call("setup", username, password)[0]
        assert ack["ok"] is True, ack


@contextmanager
def logged_in(url: str, password: str = PASSWORD, *, setup: bool = False, **options: Any) -> Iterator[WireClient]:
    """A WireClient logged in as the admin (made first with `setup=True`), disconnected on leaving."""
    with connected(url, **options) as client:
        if setup:
            ack = client.call("setup", USERNAME, password)[0]
            assert ack["ok"] is True, ack
        ack = client.call("login", credentials(password))[0]
        assert ack["ok"] is True, ack
        yield client


def login_burst(url: str, password: str = PASSWORD) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """What a login of the admin gets: the latest `monitorList` and the latest `heartbeatList` of each monitor
    in it, once every one and an `uptime` have come."""
    with logged_in(url, password) as client:
        assert client.wait_for(lambda: client.events("monitorList")), "no monitorList"
        monitors = client.events("monitorList")[-1][0]
        assert client.wait_for(lambda: len({args[0] for args in client.events("heartbeatList")}) >= len(monitors)
                               and (not monitors or client.events("uptime"))), "a heartbeatList per monitor"
        return monitors, {str(args[0]): args[1] for args in client.events("heartbeatList")}


@contextmanager
def api_v1(url: str, key: str, timeout: float = 60) -> Iterator[httpx.Client]:
    """An httpx client of `/api/v1` sending `key` as a bearer token."""
    with httpx.Client(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=timeout) as client:
        yield client


@dataclass
class Keys:
    """One API key of each kind, as `make_keys` adds them."""

    write: str
    read: str
    legacy: str  # made the Uptime Kuma way (no scope): read-only
    inactive: str
    expired: str


def make_keys(url: str) -> Keys:
    """Set up the admin of a fresh server and add one API key of each kind."""
    with logged_in(url, setup=True) as client:

        def key(**fields: Any) -> str:
            ack = client.call("addAPIKey", {"name": "k", "expires": None, "active": True, **fields})[0]
            assert ack["ok"] is True, ack
            return ack["key"]

        return Keys(
            write=key(scope="write"),
            read=key(scope="read"),
            legacy=key(),
            inactive=key(scope="write", active=False),
            expired=key(scope="write", expires="2000-01-01 00:00:00"),
        )
