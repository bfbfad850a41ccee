"""The login burst's per-monitor frames are byte for byte what Uptime Kuma 2.5.3 sent for the same data.

kuma builds `heartbeatList` as JSON text in SQLite (kuma/store/beats_json.py) and the stat events in
reader threads; a raw websocket client records the exact text frames of a login on a copy of the fixture
database (monitors paused first, so no new beat changes the data; the clock pinned at the capture) and
compares each `avgPing` / `uptime` / `heartbeatList` frame with the frame JSON.stringify makes of the
captured arguments (transcript 03), in order. The number text is checked against Node's own
JSON.stringify for awkward floats too.
"""
from __future__ import annotations

import json
import math
import random
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone

from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.raw_socket import frames_up_to_ack
from tests.helpers.server import REPLAY_ENV, copy_fixture_db, start_kuma
from tests.helpers.transcripts import load

PER_MONITOR = ("avgPing", "uptime", "heartbeatList")


def _js_frame(event: str, args: list) -> str:
    """`42[...]` as Node's JSON.stringify writes it (the capture's numbers are plain decimals)."""
    return "42" + json.dumps([event, *args], separators=(",", ":"), ensure_ascii=False)


def _raw_login_frames(url: str) -> list[str]:
    frames, _ = frames_up_to_ack(url, "login", {"username": "admin", "password": "secret123", "token": ""})
    return frames


def _as_at_the_capture(db_path, entries: list[dict]) -> None:
    """The fixture database was copied after the monitors ran on past the captured login: keep only the
    beats the capture's heartbeatLists end with, rebuild the stat buckets from them (kuma's upsert, the
    same running mean as Uptime Kuma's), and pause every monitor so nothing changes them again."""
    import sqlite_utils

    from kuma.store import db as store_db
    from kuma.store.stats import TABLES, record_beat

    last = {int(e["args"][0]): e["args"][1][-1]["time"] for e in entries
            if e["kind"] == "event" and e["event"] == "heartbeatList" and e["args"][1]}
    db = sqlite_utils.Database(store_db.connect(db_path))
    conn = db.conn
    conn.execute("BEGIN")
    for monitor_id, time in last.items():
        conn.execute("DELETE FROM heartbeat WHERE monitor_id = ? AND time > ?", (monitor_id, time))
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")
    rows = conn.execute("SELECT monitor_id, time, status, ping FROM heartbeat ORDER BY time, id").fetchall()
    for monitor_id, time, status, ping in rows:
        epoch = datetime.strptime(time, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()
        record_beat(db, monitor_id, epoch, status, ping)
    conn.execute("UPDATE monitor SET active = 0")
    conn.execute("COMMIT")
    conn.close()


def test_burst_frames_equal_the_capture_byte_for_byte(tmp_path):
    db_path = copy_fixture_db(tmp_path / "data")
    entries = load("03-login-burst")
    _as_at_the_capture(db_path, entries)
    server = start_kuma(tmp_path / "data", clock_start=CAPTURE_CLOCK, env=REPLAY_ENV)
    try:
        frames = _raw_login_frames(server.url)
    finally:
        server.stop()
    expected = [_js_frame(e["event"], e["args"]) for e in entries
                if e["kind"] == "event" and e["event"] in PER_MONITOR]
    actual = [f for f in frames if f.startswith(tuple(f'42["{name}"' for name in PER_MONITOR))]
    assert len(expected) == 12 * 5 and len(actual) == len(expected)
    for want, got in zip(expected, actual):
        assert got == want
    # and the list frames before them still go out once, to this socket, in Uptime Kuma's order
    names = [json.loads(f[2:])[0] for f in frames if f.startswith("42")]
    assert names[:2] == ["info", "loginRequired"]  # on connect, before the login
    assert names[2:12] == ["monitorList", "monitorTypeList", "maintenanceList", "info", "notificationList",
                          "proxyList", "dockerHostList", "apiKeyList", "remoteBrowserList", "statusPageList"]


def _awkward_floats() -> list[float]:
    rng = random.Random(15)
    values = [15.0, 12.5, 0.1 + 0.2, 1e21, 1.5e-7, 1e-6, 9.99e-5, 2.0**53 + 2, 1e16, 0.000123, -0.0, 5e-324,
              1.7976931348623157e308, 123456789012345680000.0]
    values += [rng.random() * 10 ** rng.uniform(-9, 24) for _ in range(3000)]
    # pings of up to three decimals (SQL's shortcut) around its edges: 1e12, 0.001, halves and thirds
    values += [999999999999.999, 999999999999.5, 1e12 - 0.001, 1e12 + 0.5, 0.001, 0.002, -0.001, 0.0015, -12.5]
    values += [round(rng.uniform(-1, 1) * 10 ** rng.uniform(-3, 13), rng.choice((1, 2, 3))) for _ in range(3000)]
    values += [round(n / 3, 3) for n in range(1, 200)] + [n / 3 for n in range(1, 200)]
    return values


def test_real_pings_print_as_node_prints_them(tmp_path):
    """Pings of any REAL value (SQLite's own JSON float text would differ) come out as JSON.stringify's."""
    from kuma.store import db as store_db
    from kuma.store.beats_json import recent_json_many

    # an integral value in 2^53..2^63 is stored as an exact INTEGER by the column's affinity (and printed
    # exactly, as kuma always did): not a REAL case
    values = [v for v in _awkward_floats() if math.isfinite(v) and not 2**53 <= abs(v) < 2**63]
    path = tmp_path / "beats.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE heartbeat (id INTEGER PRIMARY KEY AUTOINCREMENT, important BOOLEAN, monitor_id "
                 "INTEGER, status SMALLINT, msg TEXT, time DATETIME, ping INTEGER, duration INTEGER, down_count "
                 "INTEGER, end_time DATETIME, retries INTEGER, response TEXT)")
    conn.executemany("INSERT INTO heartbeat (monitor_id, important, status, msg, time, ping, duration) "
                     "VALUES (1, 0, 1, 'a\n\"é\u2028\x01', ?, ?, ?)",
                     [(f"2026-11-26 10:00:{n:06d}", v, v) for n, v in enumerate(values)])
    conn.commit()
    conn.close()
    import sqlite_utils

    text = recent_json_many(sqlite_utils.Database(store_db.connect(path)), [1], len(values))[1]
    rows = [(r["ping"], r["duration"], r["msg"]) for r in json.loads(text)]
    # Node re-prints the same numbers (parsed from our text) and the same message: the text must not change
    node = subprocess.run([shutil.which("node") or "/usr/bin/node", "-e", "const t=require('fs').readFileSync(0,'utf8');"
                           "process.stdout.write(JSON.stringify(JSON.parse(t)))"],
                          input=text, capture_output=True, text=True, check=True).stdout
    assert node == text
    assert [float(r[0]) for r in rows] == values and [float(r[1]) for r in rows] == values
