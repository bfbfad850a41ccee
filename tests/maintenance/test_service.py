"""The live maintenance set: each strategy turns its monitors (and a group's children) under maintenance
inside its window and back after it. The service is driven with a clock we move by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kuma.app import App
from kuma.config import Config
from kuma.maintenance.input import row_from_input
from kuma.maintenance.service import MaintenanceService, monitors_covered
from kuma.store import Database
from kuma.store import maintenance as store

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def app(tmp_path, nursery):
    db = Database.open(tmp_path / "kuma.db")
    await nursery.start(db.run_writer)
    app = App(Config(data_dir=tmp_path), db)

    def seed(d):
        d.conn.execute("INSERT INTO user (id, username, password) VALUES (1, 'admin', 'x')")
        for monitor_id, parent, type_ in ((1, None, "group"), (2, 1, "http"), (3, None, "http")):
            d.conn.execute("INSERT INTO monitor (id, name, type, parent, user_id, active) VALUES (?, ?, ?, ?, 1, 1)",
                           (monitor_id, f"m{monitor_id}", type_, parent))

    await db.write(seed)
    yield app
    db.close()


async def add_window(app: App, monitor_ids: list[int], **data) -> int:
    data.setdefault("title", "w")
    row = row_from_input(data, "UTC")

    def insert(d):
        maintenance_id = store.insert_maintenance(d, row, 1)
        store.replace_monitor_links(d, maintenance_id, monitor_ids)
        return maintenance_id

    return await app.db.write(insert)


async def under_at(service: MaintenanceService, clock: Clock, moment: datetime) -> set[int]:
    clock.now = moment
    await service.refresh()
    return {m for m in (1, 2, 3) if service.is_under_maintenance(m)}


TIME_RANGE = [{"hours": 10, "minutes": 0}, {"hours": 11, "minutes": 0}]
CASES = {
    "single": dict(strategy="single", dateRange=["2026-03-02 10:00", "2026-03-02 11:00"]),
    "recurring-interval": dict(strategy="recurring-interval", intervalDay=1, dateRange=["2026-03-01 00:00"],
                               timeRange=TIME_RANGE),
    "recurring-weekday": dict(strategy="recurring-weekday", weekdays=[1], dateRange=["2026-03-01 00:00"],
                              timeRange=TIME_RANGE),
    "recurring-day-of-month": dict(strategy="recurring-day-of-month", daysOfMonth=[2],
                                   dateRange=["2026-03-01 00:00"], timeRange=TIME_RANGE),
    "cron": dict(strategy="cron", cron="0 10 * * *", durationMinutes=60, dateRange=[None, None]),
}


@pytest.mark.parametrize("name", sorted(CASES))
async def test_each_strategy_turns_monitor_under_maintenance_inside_window_only(app, name):
    clock = Clock(START)
    service = MaintenanceService(app, clock=clock)
    await add_window(app, [3], timezoneOption="UTC", **CASES[name])
    assert await under_at(service, clock, START) == set()
    assert service._next_edge == START + timedelta(hours=1)  # wakes up when the window opens
    assert await under_at(service, clock, START + timedelta(hours=1, minutes=1)) == {3}
    assert service._next_edge == START + timedelta(hours=2)
    assert await under_at(service, clock, START + timedelta(hours=2)) == set()


async def test_manual_covers_group_children_until_paused(app):
    clock = Clock(START)
    service = MaintenanceService(app, clock=clock)
    maintenance_id = await add_window(app, [1], strategy="manual", timezoneOption="SAME_AS_SERVER")
    assert await under_at(service, clock, START) == {1, 2}  # the group and its child, not monitor 3
    await app.db.write(lambda d: store.set_active(d, maintenance_id, False))
    assert await under_at(service, clock, START) == set()


async def test_time_zone_of_window_is_respected(app):
    clock = Clock(START)
    service = MaintenanceService(app, clock=clock)
    # 10:00–11:00 in Tokyo (UTC+9) = 01:00–02:00 UTC
    await add_window(app, [3], strategy="single", dateRange=["2026-03-02 10:00", "2026-03-02 11:00"],
                     timezoneOption="Asia/Tokyo")
    assert await under_at(service, clock, datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)) == {3}
    assert await under_at(service, clock, datetime(2026, 3, 2, 10, 30, tzinfo=timezone.utc)) == set()


def test_monitors_covered_follows_ancestors_and_survives_cycles():
    parents = {1: None, 2: 1, 3: 2, 4: None, 5: 6, 6: 5}
    assert monitors_covered({9}, [(1, 9)], parents) == {1, 2, 3}
    assert monitors_covered({9}, [(4, 8)], parents) == set()  # maintenance 8 is not running
    assert monitors_covered({9}, [(5, 9)], parents) == {5, 6}
