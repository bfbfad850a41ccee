"""Window maths of every strategy, against hand-computed calendars."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kuma.maintenance.input import row_from_input
from kuma.maintenance.windows import InvalidMaintenance, Schedule
from kuma.shapes.maintenance import maintenance_json


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def row(**fields):
    base = {"id": 1, "title": "t", "description": "", "active": 1, "strategy": "single", "start_date": None,
            "end_date": None, "start_time": None, "end_time": None, "weekdays": "[]", "days_of_month": "[]",
            "interval_day": 1, "cron": None, "timezone": "UTC", "duration": None}
    base.update(fields)
    return base


def from_input(tz="UTC", **data):
    data.setdefault("title", "w")
    out = row_from_input(data, tz)
    out["id"] = 1
    return out


def test_fixture_row_recurring_weekday_matches_uptime_kuma():
    # maintenance id 1 of the fixture kuma.db, and what Uptime Kuma sent for it at 10:07 on 2026-11-26
    fixture = row(strategy="recurring-weekday", start_date="2026-11-26 00:00", start_time="02:00",
                  end_time="03:00", weekdays="[1,3,5]", cron="0 2 * * 1,3,5", duration=3600,
                  title="Weekly patch window", description="OS patching of fixture hosts")
    shape = maintenance_json(fixture, "UTC", utc(2026, 11, 26, 10, 7))
    assert shape == {
        "id": 1, "title": "Weekly patch window", "description": "OS patching of fixture hosts",
        "strategy": "recurring-weekday", "intervalDay": 1, "active": True, "dateRange": ["2026-11-26 00:00"],
        "timeRange": [{"hours": 2, "minutes": 0, "seconds": 0}, {"hours": 3, "minutes": 0, "seconds": 0}],
        "weekdays": [1, 3, 5], "daysOfMonth": [],
        "timeslotList": [{"startDate": "2026-11-27T02:00:00.000Z", "endDate": "2026-11-27T03:00:00.000Z"}],
        "cron": "0 2 * * 1,3,5", "duration": 3600, "durationMinutes": 60, "timezone": "UTC",
        "timezoneOption": "UTC", "timezoneOffset": "+00:00", "status": "scheduled",
    }
    inside = maintenance_json(fixture, "UTC", utc(2026, 11, 27, 2, 30))
    assert inside["status"] == "under-maintenance"
    assert inside["timeslotList"][0] == {"startDate": "2026-11-27T02:00:00.000Z", "endDate": "2026-11-27T03:00:00.000Z"}
    assert inside["timeslotList"][1]["startDate"] == "2026-11-30T02:00:00.000Z"  # next Monday


def test_recurring_weekday_input_derives_cron_and_duration():
    r = from_input(strategy="recurring-weekday", active=1, cron="30 3 * * *", durationMinutes=60,
                   dateRange=["2026-01-01 00:00", None], timeRange=[{"hours": 2, "minutes": 0}, {"hours": 3, "minutes": 30}],
                   weekdays=[1, 3, 5], timezoneOption="UTC")
    assert (r["cron"], r["duration"], r["start_time"], r["end_time"]) == ("0 2 * * 1,3,5", 5400, "02:00", "03:30")
    assert maintenance_json(r, "UTC", utc(2026, 11, 26, 10))["timeslotList"] == [
        {"startDate": "2026-11-27T02:00:00.000Z", "endDate": "2026-11-27T03:30:00.000Z"}]


def test_window_crossing_midnight_gets_24h_added():
    r = from_input(strategy="recurring-interval", intervalDay=1, dateRange=["2026-01-01 00:00"],
                   timeRange=[{"hours": 23, "minutes": 0}, {"hours": 1, "minutes": 0}])
    assert r["duration"] == 7200
    s = Schedule(r, "UTC")
    assert s.status(utc(2026, 3, 4, 0, 30)) == "under-maintenance"
    assert s.status(utc(2026, 3, 4, 1, 0)) == "scheduled"


def test_recurring_interval_every_third_day_from_start_date():
    r = from_input(strategy="recurring-interval", intervalDay=3, dateRange=["2026-03-01 00:00"],
                   timeRange=[{"hours": 10, "minutes": 0}, {"hours": 11, "minutes": 0}])
    s = Schedule(r, "UTC")
    assert s.status(utc(2026, 3, 1, 10, 30)) == "under-maintenance"
    assert s.status(utc(2026, 3, 2, 10, 30)) == "scheduled"
    assert s.status(utc(2026, 3, 4, 10, 30)) == "under-maintenance"
    assert s.next_window(utc(2026, 3, 4, 12)).start == utc(2026, 3, 7, 10)


def test_recurring_day_of_month_with_last_day():
    r = from_input(strategy="recurring-day-of-month", dateRange=["2026-01-01 00:00"],
                   timeRange=[{"hours": 4, "minutes": 0}, {"hours": 5, "minutes": 0}], daysOfMonth=[15, "lastDay1"])
    assert r["cron"] == "0 4 15,L * *"
    s = Schedule(r, "UTC")
    assert s.next_window(utc(2026, 2, 16)).start == utc(2026, 2, 28, 4)
    assert s.next_window(utc(2026, 2, 28, 6)).start == utc(2026, 3, 15, 4)


def test_cron_strategy_uses_duration_minutes_and_time_zone():
    r = from_input(strategy="cron", cron="0 9 * * *", durationMinutes=30, timezoneOption="Europe/Berlin",
                   dateRange=[None, None])
    s = Schedule(r, "UTC")
    # winter: Berlin is UTC+1 → 08:00Z; summer (DST): UTC+2 → 07:00Z
    assert s.next_window(utc(2026, 1, 10)).start == utc(2026, 1, 10, 8)
    assert s.next_window(utc(2026, 7, 10)).start == utc(2026, 7, 10, 7)
    assert s.next_window(utc(2026, 7, 10)).end == utc(2026, 7, 10, 7, 30)
    assert maintenance_json(r, "UTC", utc(2026, 7, 10))["timezoneOffset"] == "+02:00"


def test_cron_across_dst_change_keeps_local_time():
    r = from_input(strategy="cron", cron="30 9 * * *", durationMinutes=60, timezoneOption="America/New_York")
    s = Schedule(r, "UTC")
    before = s.next_window(utc(2026, 3, 7, 12)).start  # Saturday  # 2026-03-08 is the US spring-forward day
    after = s.next_window(utc(2026, 3, 9, 12)).start
    assert before == utc(2026, 3, 7, 14, 30)  # EST: UTC-5
    assert after == utc(2026, 3, 9, 13, 30)  # EDT: UTC-4


def test_single_window_statuses_and_zone():
    r = from_input(strategy="single", dateRange=["2026-05-01 10:00", "2026-05-01 12:00"], timezoneOption="Asia/Tokyo")
    s = Schedule(r, "UTC")
    assert s.status(utc(2026, 5, 1, 0, 59)) == "scheduled"  # Tokyo is UTC+9
    assert s.status(utc(2026, 5, 1, 1, 0)) == "under-maintenance"
    assert s.status(utc(2026, 5, 1, 3, 0)) == "ended"
    assert maintenance_json(r, "UTC", utc(2026, 4, 1))["timeslotList"] == [
        {"startDate": "2026-05-01T01:00:00.000Z", "endDate": "2026-05-01T03:00:00.000Z"}]


def test_manual_and_inactive():
    manual = from_input(strategy="manual", active=1, cron="30 3 * * *", durationMinutes=60,
                        dateRange=[None, None], timeRange=[{"hours": 2, "minutes": 0}, {"hours": 3, "minutes": 0}],
                        timezoneOption="SAME_AS_SERVER")
    shape = maintenance_json(manual, "UTC", utc(2026, 11, 26))
    # as Uptime Kuma sends a manual maintenance (transcript 11): no duration key, empty cron
    assert shape["status"] == "under-maintenance"
    assert shape["cron"] == "" and "duration" not in shape and shape["durationMinutes"] is None
    assert shape["dateRange"] == [None] and shape["timeslotList"] == []
    assert shape["timeRange"] == [{"hours": 0, "minutes": 0}, {"hours": 0, "minutes": 0}]
    assert (shape["timezone"], shape["timezoneOption"]) == ("UTC", "SAME_AS_SERVER")
    manual["active"] = 0
    assert Schedule(manual, "UTC").status(utc(2026, 11, 26)) == "inactive"


def test_end_date_bounds_schedule():
    r = from_input(strategy="recurring-interval", dateRange=["2026-01-01 00:00", "2026-01-03 00:00"],
                   timeRange=[{"hours": 23, "minutes": 0}, {"hours": 2, "minutes": 0}])
    s = Schedule(r, "UTC")
    assert s.current_window(utc(2026, 1, 2, 23, 30)).end == utc(2026, 1, 3)  # clipped at end_date
    assert s.status(utc(2026, 1, 3, 0, 0)) == "ended"


@pytest.mark.parametrize("data, message", [
    ({"strategy": "cron", "cron": "not a cron", "dateRange": [None, None], "durationMinutes": 60},
     "CronPattern: invalid configuration format ('not a cron'), exactly five or six space separated parts are required."),
    ({"strategy": "single", "dateRange": ["yesterday", None]}, "Invalid start date"),
    ({"strategy": "single", "dateRange": ["2026-01-01 00:00", "99999-01-01 00:00"]}, "Invalid end date"),
    ({"strategy": "nope"}, "Unknown strategy: nope"),
])
def test_invalid_input_is_refused(data, message):
    with pytest.raises(InvalidMaintenance) as error:
        from_input(**data)
    assert str(error.value) == message


@pytest.mark.parametrize("second", [0.0, 0.4, 30.0, 59.0, 59.6, 59.999])
def test_a_cron_window_holds_through_the_last_second_before_the_next_fire(second):
    """The latest fire at or before now: in the second before the next fire that fire has not come yet (a
    window that starts every minute and lasts an hour is always under way)."""
    from datetime import timedelta

    schedule = Schedule(row(strategy="cron", cron="* * * * *", duration=3600), "UTC")
    now = utc(2026, 11, 26, 10, 12) + timedelta(seconds=second)
    assert schedule.status(now) == "under-maintenance"
    assert schedule.current_window(now).start == utc(2026, 11, 26, 10, 12)
