"""kafka-producer checks against a local broker stand-in speaking Kafka's protocol (no Kafka here).

tests/helpers/fake_kafka.py says what it covers; it decodes the record batch and checks its CRC-32C with an
implementation of its own, so the message it stores is what a real broker would have accepted.
"""
from __future__ import annotations

import json

import pytest

from kuma.monitors._kafka_wire import crc32c
from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.fake_kafka import fake_kafka
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port, make_cert


async def check(brokers, topic="uptime", message="kuma says hi", sasl=None, **row):
    row.setdefault("kafka_producer_ssl", 0)
    row.setdefault("kafka_producer_allow_auto_topic_creation", 0)
    row = monitor_row(type="kafka-producer", kafka_producer_brokers=json.dumps(brokers), kafka_producer_topic=topic,
                      kafka_producer_message=message,
                      kafka_producer_sasl_options=json.dumps(sasl or {"mechanism": "None"}), **row)
    return await get_monitor_type("kafka-producer").check(row, CheckContext())


def test_crc32c_known_answer():
    assert crc32c(b"123456789") == 0xE3069283


async def test_message_is_produced():
    with fake_kafka({"uptime"}) as broker:
        result = await check([f"127.0.0.1:{broker.port}"])
    assert (result.status, result.msg) == (1, "Message sent successfully")
    assert broker.messages == [("uptime", 0, b"kuma says hi")]


async def test_unknown_topic_without_auto_creation():
    with fake_kafka({"uptime"}) as broker:
        with pytest.raises(CheckFailed, match="^Error sending message: This server does not host this topic-partition$"):
            await check([f"127.0.0.1:{broker.port}"], topic="other")
        assert (await check([f"127.0.0.1:{broker.port}"], topic="other",
                            kafka_producer_allow_auto_topic_creation=1)).status == 1
    assert broker.messages == [("other", 0, b"kuma says hi")]


async def test_sasl_plain_and_scram():
    with fake_kafka({"uptime"}, users={"kuma": "pw-1"}) as broker:
        address = [f"127.0.0.1:{broker.port}"]
        assert (await check(address, sasl={"mechanism": "plain", "username": "kuma", "password": "pw-1"})).status == 1
        assert (await check(address, sasl={"mechanism": "scram-sha-256", "username": "kuma",
                                           "password": "pw-1"})).status == 1
        with pytest.raises(CheckFailed, match="^Error in producer connection: SASL PLAIN authentication failed: "
                                              "Authentication failed: Invalid username or password$"):
            await check(address, sasl={"mechanism": "plain", "username": "kuma", "password": "bad"})
        with pytest.raises(CheckFailed, match="^Error in producer connection: SASL SCRAM-SHA-256 authentication failed"):
            await check(address, sasl={"mechanism": "scram-sha-256", "username": "kuma", "password": "bad"})
    assert len(broker.messages) == 2


async def test_first_reachable_seed_broker_is_used():
    dead = closed_port()
    with fake_kafka({"uptime"}) as broker:
        assert (await check([f"127.0.0.1:{dead}", f"127.0.0.1:{broker.port}"])).status == 1
    with pytest.raises(CheckFailed, match=f"^Error in producer connection: Connection error: connect ECONNREFUSED 127.0.0.1:{dead}$"):
        await check([f"127.0.0.1:{dead}"])


async def test_slow_broker_is_a_timeout():
    with fake_kafka({"uptime"}, delay=3) as broker:
        with pytest.raises(CheckFailed, match="^Timeout$"):
            await check([f"127.0.0.1:{broker.port}"], interval=1)


async def test_ssl_verifies_the_broker_certificate(tmp_path):
    with fake_kafka({"uptime"}, tls_cert=make_cert(directory=tmp_path)) as broker:
        with pytest.raises(CheckFailed, match="^Error in producer connection: Connection error: self-signed certificate$"):
            await check([f"127.0.0.1:{broker.port}"], kafka_producer_ssl=1)
