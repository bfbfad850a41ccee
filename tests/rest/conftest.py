"""A running kuma with a user and API keys of each kind, for the REST API v1 tests."""
from __future__ import annotations

import pytest

from tests.helpers.server import start_kuma
from tests.helpers.sessions import api_v1, logged_in, make_keys


@pytest.fixture(scope="package")
def server(tmp_path_factory):
    kuma = start_kuma(tmp_path_factory.mktemp("rest") / "data")
    kuma.keys = make_keys(kuma.url)
    yield kuma
    kuma.stop()


@pytest.fixture
def rw(server):
    with api_v1(server.url, server.keys.write, timeout=15) as client:
        yield client


@pytest.fixture
def ro(server):
    with api_v1(server.url, server.keys.read, timeout=15) as client:
        yield client


@pytest.fixture
def wire(server):
    with logged_in(server.url) as client:
        yield client
