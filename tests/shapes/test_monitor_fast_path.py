"""`load_monitor_jsons` builds Monitor JSON by a fast path (columns in key order, dict made in C): it must
give exactly what the pure `monitor_json` gives for the same rows, key order and value types included."""
from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from kuma.shapes.monitor import MonitorExtras, monitor_json
from kuma.views.monitors import load_monitor_jsons, load_tree
from tests.helpers.server import copy_fixture_db


def _reference(db, include_sensitive: bool) -> dict:
    rows = [dict(r) for r in db.conn.execute("SELECT * FROM monitor ORDER BY id")]
    tree = load_tree(db)
    out = {}
    for row in rows:
        i = row["id"]
        notes = [r[0] for r in db.conn.execute(
            "SELECT notification_id FROM monitor_notification WHERE monitor_id = ? ORDER BY id", (i,))]
        tags = [{"tag_id": t, "monitor_id": m, "value": v if v is not None else "", "name": n, "color": c}
                for t, m, v, n, c in db.conn.execute(
                    "SELECT mt.tag_id, mt.monitor_id, mt.value, t.name, t.color FROM monitor_tag mt "
                    "JOIN tag t ON t.id = mt.tag_id WHERE mt.monitor_id = ? ORDER BY mt.id", (i,))]
        parents_active = tree.parents_active(i)
        extras = MonitorExtras(path=tree.path(i), children_ids=tree.descendants(i),
                               active=bool(row["active"]) and parents_active, force_inactive=not parents_active,
                               notification_ids=notes, tags=tags)
        out[i] = monitor_json(row, extras, include_sensitive=include_sensitive)
    return out


def test_fast_path_equals_monitor_json_on_the_fixture(tmp_path):
    path = copy_fixture_db(tmp_path)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    # odd values a hand-edited database may hold: integral and fractional floats, non-JSON text
    conn.execute("UPDATE monitor SET timeout = 48.0, interval = 60.5, retry_interval = 20.0, "
                 "accepted_statuscodes_json = 'not json' WHERE id = 2")
    conn.commit()
    db = sqlite_utils.Database(conn)
    for include_sensitive in (True, False):
        fast = load_monitor_jsons(db, include_sensitive=include_sensitive)
        reference = _reference(db, include_sensitive)
        assert list(fast) == list(reference)
        for i in fast:
            assert json.dumps(fast[i]) == json.dumps(reference[i])
            assert list(fast[i]) == list(reference[i])
    fast = load_monitor_jsons(db)
    assert fast[2]["timeout"] == 48 and type(fast[2]["timeout"]) is int and fast[2]["interval"] == 60.5
    assert len(fast[2]) == 119
    conn.close()
