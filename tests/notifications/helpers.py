"""A real App + Database for notifier tests (no server process); beats are the engine's own `BeatEvent`."""
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from pathlib import Path

from kuma.app import App
from kuma.config import Config
from kuma.maintenance.service import MaintenanceService
from kuma.notifications.notifier import Notifier
from tests.helpers.app import running_app


@asynccontextmanager
async def running_notifier(tmp_path: Path, **notifier_kwargs):
    async with running_app(Config.from_sources(data_dir=tmp_path / "data", env={})) as app:
        notifier = Notifier(app, **notifier_kwargs)
        app.notifier = notifier
        app.maintenance = MaintenanceService(app)  # not running: no monitor is under maintenance
        assert app.nursery is not None
        await app.nursery.start(notifier.run)
        yield app, notifier


async def add_user_monitor(app: App, **monitor) -> dict:
    def job(db):
        if not db.conn.execute("SELECT 1 FROM user WHERE id = 1").fetchone():
            db.conn.execute("INSERT INTO user (id, username, password, active) VALUES (1, 'admin', 'x', 1)")
        row = {"name": "Web", "type": "http", "url": "http://127.0.0.1:9/", "user_id": 1, "active": 1,
               "interval": 20, "maxretries": 0, "resend_interval": 0, **monitor}
        cols = ",".join(row)
        cursor = db.conn.execute(f"INSERT INTO monitor ({cols}) VALUES ({','.join('?' * len(row))})",
                                 list(row.values()))
        return dict(db.conn.execute("SELECT * FROM monitor WHERE id = ?", (cursor.lastrowid,)).fetchone())

    return await app.db.write(job)


async def add_notification(app: App, monitor_id: int | None, config: dict) -> int:
    def job(db):
        cursor = db.conn.execute("INSERT INTO notification (name, config, user_id, active, is_default) "
                                 "VALUES (?, ?, 1, 1, 0)", (config.get("name"), json.dumps(config)))
        if monitor_id is not None:
            db.conn.execute("INSERT INTO monitor_notification (monitor_id, notification_id) VALUES (?, ?)",
                            (monitor_id, cursor.lastrowid))
        return cursor.lastrowid

    return await app.db.write(job)


async def add_beat(app: App, monitor_id: int, status: int, msg: str, time: str, important: bool = True,
                   ping: float | None = None, retries: int = 0) -> dict:
    def job(db):
        cursor = db.conn.execute(
            "INSERT INTO heartbeat (monitor_id, status, msg, time, important, ping, retries, duration, down_count) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)", (monitor_id, status, msg, time, int(important), ping, retries))
        return dict(db.conn.execute("SELECT * FROM heartbeat WHERE id = ?", (cursor.lastrowid,)).fetchone())

    return await app.db.write(job)
