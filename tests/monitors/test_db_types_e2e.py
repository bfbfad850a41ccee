"""The new types run in a real kuma: rows in a copy of Uptime Kuma 2.5.3's own kuma.db (as a user brings it
over) and a monitor added through Socket.IO are checked against real servers, and their beats are stored."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.helpers.db_servers import PASSWORD, mosquitto_server, mqtt_publish_retained, redis_server
from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import copy_fixture_db, start_kuma
from tests.helpers.sessions import connected
from tests.helpers.waiting import wait_until


def _insert(db_path, **columns) -> int:
    db = sqlite3.connect(db_path)
    try:
        names = ", ".join(columns)
        cursor = db.execute(f"INSERT INTO monitor ({names}) VALUES ({', '.join('?' for _ in columns)})",
                            tuple(columns.values()))
        db.commit()
        return int(cursor.lastrowid)
    finally:
        db.close()


def _beats(db_path, monitor_id: int) -> list[tuple]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT status, msg FROM heartbeat WHERE monitor_id = ? ORDER BY id", (monitor_id,)).fetchall()
    finally:
        db.close()


@pytest.fixture
def servers():
    with redis_server() as redis, mosquitto_server() as mqtt:
        mqtt_publish_retained(mqtt.port, "plant/boiler", json.dumps({"state": "running"}).encode())
        yield redis, mqtt


def test_uptime_kuma_rows_keep_checking(tmp_path, servers):
    redis, mqtt = servers
    data = tmp_path / "data"
    db_path = copy_fixture_db(data)
    common = dict(user_id=1, active=1, interval=20, retry_interval=20, maxretries=0, timeout=5,
                  accepted_statuscodes_json='["200-299"]')
    redis_id = _insert(db_path, name="cache", type="redis", ignore_tls=0,
                       database_connection_string=f"redis://:{PASSWORD}@127.0.0.1:{redis.port}", **common)
    mqtt_id = _insert(db_path, name="boiler", type="mqtt", hostname="127.0.0.1", port=mqtt.port,
                      mqtt_topic="plant/boiler", mqtt_username="kuma", mqtt_password=PASSWORD,
                      mqtt_check_type="json-query", json_path="state", expected_value="running", **common)
    kuma = start_kuma(data, clock_start=CAPTURE_CLOCK)
    try:
        assert wait_until(lambda: _beats(db_path, redis_id), 60, "a redis beat")[0] == (1, "PONG")
        assert wait_until(lambda: _beats(db_path, mqtt_id), 60, "an mqtt beat")[0] == (
            1, "Message received, expected value is found")
    finally:
        kuma.stop()


def test_monitor_added_over_socketio_is_checked(kuma_server, servers):
    redis, _ = servers
    with connected(kuma_server.url) as client:
        assert client.call("setup", "admin", "secret123")[0]["ok"] is True
        client.call("login", {"username": "admin", "password": "secret123", "token": ""})
        added = client.call("add", {
            "type": "redis", "name": "cache", "interval": 20, "retryInterval": 20, "maxretries": 0, "timeout": 5,
            "databaseConnectionString": f"redis://:wrong@127.0.0.1:{redis.port}", "ignoreTls": False,
            "accepted_statuscodes": ["200-299"], "notificationIDList": {}, "kafkaProducerBrokers": [],
            "kafkaProducerSaslOptions": {"mechanism": "None"}, "rabbitmqNodes": [], "conditions": []})[0]
        assert added["ok"] is True, added
    db_path = kuma_server.data_dir / "kuma.db"
    beats = wait_until(lambda: _beats(db_path, added["monitorID"]), 60, "a redis beat")
    assert beats[0] == (0, "WRONGPASS invalid username-password pair or user is disabled.")
