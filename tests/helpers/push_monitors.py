"""A database of many paused push monitors with recent beats: the large dashboards the browser tests draw."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import bcrypt
import trio

from kuma.store import Database


def push_monitors_db(path: Path, password: str, count: int, now: datetime, minutes_ago: list[int],
                     down: Callable[[int, int], bool]) -> None:
    """A new kuma.db at `path`: user `admin` / `password`, `count` paused push monitors ("Service 0001" …),
    each with a beat `minutes_ago[i]` minutes before `now`, DOWN where `down(monitor_id, i)`, else UP."""
    async def create():
        Database.open(path).close()

    trio.run(create)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO user (id, username, password) VALUES (1, 'admin', ?)",
                 (bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode(),))
    conn.execute("INSERT INTO setting (key, value) VALUES ('initServerTimezone', 'true')")
    for monitor_id in range(1, count + 1):
        conn.execute("INSERT INTO monitor (id, name, type, active, user_id, interval, retry_interval, push_token) "
                     "VALUES (?, ?, 'push', 0, 1, 60, 60, ?)", (monitor_id, f"Service {monitor_id:04d}", f"tok{monitor_id:029d}"))
        conn.executemany(
            "INSERT INTO heartbeat (monitor_id, status, time, msg, ping, important, duration, down_count, retries) "
            "VALUES (?, ?, ?, 'OK', 20, 0, 60, 0, 0)",
            [(monitor_id, 0 if down(monitor_id, i) else 1, (now - timedelta(minutes=ago)).strftime("%Y-%m-%d %H:%M:%S.000"))
             for i, ago in enumerate(minutes_ago)])
    conn.commit()
    conn.close()
