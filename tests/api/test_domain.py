"""kuma.domain called directly, without a socket: the operations the Socket.IO handlers and the REST API
share. The in-process app (tests/api/inprocess.py) records what the engine was told."""
from __future__ import annotations

import pytest

from kuma.domain import maintenance as maintenance_domain
from kuma.domain import monitors, tags
from kuma.domain.errors import DomainError
from tests.api.inprocess import api_app
from tests.api.replay import load


class Announced:
    """A MonitorChanges that records what would go to the owner's room."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        self.entries: dict[int, dict] = {}  # list entries the domain built in its write job (an add)

    async def updated(self, monitor_id: int, entries: dict | None = None) -> None:
        self.seen.append(("updated", monitor_id))
        if entries is not None:
            self.entries[monitor_id] = entries

    async def deleted(self, monitor_id: int) -> None:
        self.seen.append(("deleted", monitor_id))


#: The HTTP monitor a 2.5.3 dashboard sent in the CRUD capture, renamed.
HTTP = {**next(e for e in load("06-monitor-crud.jsonl") if e["dir"] == "out" and e["event"] == "add")["args"][0],
        "name": "site"}


async def _active(app, monitor_id: int):
    return await app.db.read(lambda db: db.conn.execute("SELECT active FROM monitor WHERE id = ?",
                                                         (monitor_id,)).fetchone())


async def test_add_edit_pause_resume_delete_without_a_socket(tmp_path):
    async with api_app(tmp_path, modules=()) as (app, hub, monitoring):
        changes = Announced()
        monitor_id = await monitors.add(app, 1, dict(HTTP), changes)
        assert (await monitors.get(app, 1, monitor_id))["name"] == "site"

        assert await monitors.edit(app, 1, {**HTTP, "id": monitor_id, "name": "renamed"}, changes) == monitor_id
        assert (await monitors.get(app, 1, str(monitor_id)))["name"] == "renamed"

        await monitors.pause(app, 1, monitor_id, changes)
        assert (await _active(app, monitor_id))[0] == 0
        await monitors.resume(app, 1, monitor_id, changes)
        assert (await _active(app, monitor_id))[0] == 1

        await monitors.delete(app, 1, monitor_id, False, changes)
        assert await _active(app, monitor_id) is None
        assert monitoring.calls == [("start", monitor_id), ("restart", monitor_id), ("stop", monitor_id),
                                    ("start", monitor_id), ("stop", monitor_id)]
        assert changes.seen == [("updated", monitor_id)] * 4 + [("deleted", monitor_id)]
        assert hub.take() == []  # the domain itself sends nothing


async def test_refusals_are_domain_errors_and_store_nothing(tmp_path):
    async with api_app(tmp_path, modules=()) as (app, _, monitoring):
        with pytest.raises(DomainError) as refused:
            await monitors.add(app, 1, {**HTTP, "parent": 999})
        assert refused.value.reply() == {"ok": False, "msg": "Invalid Monitor Group"}
        assert await app.db.read(lambda db: db.conn.execute("SELECT COUNT(*) FROM monitor").fetchone()[0]) == 0

        with pytest.raises(DomainError) as not_owner:
            await monitors.pause(app, 1, 999)
        assert not_owner.value.reply() == {"ok": False, "msg": "You do not own this monitor."}
        with pytest.raises(DomainError, match="Invalid period."):
            await monitors.beats(app, 1, "soon")
        assert monitoring.calls == []


async def test_other_users_monitor_is_not_touched(tmp_path):
    async with api_app(tmp_path, modules=()) as (app, _, monitoring):
        await app.db.write(lambda db: db.conn.execute(
            "INSERT INTO user (id, username, password, active) VALUES (2, 'other', 'x', 1)"))
        monitor_id = await monitors.add(app, 2, dict(HTTP))
        with pytest.raises(DomainError, match="Permission denied."):
            await monitors.edit(app, 1, {**HTTP, "id": monitor_id})
        assert await monitors.clear_heartbeats(app, 1, monitor_id) is None
        await monitors.delete(app, 1, monitor_id)
        assert (await _active(app, monitor_id))[0] == 1
        assert monitoring.calls == [("start", monitor_id)]


async def test_tags_and_maintenance_domains(tmp_path):
    async with api_app(tmp_path, modules=()) as (app, _, _monitoring):
        monitor_id = await monitors.add(app, 1, dict(HTTP))
        tag = await tags.add(app, {"name": "prod", "color": "#fff"})
        assert await tags.add_monitor_tag(app, tag["id"], str(monitor_id), "eu") == monitor_id
        assert (await monitors.get(app, 1, monitor_id))["tags"][0]["value"] == "eu"
        with pytest.raises(DomainError) as missing:
            await tags.edit(app, {"id": 12345, "name": "x"})
        assert missing.value.reply() == {"ok": False, "msg": "tagNotFound", "msgi18n": True}

        with pytest.raises(DomainError, match="Maintenance not found"):
            await maintenance_domain.set_active(app, 777, False)
        with pytest.raises(DomainError, match="Permission denied."):
            await maintenance_domain.edit(app, 1, {"id": 777})


async def test_add_builds_the_list_entry_in_its_write_job_as_a_fresh_read_would(tmp_path):
    from kuma.views.monitors import monitor_entries

    async with api_app(tmp_path, modules=()) as (app, hub, monitoring):
        changes = Announced()
        ids = []
        for name, parent, kind in (("g", None, "group"), ("sub", 0, "group"), ("leaf", 1, "http")):
            data = {**HTTP, "type": kind, "name": name, "parent": None if parent is None else ids[parent]}
            ids.append(await monitors.add(app, 1, data, changes))
            assert changes.entries[ids[-1]] == await monitor_entries(app, [ids[-1]], user_id=1)  # as read now
        group, sub, child = ids
        assert changes.entries[child][str(child)]["path"] == ["g", "sub", "leaf"]
        # the tree read around a few ids gives what the whole tree gives (descendants, paths)
        assert (await monitor_entries(app, [group], user_id=1))[str(group)]["childrenIDs"] == [sub, child]


async def test_a_root_add_shapes_its_entry_from_the_stored_row_byte_for_byte(tmp_path):
    """Without a parent the entry is built from the INSERT's RETURNING row, nothing read back: it must be
    the bytes a full read gives, with column affinity (a string interval stored as a number), defaults,
    JSON columns, linked notifications (unknown ids skipped), a real-browser screenshot path and an
    inactive add; and what the engine is handed must be the row a read gives."""
    from kuma.monitoring.boot import load_running
    from kuma.realtime.socketio import dumps
    from kuma.views.monitors import monitor_entries

    async with api_app(tmp_path, modules=()) as (app, hub, monitoring):
        await app.db.write(lambda db: db.conn.executemany(
            "INSERT INTO notification (id, name, config, active, user_id) VALUES (?, ?, '{}', 1, 1)",
            [(4, "a"), (7, "b")]))
        await app.db.write(lambda db: db.conn.execute(
            "INSERT INTO setting (key, value, type) VALUES ('jwtSecret', '\"s3cret\"', NULL)"))
        changes = Announced()
        variants = [
            dict(HTTP),
            {**HTTP, "interval": "45", "retryInterval": 30.0, "notificationIDList": {"7": True, "4": True, "99": True}},
            {**HTTP, "type": "real-browser", "name": "browser", "active": False},
            {**HTTP, "type": "keyword", "keyword": "ok", "invertKeyword": 1, "description": "é ✓"},
            {"name": "push", "type": "push", "pushToken": "tok123", "accepted_statuscodes": ["200-299"],
             "notificationIDList": {}},
        ]
        for data in variants:
            monitor_id = await monitors.add(app, 1, data, changes)
            entry = changes.entries[monitor_id]
            assert dumps(entry) == dumps(await monitor_entries(app, [monitor_id], user_id=1))
        entries = {k: v for e in changes.entries.values() for k, v in e.items()}
        second = entries[str(changes.seen[1][1])]
        assert second["interval"] == 45 and second["notificationIDList"] == {"7": True, "4": True}
        assert entries[str(changes.seen[2][1])]["screenshot"].startswith("/screenshots/")
        started = [m for kind, m in monitoring.calls if kind == "start"]
        assert len(started) == 4  # the inactive add is not started
        for monitor_id in started:
            expected = await app.db.read(lambda db: load_running(db, monitor_id))
            assert monitoring.loaded[monitor_id] == (expected, (None,))
            assert type(monitoring.loaded[monitor_id][0][0]) is type(expected[0])  # the engine's record type
