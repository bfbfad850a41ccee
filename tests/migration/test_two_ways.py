"""Issue #20, "both ways with 2.x": after kuma ran on a 2.5.3 data folder (monitors checked, beats stored,
settings, a monitor and a status page edited through kuma), the file holds nothing Uptime Kuma 2.5.3
would not have written itself: the same schema and bookkeeping, and every row kuma wrote has, column by
column, the value formats 2.5.3 wrote there in the fixture (dates, booleans, JSON text, numbers)."""
from __future__ import annotations

import json
import re
import sqlite3
import time

from tests.helpers.paths import CAPTURE_CLOCK, FIXTURE_DB
from tests.helpers.server import copy_fixture_db, start_kuma
from tests.helpers.targets import http_target
from tests.helpers.waiting import wait_until
from tests.migration.compare import schema

FORMATS = [
    ("datetime.ms", re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}")),
    ("datetime", re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")),
    ("date", re.compile(r"\d{4}-\d\d-\d\d")),
    ("time", re.compile(r"\d\d:\d\d(:\d\d)?")),
]


def shape(value) -> str:
    """What kind of value a column holds, as a reader of the file sees it."""
    if value is None or isinstance(value, (int, float, bytes)):
        return {type(None): "null", int: "integer", float: "real", bytes: "blob"}[type(value)]
    for name, pattern in FORMATS:
        if pattern.fullmatch(value):
            return name
    try:
        parsed = json.loads(value)
    except ValueError:
        return "text"
    return "json." + type(parsed).__name__


def column_shapes(conn: sqlite3.Connection, table: str) -> dict[str, set[str]]:
    cursor = conn.execute(f'SELECT * FROM "{table}"')
    names = [d[0] for d in cursor.description]
    shapes: dict[str, set[str]] = {n: set() for n in names}
    for row in cursor:
        for name, value in zip(names, row):
            shapes[name].add(shape(value))
    return shapes


def foreign_formats(ours: sqlite3.Connection, theirs: sqlite3.Connection) -> list[str]:
    """Values kuma wrote in a shape 2.5.3 never wrote in that column (columns 2.5.3 left empty or NULL
    everywhere say nothing and are skipped); settings compared key by key."""
    found = []
    tables = [r[0] for r in theirs.execute("SELECT name FROM sqlite_master WHERE type = 'table'") if r[0] != "setting"]
    for table in tables:
        known = column_shapes(theirs, table)
        original = set(theirs.execute(f'SELECT * FROM "{table}"').fetchall())
        cursor = ours.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        for row in cursor:
            if row in original:
                continue
            for name, value in zip(names, row):
                allowed = known[name] - {"null"}
                if value is not None and allowed and shape(value) not in allowed:
                    found.append(f"{table}.{name} = {value!r}: {shape(value)}, 2.5.3 wrote {sorted(allowed)}")
    theirs_settings = dict(theirs.execute("SELECT key, value FROM setting"))
    for key, value in ours.execute("SELECT key, value FROM setting"):
        if key in theirs_settings and shape(value) != shape(theirs_settings[key]):
            found.append(f"setting {key} = {value!r}: {shape(value)}, 2.5.3 wrote {theirs_settings[key]!r}")
    return sorted(set(found))


def test_what_kuma_writes_into_a_2_5_3_folder_is_what_2_5_3_would_write(tmp_path):
    from uptime_kuma_api import MonitorType, UptimeKumaApi

    db = copy_fixture_db(tmp_path / "data")
    with http_target() as target:
        server = start_kuma(tmp_path / "data", clock_start=CAPTURE_CLOCK)
        try:
            api = UptimeKumaApi(server.url, timeout=20, wait_events=0.1)
            api.login("admin", "secret123")
            added = api.add_monitor(type=MonitorType.HTTP, name="Added by kuma", url=target.url + "/", interval=20,
                                    description="two ways", accepted_statuscodes=["200-299"])["monitorID"]
            api.edit_monitor(1, name="Renamed by kuma")
            api.set_settings("secret123", keepDataPeriodDays=120, searchEngineIndex=True)
            api.save_status_page("main", description="Edited by kuma", footerText="kuma footer")
            wait_until(lambda: len(api.get_monitor_beats(added, 1)) >= 2, timeout=60, what="beats of the new monitor")
            api.disconnect()
        finally:
            assert server.stop() == 0, server.log()

    ours, theirs = sqlite3.connect(db), sqlite3.connect(f"file:{FIXTURE_DB}?mode=ro", uri=True)
    mine = {k: v for k, v in schema(ours).items() if not k[1].startswith("kuma_")}
    assert mine == schema(theirs)  # nothing altered; what kuma adds lives in kuma_* tables
    knex = "SELECT id, name, batch, migration_time FROM knex_migrations ORDER BY id"
    assert ours.execute(knex).fetchall() == theirs.execute(knex).fetchall()
    assert ours.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert ours.execute("PRAGMA foreign_key_check").fetchall() == []
    # kuma did write: beats, stats, the edits
    assert ours.execute("SELECT count(*) FROM heartbeat WHERE monitor_id = ?", (added,)).fetchone()[0] >= 2
    assert ours.execute("SELECT count(*) FROM stat_minutely WHERE monitor_id = ?", (added,)).fetchone()[0] >= 1
    assert ours.execute("SELECT description FROM status_page WHERE slug = 'main'").fetchone() == ("Edited by kuma",)
    assert ours.execute("SELECT name FROM monitor WHERE id = 1").fetchone() == ("Renamed by kuma",)
    assert foreign_formats(ours, theirs) == []
