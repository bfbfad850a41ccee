"""Calendar months of the dashboard's report (kuma/rules/report_months.py): local midnights in a zone, across
daylight-saving changes and year ends; bad months refused."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kuma.rules.report_months import month_bounds, month_of, parse_month, shift

BERLIN = ZoneInfo("Europe/Berlin")


def utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_a_month_runs_from_local_midnight_to_local_midnight():
    # October 2026 in Berlin starts in summer time (+2) and ends in winter time (+1): 31 days and one hour
    assert month_bounds("2026-10", BERLIN) == (utc("2026-09-30T22:00:00"), utc("2026-10-31T23:00:00"))
    assert month_bounds("2026-12", ZoneInfo("UTC")) == (utc("2026-12-01T00:00:00"), utc("2027-01-01T00:00:00"))
    start, end = month_bounds("2027-02", ZoneInfo("America/New_York"))
    assert (end - start) / 86400 == 28


def test_the_month_of_an_instant_depends_on_the_zone():
    instant = utc("2026-10-31T23:30:00")
    assert month_of(instant, ZoneInfo("UTC")) == "2026-10"
    assert month_of(instant, BERLIN) == "2026-11"


def test_shift_crosses_years():
    assert shift(2026, 1, -1) == (2025, 12)
    assert shift(2026, 12, 1) == (2027, 1)
    assert shift(2026, 11, -23) == (2024, 12)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-11", "2026-1", "November", None, 202611, "1969-12"])
def test_bad_months_are_refused(text):
    with pytest.raises(ValueError, match="month must be YYYY-MM"):
        parse_month(text)
