"""An `add`'s ack (what its handler returns, which the hub sends as the ack) and its list event come only
once the monitor row is committed (issue #14: the faster `add` keeps that guarantee).

Another connection holds the database's write lock, as a backup tool would: the add's job waits in the
writer thread, and meanwhile neither the ack nor `updateMonitorIntoList` may appear; once the lock is let
go, the ack comes, and the row it names is in the file for any other connection.
"""
from __future__ import annotations

import sqlite3

import trio

from tests.api.inprocess import api_app, logged_in
from tests.helpers.waiting import trio_wait_until

HTTP = {"type": "http", "name": "held", "url": "http://127.0.0.1:9/", "interval": 60,
        "accepted_statuscodes": ["200-299"], "notificationIDList": {}}


async def test_the_ack_waits_for_the_commit(tmp_path):
    async with api_app(tmp_path) as (app, hub, monitoring):
        hub.rooms["1"] = 1
        sock = logged_in()
        holder = sqlite3.connect(app.db.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held by another connection
        acks: list[dict] = []

        async def add() -> None:
            acks.append(await hub.call(sock, "add", dict(HTTP)))

        async with trio.open_nursery() as nursery:
            nursery.start_soon(add)
            await trio_wait_until(lambda: app.db.jobs_in_thread >= 1, what="the add's job in the writer thread")
            await trio.sleep(0.3)  # room for an ack sent early to show up
            assert acks == [] and not hub.emitted  # neither the ack nor the list event before the commit
            holder.execute("ROLLBACK")
        (ack,) = acks
        assert ack["ok"] is True and ack["msg"] == "successAdded"
        reader = sqlite3.connect(app.db.path)
        stored = reader.execute("SELECT name FROM monitor WHERE id = ?", (ack["monitorID"],)).fetchall()
        assert stored == [("held",)]
        reader.close()
        holder.close()
