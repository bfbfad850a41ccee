"""The notifier with BeatEvents made by the test: which beats send, message texts, retries, expiry warnings."""
from __future__ import annotations

import json

import trio

from kuma.monitoring.beat import BeatEvent
from tests.notifications.helpers import add_beat, add_notification, add_user_monitor, running_notifier

PING = frozenset({"ping"})  # the engine's set_keys of a beat whose check gave a ping


async def _settle(recorder, count: int) -> list:
    """The requests once `count` have come (a generous bound), and 0.2 s more, in which a wrong extra send
    would come too; fewer than `count` is returned as it is, for the assertion to show."""
    with trio.move_on_after(30):
        while len(recorder.requests) < count:
            await trio.sleep(0.02)
    await trio.sleep(0.2)
    return list(recorder.requests)


async def test_down_then_up_sends_two_alerts_with_spec_texts(tmp_path, recorder):
    async with running_notifier(tmp_path) as (app, notifier):
        monitor = await add_user_monitor(app, name="Local Web", url="http://127.0.0.1:3025/")
        await add_notification(app, monitor["id"], {"name": "hook", "type": "webhook",
                                                    "webhookURL": recorder.url + "/webhook"})
        first = await add_beat(app, monitor["id"], 1, "200 - OK", "2026-11-26 10:00:00.000", ping=3)
        await notifier.on_beat(BeatEvent(monitor, first, True, True, None, True, PING))  # first UP: silent
        down = await add_beat(app, monitor["id"], 0, "Request failed with status code 503",
                              "2026-11-26 10:00:20.000", retries=1)
        await notifier.on_beat(BeatEvent(monitor, down, True, True, 1, False))
        pending = await add_beat(app, monitor["id"], 0, "still down", "2026-11-26 10:00:40.000", important=False)
        await notifier.on_beat(BeatEvent(monitor, pending, False, False, 0, False))  # not notifying
        up = await add_beat(app, monitor["id"], 1, "200 - OK", "2026-11-26 10:01:00.000", ping=2)
        await notifier.on_beat(BeatEvent(monitor, up, True, True, 0, False, PING))
        requests = await _settle(recorder, 2)
    assert [r.json()["msg"] for r in requests] == [
        "[Local Web] [🔴 Down] Request failed with status code 503",
        "[Local Web] [✅ Up] 200 - OK",
    ]
    down_hb, up_hb = requests[0].json()["heartbeat"], requests[1].json()["heartbeat"]
    assert list(down_hb) == ["monitorID", "status", "time", "msg", "important", "retries", "timezone",
                             "timezoneOffset", "localDateTime"]
    assert up_hb["lastDownTime"] == "2026-11-26 10:00:20.000" and up_hb["ping"] == 2
    assert requests[0].json()["monitor"]["name"] == "Local Web"


async def test_first_beat_down_notifies_and_maintenance_does_not(tmp_path, recorder):
    class Maintenance:
        def is_under_maintenance(self, monitor_id):
            return monitor_id == blocked

    async with running_notifier(tmp_path) as (app, notifier):
        app.maintenance = Maintenance()
        monitor = await add_user_monitor(app, name="A")
        other = await add_user_monitor(app, name="B")
        blocked = other["id"]
        for m in (monitor, other):
            await add_notification(app, m["id"], {"name": "hook", "type": "webhook",
                                                  "webhookURL": recorder.url + f"/m{m['id']}"})
            beat = await add_beat(app, m["id"], 0, "connect ECONNREFUSED", "2026-11-26 10:00:00.000")
            await notifier.on_beat(BeatEvent(m, beat, True, True, None, True))
        requests = await _settle(recorder, 1)
    assert [r.path for r in requests] == [f"/m{monitor['id']}"]


