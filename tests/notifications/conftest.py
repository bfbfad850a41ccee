from __future__ import annotations

import pytest

from tests.notifications.recorder import start_recorder


@pytest.fixture
def recorder():
    rec = start_recorder()
    yield rec
    rec.close()
