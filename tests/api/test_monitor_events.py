"""The live events after a beat, against transcript 07 (real fixture database, recording hub)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from kuma.api.monitor_events import make_listener
from tests.api.inprocess import api_app
from tests.api.replay import as_wire, load
from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import copy_fixture_db


@dataclass
class FakeBeatEvent:
    monitor: dict
    beat: dict
    important: bool
    notify: bool = False
    previous_status: int | None = None
    is_first: bool = False
    set_keys: frozenset | None = None  # None: an engine without set_keys (the shape infers them)


class StatsFromTranscript:
    """Read-model stand-in whose stats are the numbers the capture showed right after the beat."""

    def __init__(self, stats: dict) -> None:
        self._stats = stats
        self.listeners = []

    def add_beat_listener(self, fn):
        self.listeners.append(fn)

    async def stats(self, monitor_id):
        return self._stats


def _live_groups():
    """[(heartbeat args, [events that followed up to the next heartbeat/maintenanceList])]."""
    lines = [e for e in load("07-heartbeat-stream.jsonl") if e["kind"] == "event"]
    start = next(i for i, e in enumerate(lines) if e["event"] == "heartbeatList")
    live = [e for e in lines[start:] if e["event"] != "heartbeatList"]
    groups, current = [], None
    for i, entry in enumerate(live):
        if entry["event"] in ("heartbeat", "maintenanceList") and (current is None or current[-1]["event"] != "maintenanceList"):
            current = []
            groups.append(current)
        current.append(entry)
    return groups


async def test_live_events_match_stream(tmp_path):
    db_path = copy_fixture_db(tmp_path / "data")
    groups = _live_groups()
    assert len(groups) > 25
    async with api_app(tmp_path, modules=(), db_path=db_path, clock_start=CAPTURE_CLOCK) as (app, hub, _):
        hub.rooms["1"] = 1
        checked = 0
        for group in groups:
            names = [e["event"] for e in group]
            beat_event = next(e for e in group if e["event"] == "heartbeat")["args"][0]
            monitor_id = beat_event["monitorID"]

            def read(db, monitor_id=monitor_id, t=beat_event["time"]):
                cur = db.conn.execute("SELECT * FROM monitor WHERE id = ?", (monitor_id,))
                monitor = dict(zip([d[0] for d in cur.description], cur.fetchone()))
                cur = db.conn.execute("SELECT * FROM heartbeat WHERE monitor_id = ? AND time = ?", (monitor_id, t))
                row = cur.fetchone()
                beat = dict(zip([d[0] for d in cur.description], row)) if row else None
                return monitor, beat

            monitor, beat = await app.db.read(read)
            if beat is None:  # the capture's last seconds were not checkpointed into kuma.db
                continue
            stats_args = {e["args"][1] if e["event"] == "uptime" else "avgPing": e["args"][-1]
                          for e in group if e["event"] in ("avgPing", "uptime")}
            stats = {"avgPing": stats_args["avgPing"], "24": stats_args[24], "720": stats_args[720],
                     "1y": stats_args["1y"]}
            app.readings = StatsFromTranscript(stats)
            await make_listener(app)(FakeBeatEvent(monitor, beat, important=bool(beat["important"])))
            got = hub.take()
            assert [e.event for e in got] == names
            assert all(e.room == "1" for e in got)
            for sent, expected in zip(got, group):
                if sent.event == "maintenanceList":
                    continue
                assert json.dumps(as_wire(list(sent.args))) == json.dumps(expected["args"])
            checked += 1
        assert checked > 25  # http, keyword, json-query, group, port, ping, dns, push timeout, ECONNREFUSED


async def test_nothing_is_sent_without_a_connected_owner(tmp_path):
    async with api_app(tmp_path, modules=()) as (app, hub, _):
        beat = {"id": 1, "monitor_id": 1, "status": 1, "time": "t", "msg": "", "ping": 1, "important": 0,
                "duration": 0, "retries": 0}
        await make_listener(app)(FakeBeatEvent({"id": 1, "user_id": 1, "type": "http"}, beat, important=False))
        assert hub.take() == []


async def test_cert_info_is_sent_as_stored_text(tmp_path):
    async with api_app(tmp_path, modules=()) as (app, hub, _):
        hub.rooms["1"] = 1

        def setup(db):
            db.conn.execute("INSERT INTO monitor (id, name, type, url, user_id) VALUES (1, 'x', 'http', 'https://a', 1)")
            db.conn.execute("INSERT INTO monitor_tls_info (monitor_id, info_json) VALUES (1, ?)",
                            ('{"valid":true,"certInfo":{"daysRemaining":30}}',))

        await app.db.write(setup)
        app.readings = StatsFromTranscript({"avgPing": 5, "24": 1, "720": 1, "1y": 1})
        beat = {"id": 1, "monitor_id": 1, "status": 1, "time": "t", "msg": "200 - OK", "ping": 5, "important": 0,
                "duration": 0, "retries": 0}
        await make_listener(app)(FakeBeatEvent({"id": 1, "user_id": 1, "type": "http"}, beat, important=False,
                                               set_keys=frozenset({"ping"})))
        got = hub.take()
        assert [e.event for e in got] == ["heartbeat", "avgPing", "uptime", "uptime", "uptime", "certInfo"]
        assert got[-1].args == (1, '{"valid":true,"certInfo":{"daysRemaining":30}}')