async def test_failed_send_is_retried_a_bounded_number_of_times_and_others_still_get_it(tmp_path, recorder):
    recorder.routes["/broken"] = (500, "nope", "text/plain")
    async with running_notifier(tmp_path, attempts=3, retry_delay=0.01) as (app, notifier):
        monitor = await add_user_monitor(app, name="X")
        await add_notification(app, monitor["id"], {"name": "bad", "type": "webhook",
                                                    "webhookURL": recorder.url + "/broken"})
        await add_notification(app, monitor["id"], {"name": "good", "type": "webhook",
                                                    "webhookURL": recorder.url + "/good"})
        beat = await add_beat(app, monitor["id"], 0, "down", "2026-11-26 10:00:00.000")
        await notifier.on_beat(BeatEvent(monitor, beat, True, True, 1, False))
        requests = await _settle(recorder, 4)
        assert notifier.failures == 1 and notifier.deliveries == 1
    assert sorted(r.path for r in requests) == ["/broken"] * 3 + ["/good"]


async def test_certificate_expiry_warning_once_per_threshold(tmp_path, recorder):
    info = {"valid": True, "certInfo": {"subject": {"CN": "example.com"}, "daysRemaining": 12,
                                        "fingerprint256": "AA", "certType": "server",
                                        "issuerCertificate": {"subject": {"CN": "Root"}, "certType": "root CA",
                                                              "daysRemaining": 3, "issuerCertificate": None}}}
    async with running_notifier(tmp_path) as (app, notifier):
        monitor = await add_user_monitor(app, name="TLS", url="https://example.com", expiry_notification=1)
        await add_notification(app, monitor["id"], {"name": "hook", "type": "webhook",
                                                    "webhookURL": recorder.url + "/cert"})
        await app.db.write(lambda db: db.conn.execute(
            "INSERT INTO monitor_tls_info (monitor_id, info_json) VALUES (?, ?)", (monitor["id"], json.dumps(info))))
        for i in range(3):
            beat = await add_beat(app, monitor["id"], 1, "200 - OK", f"2026-11-26 10:00:0{i}.000",
                                  important=i == 0)
            await notifier.on_beat(BeatEvent(monitor, beat, i == 0, i == 0, None if i == 0 else 1, i == 0))
        requests = await _settle(recorder, 1)
        history = await app.db.read(lambda db: db.conn.execute(
            "SELECT type, monitor_id, days FROM notification_sent_history").fetchall())
    assert [r.json() for r in requests] == [{
        "heartbeat": None, "monitor": None,
        "msg": "[TLS][https://example.com] server certificate example.com will expire in 12 days"}]
    assert [tuple(h) for h in history] == [("certificate", monitor["id"], 14)]


async def test_beats_that_send_nothing_start_no_lane_and_the_next_alert_still_goes_out(tmp_path, recorder):
    """Most beats send nothing: the dispatcher takes them at once (the policy still sees each status) and
    starts a lane task only for a beat that may send; order and texts stay as before."""
    async with running_notifier(tmp_path) as (app, notifier):
        monitor = await add_user_monitor(app, name="Quiet", url="http://127.0.0.1:3026/", expiry_notification=0)
        await add_notification(app, monitor["id"], {"name": "hook", "type": "webhook",
                                                    "webhookURL": recorder.url + "/webhook"})
        lanes: list[int] = []
        run_lane = notifier._run_lane

        async def counted(monitor_id, events):
            lanes.append(monitor_id)
            await run_lane(monitor_id, events)

        notifier._run_lane = counted
        for i in range(20):
            beat = await add_beat(app, monitor["id"], 1, "200 - OK", f"2026-11-26 10:{i:02d}:00.000")
            await notifier.on_beat(BeatEvent(monitor, beat, i == 0, i == 0, None if i == 0 else 1, i == 0, PING))
        await trio.sleep(0.2)
        assert lanes == [] and notifier.policy.status[monitor["id"]] == 1
        down = await add_beat(app, monitor["id"], 0, "Request failed with status code 500", "2026-11-26 10:30:00.000")
        await notifier.on_beat(BeatEvent(monitor, down, True, True, 1, False))
        requests = await _settle(recorder, 1)
        assert lanes == [monitor["id"]] and notifier.policy.status[monitor["id"]] == 0
    assert [r.json()["msg"] for r in requests] == ["[Quiet] [🔴 Down] Request failed with status code 500"]
