"""`heartbeats.parse_time`'s fast path for its own format gives what the strptime path gives, errors too."""
from __future__ import annotations

import random

import pytest

from kuma.store import heartbeats


def _either(fn, text):
    try:
        return fn(text)
    except ValueError:
        return "ValueError"


@pytest.mark.parametrize("text", [
    "2024-02-29 23:59:59.999", "2023-02-29 10:00:00.000", "2026-13-01 00:00:00.000", "2026-12-01 24:00:00.000",
    "2026-12-01 10:60:00.000", "2026-12-01 10:00:61.000", "2026-12-01T10:00:00.000Z", "2026-12-01 10:00:00",
    " 2026-12-01 10:00:00.123 ", "1969-12-31 23:59:59.500", "2026-11-26 10:12:30.000", "0000-01-01 00:00:00.000",
])
def test_same_as_strptime(text):
    assert _either(heartbeats.parse_time, text) == _either(heartbeats._slow_parse, text)


def test_round_trip_of_written_times():
    rng = random.Random(14)
    for _ in range(20000):
        text = heartbeats.format_time(rng.uniform(0, 4e9))
        assert heartbeats.parse_time(text) == heartbeats._slow_parse(text)
