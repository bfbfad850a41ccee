"""The slim monitor of kuma's dashboard (kuma/shapes/monitor_slim.py, issue #14): the slim read
(kuma/views/monitor_slim.py) gives exactly the full Monitor JSON's values for its keys, on a copy of the
fixture database with a paused group, a child with a float weight, tags, and maintenance inherited through
the group."""
from __future__ import annotations

import sqlite3

import sqlite_utils

from kuma.shapes.monitor_slim import SLIM_KEYS, slim_entries, slim_monitor
from kuma.views.monitor_slim import load_slim_monitors
from kuma.views.monitors import load_monitor_jsons
from tests.helpers.server import copy_fixture_db


def fixture(tmp_path) -> sqlite_utils.Database:
    path = copy_fixture_db(tmp_path / "data")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE monitor SET active = 0 WHERE id = 6")  # the group: its children inherit the pause
    conn.execute("UPDATE monitor SET weight = 2.0, port = 22.0 WHERE id = 7")  # REAL columns print as integers
    conn.execute("INSERT INTO user (id, username, password) VALUES (2, 'other', 'x')")
    conn.execute("INSERT INTO monitor (id, name, type, active, user_id, interval) VALUES (50, 'Theirs', 'http', 1, 2, 60)")
    conn.commit()
    conn.close()
    return sqlite_utils.Database(sqlite3.connect(path))


def test_the_slim_read_is_the_full_monitor_in_slim_form(tmp_path):
    db = fixture(tmp_path)
    under = {6, 12}.__contains__  # the group (children inherit) and one top-level monitor
    full = {str(k): v for k, v in load_monitor_jsons(db, user_id=1, under_maintenance=under).items()}
    slim = load_slim_monitors(db, 1, under)
    assert slim == slim_entries(full) and list(slim) == list(full)
    assert [tuple(m) for m in slim.values()] == [SLIM_KEYS] * len(full)
    # what the list shows is there, computed as the full monitor computes it
    assert (slim["7"]["active"], slim["7"]["forceInactive"], slim["7"]["maintenance"]) == (False, True, True)
    assert (slim["7"]["weight"], slim["7"]["port"]) == (2, 22) and slim["1"]["maintenance"] is False
    assert slim["12"]["maintenance"] is True and [t["name"] for t in slim["1"]["tags"]] == ["env", "team", "critical"]
    assert "50" not in slim and load_slim_monitors(db, 3, under) == {}


def test_slim_monitor_picks_only_its_keys():
    monitor = {"id": 3, "name": "x", "interval": 60, "pushToken": "secret", "tags": []}
    assert slim_monitor(monitor) == dict.fromkeys(SLIM_KEYS) | {"id": 3, "name": "x", "tags": []}
