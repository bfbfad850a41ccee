"""The pure rules of smarter alerts (issue #22): dependencies, flapping, storm control, escalation."""
from __future__ import annotations

from kuma.alerts.config import AlertingInputError, monitor_json, parse_monitor, parse_server
from kuma.rules import dependencies as deps
from kuma.rules import flapping, storm
from kuma.rules.escalation import Action, EscalationSettings, Outage, due, next_deadline
from kuma.status import DOWN, MAINTENANCE, PENDING, UP

import pytest


# -- dependencies ------------------------------------------------------------------------------------

def test_only_direct_upstreams_that_are_not_up_block():
    edges = {3: [1, 2]}
    status = {1: UP, 2: DOWN}
    assert deps.blocking_upstreams(3, edges, status.get) == [2]
    for blocking in (DOWN, PENDING, MAINTENANCE):
        assert deps.blocking_upstreams(3, edges, {1: blocking, 2: UP}.get) == [1]
    assert deps.blocking_upstreams(3, edges, {1: UP, 2: UP}.get) == []


def test_a_deleted_upstream_or_one_without_beats_does_not_block():
    assert deps.blocking_upstreams(3, {3: [9]}, {}.get) == []
    assert deps.blocking_upstreams(4, {3: [9]}, {9: DOWN}.get) == []  # 4 depends on nothing


def test_chain_a_b_c_asks_only_the_direct_upstream():
    edges = {2: [1], 3: [2]}  # C=3 depends on B=2, B on A=1
    assert deps.blocking_upstreams(3, edges, {1: DOWN, 2: DOWN}.get) == [2]
    assert deps.blocking_upstreams(3, edges, {1: DOWN, 2: UP}.get) == []  # B fine: C's failure is its own
    assert deps.dependants_of(1, edges) == [2, 3]
    assert deps.dependants_of(2, edges) == [3]
    assert deps.dependants_of(3, edges) == []


def test_diamond_dependants_counted_once():
    edges = {2: [1], 3: [1], 4: [2, 3]}
    assert deps.dependants_of(1, edges) == [2, 3, 4]
    assert deps.blocking_upstreams(4, edges, {2: DOWN, 3: DOWN}.get) == [2, 3]


@pytest.mark.parametrize(("edges", "monitor", "upstreams", "cycle"), [
    ({}, 1, [1], [1, 1]),
    ({2: [1]}, 1, [2], [1, 2, 1]),
    ({2: [3], 3: [1]}, 1, [2], [1, 2, 3, 1]),
    ({2: [1], 3: [1], 4: [2, 3]}, 1, [4], [1, 4, 2, 1]),
    ({2: [1]}, 3, [2], None),
    ({2: [1], 3: [1], 4: [2, 3]}, 5, [4, 2], None),
    ({1: [2], 2: [1]}, 3, [1], None),  # a cycle elsewhere is not the new edge's
])
def test_cycles_are_found_through_the_new_edges(edges, monitor, upstreams, cycle):
    assert deps.find_cycle(edges, monitor, upstreams) == cycle


def test_replacing_upstreams_can_remove_a_cycle():
    assert deps.find_cycle({1: [2], 2: [1]}, 1, [3]) is None


# -- flapping ----------------------------------------------------------------------------------------

def test_flapping_starts_after_more_than_threshold_changes_in_the_window_then_holds():
    settings = flapping.FlapSettings(enabled=True, threshold=3, window=60, stable=30)
    state = flapping.FlapState()
    verdicts = [flapping.observe_change(state, t, settings) for t in (0, 10, 20, 30, 40)]
    assert verdicts == [flapping.Verdict.SEND] * 3 + [flapping.Verdict.START, flapping.Verdict.HOLD]
    assert not flapping.settled(state, 69, settings)
    assert flapping.settle_deadline(state, settings) == 70
    assert flapping.settled(state, 70, settings)
    assert not state.flapping and not flapping.settled(state, 200, settings)
    assert flapping.observe_change(state, 300, settings) is flapping.Verdict.SEND


def test_changes_outside_the_window_do_not_count():
    settings = flapping.FlapSettings(enabled=True, threshold=2, window=60, stable=30)
    state = flapping.FlapState()
    assert [flapping.observe_change(state, t, settings) for t in (0, 50, 100, 150, 200)] == [flapping.Verdict.SEND] * 5


def test_flapping_off_sends_everything():
    state = flapping.FlapState()
    assert {flapping.observe_change(state, t, flapping.FlapSettings()) for t in range(100)} == {flapping.Verdict.SEND}
    assert not state.changes


# -- storm -------------------------------------------------------------------------------------------

