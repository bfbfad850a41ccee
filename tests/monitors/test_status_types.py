"""push, group, manual and unknown types: checks that read state instead of the network."""
from __future__ import annotations

import pytest

from kuma.monitors.base import DOWN, MAINTENANCE, PENDING, UP, CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.group import group_result
from tests.helpers.monitor_rows import monitor_row


def ctx_for_push(age, last_status):
    async def seconds(monitor_id):
        return age

    async def last(monitor_id):
        return None if last_status is None else {"status": last_status, "time": "2026-11-26 10:00:00.000"}

    return CheckContext(seconds_since_last_beat=seconds, last_beat=last)


async def push(age, last_status, **row):
    return await get_monitor_type("push").check(monitor_row(type="push", interval=60, **row),
                                                ctx_for_push(age, last_status))


def test_push_first_check_waits_one_interval():
    assert get_monitor_type("push").first_check_delayed is True
    assert get_monitor_type("http").first_check_delayed is False


async def test_push_recent_up_beat_writes_nothing_and_waits_the_rest_of_the_window():
    result = await push(20.0, UP)
    assert result.skip_beat is True
    assert result.next_check_in == pytest.approx(41.0)
    assert (await push(61.0, UP)).skip_beat is True  # the 1 s grace


@pytest.mark.parametrize("age, last", [(None, None), (61.5, UP), (3.0, DOWN), (3.0, PENDING)])
async def test_push_missing_heartbeat_is_down(age, last):
    with pytest.raises(CheckFailed, match="^No heartbeat in the time window$"):
        await push(age, last)


async def test_push_upside_down_expects_down_beats():
    assert (await push(5.0, DOWN, upside_down=1)).skip_beat is True
    with pytest.raises(CheckFailed):
        await push(5.0, UP, upside_down=1)


def child(name, active=1):
    return {"id": hash(name) % 1000, "name": name, "active": active}


def test_group_rules():
    assert group_result([]) == (PENDING, "Group empty")
    # fixture kuma.db: first beat of group 6 before its child TCP had a beat
    assert group_result([(child("Child TCP"), None), (child("Child Ping"), UP)]) == (
        PENDING, "Pending child monitors: Child TCP")
    assert group_result([(child("Child TCP"), UP), (child("Child Ping"), UP)]) == (UP, "All children up and running")
    assert group_result([(child("Child TCP"), DOWN), (child("Child Ping"), UP)]) == (
        DOWN, "Child monitors down: Child TCP")
    assert group_result([(child("a"), DOWN), (child("b"), DOWN), (child("c"), PENDING)]) == (
        DOWN, "Child monitors down: a, b; pending: c")
    assert group_result([(child("a"), MAINTENANCE), (child("b"), UP)]) == (UP, "All children up and running")
    assert group_result([(child("a", active=0), DOWN), (child("b"), UP)]) == (UP, "All children up and running")


async def test_group_check_reads_children_through_the_context():
    seen = []

    async def children(monitor_id):
        seen.append(monitor_id)
        return [(child("Child TCP"), DOWN)]

    result = await get_monitor_type("group").check(monitor_row(id=6, type="group"),
                                                   CheckContext(children_status=children))
    assert seen == [6]
    assert (result.status, result.msg) == (DOWN, "Child monitors down: Child TCP")
    assert isinstance(result.ping, int)


@pytest.mark.parametrize("value, status, msg", [
    (1, UP, "Up"), (0, DOWN, "Down"), (2, PENDING, "Pending"),
    (None, PENDING, "Manual monitoring - No status set"), ("x", PENDING, "Manual monitoring - No status set"),
])
async def test_manual(value, status, msg):
    result = await get_monitor_type("manual").check(monitor_row(type="manual", manual_status=value), CheckContext())
    assert (result.status, result.msg) == (status, msg)


async def test_unknown_type_is_not_supported():
    with pytest.raises(CheckFailed, match="^Monitor type not supported yet: no-such-type$"):
        await get_monitor_type("no-such-type").check(monitor_row(type="no-such-type"), CheckContext())
