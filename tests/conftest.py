from __future__ import annotations

import pytest

from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import copy_fixture_db, start_kuma


@pytest.fixture
def kuma_server(tmp_path):
    """A running kuma on a fresh data folder."""
    server = start_kuma(tmp_path / "data")
    yield server
    server.stop()


@pytest.fixture
def fixture_kuma_server(tmp_path):
    """A running kuma on a copy of the real Uptime Kuma 2.5.3 database, its clock at the capture."""
    copy_fixture_db(tmp_path / "data")
    server = start_kuma(tmp_path / "data", clock_start=CAPTURE_CLOCK)
    yield server
    server.stop()
