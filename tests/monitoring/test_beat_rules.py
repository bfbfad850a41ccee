"""The pure beat rules, table-driven against monitoring-semantics §2, §3, §4.5 and the fixture rows."""
from __future__ import annotations

import pytest

from kuma.monitoring.beat import (
    DOWN, MAINTENANCE, PENDING, UP, CheckOutcome, Previous, decide_check_beat, decide_push_beat,
    effective_interval, effective_timeout, is_important, is_important_for_notification, next_delay,
    push_status, push_window_open,
)

S = {"UP": UP, "DOWN": DOWN, "PENDING": PENDING, "MAINT": MAINTENANCE}

# §3, every (previous, new) pair: (important, notify)
TRANSITIONS = [
    ("UP", "DOWN", True, True), ("DOWN", "UP", True, True), ("PENDING", "DOWN", True, True),
    ("UP", "MAINT", True, False), ("DOWN", "MAINT", True, False), ("MAINT", "UP", True, False),
    ("MAINT", "DOWN", True, True),
    ("UP", "PENDING", False, False), ("PENDING", "UP", False, False), ("PENDING", "PENDING", False, False),
    ("UP", "UP", False, False), ("DOWN", "DOWN", False, False), ("MAINT", "MAINT", False, False),
    ("PENDING", "MAINT", False, False), ("MAINT", "PENDING", False, False), ("DOWN", "PENDING", False, False),
]


@pytest.mark.parametrize("prev,new,important,notify", TRANSITIONS)
def test_transition_table(prev, new, important, notify):
    assert is_important(False, S[prev], S[new]) is important
    assert is_important_for_notification(False, S[prev], S[new]) is notify


@pytest.mark.parametrize("new", list(S))
def test_first_beat_is_always_important(new):
    assert is_important(True, None, S[new])
    assert is_important_for_notification(True, None, S[new])


def mon(**kw):
    base = {"id": 1, "type": "http", "maxretries": 0, "upside_down": 0, "resend_interval": 0,
            "interval": 20, "retry_interval": 20}
    base.update(kw)
    return base


OK = CheckOutcome(status=UP, msg="200 - OK", ping=5)
ERR = CheckOutcome.failed("connect ECONNREFUSED 127.0.0.1:3024")


def test_first_beat_up_is_important_but_not_notified():
    d = decide_check_beat(mon(), None, OK)
    assert (d.status, d.important, d.notify, d.retries, d.ping, d.msg) == (UP, True, False, 0, 5, "200 - OK")


def test_first_beat_down_is_notified_and_counts_retries_without_maxretries():
    # fixture heartbeat id 10: monitor 12's first beat is DOWN with retries 1
    d = decide_check_beat(mon(), None, ERR)
    assert (d.status, d.important, d.notify, d.retries, d.ping) == (DOWN, True, True, 1, None)
    # ...and keeps counting while DOWN (fixture ids 20, 30: retries 2, 3), not important
    d2 = decide_check_beat(mon(), Previous(DOWN, retries=1), ERR)
    assert (d2.status, d2.important, d2.notify, d2.retries) == (DOWN, False, False, 2)


def test_retries_go_pending_then_down():
    # fixture monitor 2 (maxretries 1): UP → PENDING retries 1 (not important) → DOWN retries 2 (important)
    m = mon(maxretries=1)
    d1 = decide_check_beat(m, Previous(UP), ERR)
    assert (d1.status, d1.retries, d1.important, d1.notify) == (PENDING, 1, False, False)
    d2 = decide_check_beat(m, Previous(PENDING, retries=1), ERR)
    assert (d2.status, d2.retries, d2.important, d2.notify) == (DOWN, 2, True, True)
    d3 = decide_check_beat(m, Previous(PENDING, retries=1), OK)
    assert (d3.status, d3.retries, d3.important) == (UP, 0, False)


@pytest.mark.parametrize("maxretries,prev_retries,expected", [
    (3, 0, (PENDING, 1)), (3, 2, (PENDING, 3)), (3, 3, (DOWN, 4)), (0, 5, (DOWN, 6)),
])
def test_retry_counter(maxretries, prev_retries, expected):
    prev = Previous(PENDING if prev_retries else UP, retries=prev_retries)
    d = decide_check_beat(mon(maxretries=maxretries), prev, ERR)
    assert (d.status, d.retries) == expected


def test_upside_down_flips_success_to_down_with_flip_message():
    d = decide_check_beat(mon(upside_down=1), Previous(UP), OK)
    assert (d.status, d.msg, d.important, d.retries, d.ping) == (DOWN, "Flip UP to DOWN", True, 1, None)
    d = decide_check_beat(mon(upside_down=1, maxretries=2), Previous(UP), OK)
    assert (d.status, d.retries) == (PENDING, 1)


def test_upside_down_error_means_up():
    d = decide_check_beat(mon(upside_down=1), Previous(DOWN, retries=4), ERR)
    assert (d.status, d.retries, d.msg, d.important, d.notify) == (UP, 0, ERR.msg, True, True)


def test_upside_down_leaves_pending_alone():
    d = decide_check_beat(mon(upside_down=1), Previous(UP), CheckOutcome(status=PENDING, msg="Group empty", ping=1))
    assert (d.status, d.retries) == (PENDING, 0)