def _alert(i: int, status: int = DOWN, channels=(1,)) -> storm.HeldAlert:
    return storm.HeldAlert(monitor_id=i, name=f"M{i}", status=status, msg="down", time=f"2026-01-01 00:00:{i:02d}",
                           channels=tuple(channels))


def test_a_storm_becomes_one_summary_per_channel():
    batch = storm.Batch(opened_at=0, alerts=[_alert(i, channels=(1, 2) if i % 2 else (1,)) for i in range(12)])
    release = storm.release(batch, storm.StormSettings(threshold=10, window=30))
    assert release.single == []
    assert [(c, s, [a.monitor_id for a in alerts]) for c, s, alerts in release.summaries] == [
        (1, DOWN, list(range(12))), (2, DOWN, [1, 3, 5, 7, 9, 11])]
    text = storm.summary_message(DOWN, release.summaries[0][2])
    assert text.startswith("12 monitors down since 2026-01-01 00:00:00:") and "- M11: down" in text


def test_below_the_threshold_alerts_go_out_one_by_one_per_kind():
    alerts = [_alert(i) for i in range(3)] + [_alert(i, UP) for i in range(3, 9)]
    release = storm.release(storm.Batch(opened_at=0, alerts=alerts), storm.StormSettings(threshold=5))
    assert [a.monitor_id for a in release.single] == [0, 1, 2]
    assert [(c, s, len(a)) for c, s, a in release.summaries] == [(1, UP, 6)]
    assert storm.summary_message(UP, release.summaries[0][2]).startswith("6 monitors up again since")
    assert not storm.StormSettings().enabled and storm.closes_at(storm.Batch(opened_at=5), storm.StormSettings()) == 35


# -- escalation --------------------------------------------------------------------------------------

def test_escalation_once_after_t_and_repeats_until_acknowledged():
    settings = EscalationSettings(after=300, channels=(7,), repeat=120)
    outage = Outage(since=0, last_sent=0)
    assert next_deadline(outage, settings) == 120
    assert due(outage, 119, settings) == []
    assert due(outage, 120, settings) == [Action.REPEAT]
    assert due(outage, 240, settings) == [Action.REPEAT]
    assert next_deadline(outage, settings) == 300
    assert due(outage, 300, settings) == [Action.ESCALATE]
    assert due(outage, 360, settings) == [Action.REPEAT]
    outage.acknowledged = True
    assert due(outage, 10_000, settings) == [] and next_deadline(outage, settings) is None


def test_escalation_needs_channels_and_repeat_is_optional():
    assert not EscalationSettings(after=60).enabled
    assert due(Outage(since=0, last_sent=0), 1000, EscalationSettings(after=60)) == []
    only_escalate = EscalationSettings(after=60, channels=(1,))
    outage = Outage(since=0, last_sent=0)
    assert due(outage, 60, only_escalate) == [Action.ESCALATE] and next_deadline(outage, only_escalate) is None


# -- settings as clients send them -------------------------------------------------------------------

def test_settings_round_trip_and_defaults():
    assert monitor_json(parse_monitor({})) == {
        "dependsOn": [],
        "flapping": {"enabled": False, "threshold": 5, "windowMinutes": 10.0, "stableMinutes": 10.0},
        "escalation": {"afterMinutes": None, "notificationIDList": [], "repeatMinutes": None},
    }
    sent = {"dependsOn": [5, 3, 5], "flapping": {"enabled": True, "threshold": 2, "windowMinutes": 0.5},
            "escalation": {"afterMinutes": 15, "notificationIDList": [4], "repeatMinutes": 5}}
    parsed = parse_monitor(sent)
    assert parsed.depends_on == (3, 5) and parsed.flapping.window == 30 and parsed.escalation.after == 900
    assert parse_monitor(monitor_json(parsed)) == parsed


@pytest.mark.parametrize("bad", [
    [], "x", {"dependsOn": "1"}, {"dependsOn": [True]}, {"dependsOn": [0]}, {"dependsOn": list(range(1, 60))},
    {"flapping": {"enabled": "yes"}}, {"flapping": {"threshold": 0}}, {"flapping": {"windowMinutes": -1}},
    {"escalation": {"afterMinutes": "10"}}, {"escalation": {"repeatMinutes": 0}}, {"flapping": []},
])
def test_bad_settings_are_refused_with_a_message(bad):
    with pytest.raises(AlertingInputError) as info:
        parse_monitor(bad)
    assert str(info.value)


def test_server_settings_change_only_what_is_sent():
    current = parse_server({"stormThreshold": 10})
    assert (current.threshold, current.window) == (10, 30)
    assert parse_server({"stormWindowSeconds": 5}, current).threshold == 10
    with pytest.raises(AlertingInputError):
        parse_server({"stormThreshold": -1})
