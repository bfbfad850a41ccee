"""A running kuma with a user and API keys of each kind, for the REST API v1 tests."""
from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from tests.helpers.server import start_kuma
from tests.helpers.transcripts import WireClient

USER = {"username": "admin", "password": "secret123", "token": ""}


@dataclass
class Keys:
    write: str
    read: str
    legacy: str  # made the Uptime Kuma way (no scope): read-only
    inactive: str
    expired: str


def make_keys(url: str) -> Keys:
    client = WireClient(url)
    client.connect()
    try:
        assert client.call("setup", "admin", "secret123")[0]["ok"] is True
        assert client.call("login", USER)[0]["ok"] is True

        def key(**fields) -> str:
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
    finally:
        client.disconnect()


@pytest.fixture(scope="package")
def server(tmp_path_factory):
    kuma = start_kuma(tmp_path_factory.mktemp("rest") / "data")
    kuma.keys = make_keys(kuma.url)
    yield kuma
    kuma.stop()


@pytest.fixture
def rw(server):
    with httpx.Client(base_url=server.url + "/api/v1", headers={"Authorization": f"Bearer {server.keys.write}"},
                      timeout=15) as client:
        yield client


@pytest.fixture
def ro(server):
    with httpx.Client(base_url=server.url + "/api/v1", headers={"Authorization": f"Bearer {server.keys.read}"},
                      timeout=15) as client:
        yield client


@pytest.fixture
def wire(server):
    client = WireClient(server.url)
    client.connect()
    assert client.call("login", USER)[0]["ok"] is True
    yield client
    client.disconnect()