def test_custom_pending_status_resets_retries():
    # fixture heartbeat id 6: group first beat PENDING, retries 0, important
    d = decide_check_beat(mon(type="group"), None, CheckOutcome(status=PENDING, msg="Pending child monitors: Child TCP", ping=3))
    assert (d.status, d.retries, d.important, d.notify, d.ping) == (PENDING, 0, True, False, 3)


def test_json_query_retry_only_on_status_code_failure():
    m = mon(type="json-query", maxretries=3, retry_only_on_status_code_failure=1)
    fail = CheckOutcome.failed("JSON query does not pass (comparing down == up)")
    d = decide_check_beat(m, Previous(UP), fail)
    assert (d.status, d.retries, d.important) == (DOWN, 0, True)
    d = decide_check_beat(m, Previous(UP), CheckOutcome.failed("Request failed with status code 503"))
    assert (d.status, d.retries) == (PENDING, 1)
    d = decide_check_beat(mon(type="json-query", maxretries=3), Previous(UP), fail)
    assert (d.status, d.retries) == (PENDING, 1)


def test_maintenance_beat():
    d = decide_check_beat(mon(), Previous(UP, retries=0), None, under_maintenance=True)
    assert (d.status, d.msg, d.ping, d.retries, d.important, d.notify) == (
        MAINTENANCE, "Monitor under maintenance", None, 0, True, False)
    d = decide_check_beat(mon(), Previous(MAINTENANCE), OK)
    assert (d.status, d.important, d.notify) == (UP, True, False)
    d = decide_check_beat(mon(), Previous(MAINTENANCE), ERR)
    assert (d.status, d.important, d.notify) == (DOWN, True, True)


def test_resend_interval_counts_beats():
    m = mon(resend_interval=3)
    prev = Previous(UP)
    seen = []
    for _ in range(8):
        d = decide_check_beat(m, prev, ERR)
        seen.append((d.important, d.notify, d.down_count))
        prev = Previous(d.status, d.retries, d.down_count)
    assert seen == [
        (True, True, 0),   # UP → DOWN
        (False, False, 1), (False, False, 2), (False, True, 0),  # third non-important DOWN re-sends
        (False, False, 1), (False, False, 2), (False, True, 0),
        (False, False, 1),
    ]


def test_down_count_carries_without_resend():
    d = decide_check_beat(mon(), Previous(DOWN, retries=3, down_count=2), ERR)
    assert d.down_count == 2


# §4.5 determineStatus: (previous, pushed, maxretries) → (status, retries)
PUSH_TABLE = [
    (None, DOWN, 0, (DOWN, 0)),
    (None, DOWN, 2, (PENDING, 1)),
    (None, UP, 2, (UP, 0)),
    (Previous(UP, 0), DOWN, 0, (DOWN, 0)),          # fixture heartbeat 54 'job failed'
    (Previous(UP, 0), DOWN, 2, (PENDING, 1)),
    (Previous(PENDING, 1), DOWN, 2, (PENDING, 2)),
    (Previous(PENDING, 2), DOWN, 2, (DOWN, 3)),
    (Previous(DOWN, 2), DOWN, 0, (DOWN, 3)),
    (Previous(DOWN, 2), UP, 0, (UP, 0)),            # fixture heartbeat 42 after 40
    (Previous(UP, 0), UP, 0, (UP, 0)),
]


@pytest.mark.parametrize("previous,pushed,maxretries,expected", PUSH_TABLE)
def test_push_status(previous, pushed, maxretries, expected):
    assert push_status(pushed, previous, maxretries) == expected


def test_push_beat_flags_and_upside_down():
    m = mon(type="push")
    d = decide_push_beat(m, Previous(DOWN, 1), UP, "OK", 12)
    assert (d.status, d.important, d.notify, d.retries, d.ping, d.msg) == (UP, True, True, 0, 12, "OK")
    d = decide_push_beat(mon(type="push", upside_down=1), Previous(UP), UP, "x", None)
    assert (d.status, d.important) == (DOWN, True)
    d = decide_push_beat(m, Previous(UP), DOWN, "x", None, under_maintenance=True)
    assert (d.status, d.retries, d.msg, d.notify) == (MAINTENANCE, 0, "x", False)


def test_push_window():
    assert push_window_open(UP, 61.0, 60, False)
    assert not push_window_open(UP, 61.5, 60, False)
    assert not push_window_open(DOWN, 5, 60, False)
    assert push_window_open(DOWN, 5, 60, True)
    assert not push_window_open(None, None, 60, False)
    assert not push_window_open(PENDING, 1, 60, False)


def test_intervals_and_timeouts():
    assert effective_interval({"interval": 0}) == 1.0
    assert effective_interval({"interval": None}) == 1.0
    assert effective_timeout({"interval": 20, "timeout": 0}) == 16.0
    assert effective_timeout({"interval": 20, "timeout": 5}) == 5.0
    assert next_delay(PENDING, {"interval": 60, "retry_interval": 10}) == 10
    assert next_delay(PENDING, {"interval": 60, "retry_interval": 0}) == 60
    assert next_delay(DOWN, {"interval": 60, "retry_interval": 10}) == 60
