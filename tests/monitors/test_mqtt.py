"""mqtt checks against a real Mosquitto started on 127.0.0.1 (MQTT, WebSocket, TLS listeners)."""
from __future__ import annotations

import json

import pytest

from kuma.monitors._http_tls import client_tls_context
from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors._mqtt_session import broker_url
from tests.helpers.db_servers import PASSWORD, mosquitto_server, mqtt_publish_retained
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port, make_cert


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    cert = make_cert(self_signed=False, directory=tmp_path_factory.mktemp("cert"))
    with mosquitto_server(tls_cert=cert) as running:
        running.cert = cert
        mqtt_publish_retained(running.port, "kuma/status", b"all systems up")
        mqtt_publish_retained(running.port, "kuma/json", json.dumps({"sensor": {"temp": 21.5, "ok": True}}).encode())
        mqtt_publish_retained(running.port, "kuma/text", b"not json")
        mqtt_publish_retained(running.port, "wild/a/status", b"wildcard up")
        yield running


async def check(port, topic="kuma/status", **row):
    row.setdefault("hostname", "127.0.0.1")
    row.setdefault("mqtt_username", "kuma")
    row.setdefault("mqtt_password", PASSWORD)
    row = monitor_row(type="mqtt", port=port, mqtt_topic=topic, **row)
    return await get_monitor_type("mqtt").check(row, CheckContext())


async def test_keyword_found_is_up(broker):
    result = await check(broker.port, mqtt_success_message="systems up")
    assert (result.status, result.msg) == (1, "Topic: kuma/status; Message: all systems up")


async def test_keyword_missing_is_down(broker):
    with pytest.raises(CheckFailed, match="^Message Mismatch - Topic: kuma/status; Message: all systems up$"):
        await check(broker.port, mqtt_success_message="down")


async def test_wildcard_topic_reports_the_topic_received(broker):
    result = await check(broker.port, topic="wild/+/status", mqtt_success_message="up")
    assert result.msg == "Topic: wild/a/status; Message: wildcard up"


async def test_json_query_expected_value(broker):
    row = dict(mqtt_check_type="json-query", json_path="sensor.temp")
    assert (await check(broker.port, "kuma/json", expected_value="21.5", **row)).msg == \
        "Message received, expected value is found"
    with pytest.raises(CheckFailed, match=r"^Message received but value is not equal to expected value, value was: \[21.5\]$"):
        await check(broker.port, "kuma/json", expected_value="30", **row)
    assert (await check(broker.port, "kuma/json", mqtt_check_type="json-query", json_path="sensor.ok",
                        expected_value="true")).status == 1


async def test_json_query_on_a_message_that_is_not_json(broker):
    with pytest.raises(CheckFailed, match="is not valid JSON"):
        await check(broker.port, "kuma/text", mqtt_check_type="json-query", json_path="a", expected_value="1")


async def test_conditions_on_json_value(broker):
    gt = [{"type": "expression", "variable": "json_value", "operator": "gt", "value": "20", "andOr": "and"}]
    result = await check(broker.port, "kuma/json", json_path="sensor.temp", conditions=json.dumps(gt))
    assert result.msg.startswith("Topic: kuma/json; Message: {")
    gt[0]["value"] = "25"
    with pytest.raises(CheckFailed, match="^Conditions not met - Topic: kuma/json; Message: "):
        await check(broker.port, "kuma/json", json_path="sensor.temp", conditions=json.dumps(gt))


async def test_bad_password_is_not_authorized(broker):
    with pytest.raises(CheckFailed, match="^Connection refused: Not authorized$"):
        await check(broker.port, mqtt_password="wrong", mqtt_success_message="up")
    with pytest.raises(CheckFailed, match="^Connection refused: Not authorized$"):
        await check(broker.port, mqtt_username="", mqtt_password="", mqtt_success_message="up")


async def test_no_message_within_the_interval_is_a_timeout(broker):
    with pytest.raises(CheckFailed, match="^Timeout, Message not received$"):
        await check(broker.port, "kuma/silent", interval=1, mqtt_success_message="up")


async def test_broker_not_listening_is_econnrefused():
    port = closed_port()
    with pytest.raises(CheckFailed, match=f"^connect ECONNREFUSED 127.0.0.1:{port}$"):
        await check(port, mqtt_success_message="up")


async def test_websocket_listener(broker):
    result = await check(broker.ws_port, hostname="ws://127.0.0.1", mqtt_websocket_path="mqtt",
                         mqtt_success_message="up")
    assert result.msg == "Topic: kuma/status; Message: all systems up"


async def test_tls_listener_verifies_the_certificate(broker):
    with pytest.raises(CheckFailed, match="^unable to get local issuer certificate$"):
        await check(broker.tls_port, hostname="mqtts://127.0.0.1", mqtt_success_message="up")


async def test_tls_listener_with_a_trusted_root_reports_cert_info(broker, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", broker.cert.ca_path)  # trust the test root like a system CA
    client_tls_context.cache_clear()
    try:
        result = await check(broker.tls_port, hostname="mqtts://127.0.0.1", mqtt_success_message="up")
    finally:
        monkeypatch.delenv("SSL_CERT_FILE")
        client_tls_context.cache_clear()
    assert result.msg == "Topic: kuma/status; Message: all systems up"
    assert result.tls_info["valid"] is True
    assert result.tls_info["certInfo"]["issuerCertificate"]["subject"]["CN"] == "Kuma Test Intermediate"


def test_broker_url_as_uptime_kuma_builds_it():
    assert broker_url("broker.example", 1883, None) == "mqtt://broker.example:1883"
    assert broker_url("mqtts://broker.example", 8883, "/x") == "mqtts://broker.example:8883"
    assert broker_url("ws://broker.example", 9001, "mqtt") == "ws://broker.example:9001/mqtt"
    assert broker_url("wss://broker.example", 443, "/mqtt") == "wss://broker.example:443/mqtt"
