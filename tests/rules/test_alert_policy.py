"""The alert policy (kuma/alerts/policy.py) driven beat by beat on Trio's MockClock: what it sends, holds,
summarises and repeats. A real SQLite schema in memory stands behind it; the sender records."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

import pytest
import sqlite_utils
import trio

from kuma.alerts.config import monitor_json, parse_monitor
from kuma.alerts.policy import AlertPolicy
from kuma.status import DOWN, MAINTENANCE, PENDING, UP
from kuma.store import alerting as store
from kuma.store.schema import create_schema


@dataclass
class Event:
    monitor: dict
    beat: dict
    previous_status: int | None
    notify: bool = True
    is_first: bool = False
    important: bool = True
    set_keys: frozenset = frozenset()


class Db:
    def __init__(self) -> None:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        create_schema(conn, now_ms=0)
        self.sdb = sqlite_utils.Database(conn)
        self.sdb.conn.execute("INSERT INTO user (id, username, password, active) VALUES (1, 'admin', 'x', 1)")

    async def read(self, fn):
        return fn(self.sdb)

    def write_now(self, fn):
        return fn(self.sdb)


@dataclass
class Maintenance:
    under: set = field(default_factory=set)

    def is_under_maintenance(self, monitor_id: int) -> bool:
        return monitor_id in self.under


@dataclass
class App:
    db: Db = field(default_factory=Db)
    maintenance: Maintenance = field(default_factory=Maintenance)


@dataclass
class Sent:
    alerts: list = field(default_factory=list)  # (monitor id, status, extra, to)
    texts: list = field(default_factory=list)  # (monitor id, msg, to)

    async def send_alert(self, event, *, extra: str = "", to=None) -> None:
        self.alerts.append((event.monitor["id"], event.beat["status"], extra, to))

    async def send_text(self, monitor_id: int, msg: str, to=None) -> None:
        self.texts.append((monitor_id, msg, to))


def add_monitor(db: Db, monitor_id: int, name: str, **extra) -> dict:
    row = {"id": monitor_id, "name": name, "type": "port", "user_id": 1, "active": 1, "interval": 10,
           "maxretries": 0, **extra}
    db.sdb.conn.execute(f"INSERT INTO monitor ({','.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))
    return row


def link(db: Db, monitor_id: int, notification_id: int) -> None:
    db.sdb.conn.execute("INSERT OR IGNORE INTO notification (id, name, config, user_id, active, is_default) "
                        "VALUES (?, 'n', '{}', 1, 1, 0)", (notification_id,))
    db.sdb.conn.execute("INSERT INTO monitor_notification (monitor_id, notification_id) VALUES (?, ?)",
                        (monitor_id, notification_id))


def configure(db: Db, monitor_id: int, **alerting) -> None:
    settings = parse_monitor(alerting)
    db.write_now(lambda d: store.save_monitor(d, monitor_id, list(settings.depends_on), monitor_json(settings)))


def beat(row: dict, status: int, previous: int | None, *, notify: bool | None = None) -> Event:
    if notify is None:
        notify = previous != status and {previous, status} in ({UP, DOWN}, {PENDING, DOWN}, {DOWN, MAINTENANCE})
    return Event(monitor=row, beat={"status": status, "msg": "refused" if status == DOWN else "", "time": "t"},
                 previous_status=previous, notify=bool(notify))


@pytest.fixture
async def world(nursery):
    app = App()
    sent = Sent()
    policy = AlertPolicy(app, sent)
    yield app, policy, sent, nursery


async def start(policy: AlertPolicy, nursery) -> None:
    await policy.load()
    nursery.start_soon(policy.run)


async def test_twenty_dependants_of_a_down_upstream_give_one_alert_naming_them(world, autojump_clock):
    app, policy, sent, nursery = world
    router = add_monitor(app.db, 1, "Router", interval=5)
    link(app.db, 1, 1)
    dependants = [add_monitor(app.db, i, f"Host{i}") for i in range(2, 22)]
    for d in dependants:
        configure(app.db, d["id"], dependsOn=[1])
    await start(policy, nursery)
    await policy.on_beat(beat(router, UP, None), False)
    for d in dependants:
        await policy.on_beat(beat(d, UP, None), False)
    sent.alerts.clear()
    # five dependants see it first; the upstream needs a moment (its grace covers them), then the rest
    for d in dependants[:5]:
        await policy.on_beat(beat(d, DOWN, UP), True)
    await trio.sleep(3)
    await policy.on_beat(beat(router, DOWN, UP), True)
    for d in dependants[5:]:
        await policy.on_beat(beat(d, DOWN, UP), True)
    await trio.sleep(60)
    assert len(sent.alerts) == 1
    monitor_id, status, extra, to = sent.alerts[0]
    assert (monitor_id, status, to) == (1, DOWN, None)
    assert extra == "\nDependants affected (20): " + ", ".join(f"Host{i}" for i in range(2, 22))
    assert set(policy.held) == {d["id"] for d in dependants}


async def test_after_the_upstream_recovers_a_still_down_dependant_alerts_after_its_retries(world, autojump_clock):
    app, policy, sent, nursery = world
    router = add_monitor(app.db, 1, "Router")
    nas = add_monitor(app.db, 2, "NAS", maxretries=2)
    web = add_monitor(app.db, 3, "Web")
    for d in (2, 3):
        configure(app.db, d, dependsOn=[1])
    await start(policy, nursery)
    for row in (router, nas, web):
        await policy.on_beat(beat(row, UP, None), False)
    sent.alerts.clear()
    await policy.on_beat(beat(router, DOWN, UP), True)
    await policy.on_beat(beat(nas, DOWN, UP), True)
    await policy.on_beat(beat(web, DOWN, UP), True)
    await policy.on_beat(beat(nas, DOWN, DOWN), False)  # still blocked: the count does not start
    await policy.on_beat(beat(router, UP, DOWN), True)
    await policy.on_beat(beat(web, UP, DOWN), True)  # its DOWN was held: its UP is not sent either
    assert [(m, s) for m, s, *_ in sent.alerts] == [(1, DOWN), (1, UP)]
    for _ in range(2):
        await policy.on_beat(beat(nas, DOWN, DOWN), False)
    assert [(m, s) for m, s, *_ in sent.alerts] == [(1, DOWN), (1, UP)]
    await policy.on_beat(beat(nas, DOWN, DOWN), False)  # maxretries + 1 DOWN beats with nothing blocking
    assert [(m, s) for m, s, *_ in sent.alerts] == [(1, DOWN), (1, UP), (2, DOWN)]
    await policy.on_beat(beat(nas, UP, DOWN), True)
    assert sent.alerts[-1][:2] == (2, UP)


async def test_an_upstream_under_maintenance_holds_and_a_dependant_alone_alerts_after_the_grace(world, autojump_clock):
    app, policy, sent, nursery = world
    router = add_monitor(app.db, 1, "Router", interval=10)
    web = add_monitor(app.db, 2, "Web")
    configure(app.db, 2, dependsOn=[1])
    await start(policy, nursery)
    await policy.on_beat(beat(router, UP, None), False)
    app.maintenance.under.add(1)
    await policy.on_beat(beat(web, DOWN, UP), True)
    assert policy.held.keys() == {2} and sent.alerts == []
    await policy.on_beat(beat(web, UP, DOWN), True)
    app.maintenance.under.clear()
    await policy.on_beat(beat(web, DOWN, UP), True)  # upstream fine: waits interval × 2, then alerts
    await trio.sleep(19)
    assert sent.alerts == []
    await trio.sleep(2)
    assert [(m, s) for m, s, *_ in sent.alerts] == [(2, DOWN)]


async def test_a_deleted_upstream_no_longer_holds(world, autojump_clock):
    app, policy, sent, nursery = world
    router = add_monitor(app.db, 1, "Router")
    web = add_monitor(app.db, 2, "Web")
    configure(app.db, 2, dependsOn=[1])
    await start(policy, nursery)
    await policy.on_beat(beat(router, DOWN, None), True)
    app.db.sdb.conn.execute("DELETE FROM monitor WHERE id = 1")
    policy.forget(1)
    assert store.all_dependencies(app.db.sdb) == {}
    await policy.on_beat(beat(web, DOWN, UP), True)
    assert [(m, s) for m, s, *_ in sent.alerts] == [(1, DOWN), (2, DOWN)]


async def test_flapping_sends_one_alert_then_quiet_until_stable(world, autojump_clock):
    app, policy, sent, nursery = world
    web = add_monitor(app.db, 1, "Web")
    configure(app.db, 1, flapping={"enabled": True, "threshold": 3, "windowMinutes": 5, "stableMinutes": 2})
    await start(policy, nursery)
    status = UP
    await policy.on_beat(beat(web, UP, None), False)
    for _ in range(10):
        await trio.sleep(10)
        new = DOWN if status == UP else UP
        await policy.on_beat(beat(web, new, status), True)
        status = new
    assert [(m, s) for m, s, *_ in sent.alerts] == [(1, DOWN), (1, UP), (1, DOWN)]
    assert [t[1] for t in sent.texts] == [
        "[Web] [〰️ Flapping] more than 3 state changes in 5 min; alerts are paused until it is stable for 2 min"]
    assert policy.is_flapping(1)
    await trio.sleep(119)
    assert len(sent.texts) == 1
    await trio.sleep(2)
    assert sent.texts[-1][1] == "[Web] [✅ Up] stable again after flapping" and not policy.is_flapping(1)
    await policy.on_beat(beat(web, DOWN, UP), True)
    assert sent.alerts[-1][:2] == (1, DOWN)


async def test_storm_of_fifty_becomes_one_summary_per_channel(world, autojump_clock):
    app, policy, sent, nursery = world
    rows = [add_monitor(app.db, i, f"M{i}") for i in range(1, 51)]
    for row in rows:
        link(app.db, row["id"], 1)
        if row["id"] % 2:
            link(app.db, row["id"], 2)
    app.db.write_now(lambda d: store.save_server_settings(d, {"stormThreshold": 10, "stormWindowSeconds": 20}))
    await start(policy, nursery)
    for row in rows:
        await policy.on_beat(beat(row, DOWN, UP), True)
        await trio.sleep(0.1)
    await trio.sleep(30)
    assert sent.alerts == []
    assert [(to, msg.splitlines()[0], len(msg.splitlines()) - 1) for _, msg, to in sent.texts] == [
        ([1], "50 monitors down since t:", 50), ([2], "25 monitors down since t:", 25)]
    sent.texts.clear()
    for row in rows[:3]:  # a few recoveries stay single alerts
        await policy.on_beat(beat(row, UP, DOWN), True)
    await trio.sleep(30)
    assert [(m, s) for m, s, *_ in sent.alerts] == [(1, UP), (2, UP), (3, UP)] and sent.texts == []


async def test_escalation_after_t_and_repeats_until_acknowledged(world, autojump_clock):
    app, policy, sent, nursery = world
    web = add_monitor(app.db, 1, "Web")
    link(app.db, 1, 1)
    link(app.db, 1, 9)  # make notification 9 exist; the escalation names it
    configure(app.db, 1, escalation={"afterMinutes": 10, "notificationIDList": [9], "repeatMinutes": 4})
    await start(policy, nursery)
    await policy.on_beat(beat(web, DOWN, UP), True)
    await trio.sleep(4 * 60 + 1)
    await trio.sleep(4 * 60)
    assert [to for *_, to in sent.alerts] == [None, None, None]
    await trio.sleep(2 * 60)
    assert [to for *_, to in sent.alerts] == [None, None, None, [9]]
    await trio.sleep(2 * 60)  # 12 min: the third repeat, to both
    assert [to for *_, to in sent.alerts] == [None, None, None, [9], None, [9]]
    assert policy.acknowledge(1)
    await trio.sleep(60 * 60)
    assert len(sent.alerts) == 6
    await policy.on_beat(beat(web, UP, DOWN), True)
    assert not policy.acknowledge(1)
