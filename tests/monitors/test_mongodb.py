"""mongodb checks with the real driver (PyMongo) against a local stand-in speaking MongoDB's wire protocol.

No MongoDB server is packaged for Debian; tests/helpers/fake_mongo.py says what the stand-in covers
(handshake, SCRAM-SHA-256, commands). Connection refusal and timeouts are real sockets.
"""
from __future__ import annotations

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.mongodb import verdict
from tests.helpers.fake_mongo import fake_mongo
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port


@pytest.fixture(scope="module")
def mongo():
    with fake_mongo({"kuma": "s3cret"}) as server:
        yield server


async def check(uri: str, query: str | None = None, timeout: float = 5, **row):
    row = monitor_row(type="mongodb", database_connection_string=uri, database_query=query, timeout=timeout, **row)
    return await get_monitor_type("mongodb").check(row, CheckContext())


async def test_default_ping_is_up(mongo):
    mongo.commands.clear()
    result = await check(f"mongodb://127.0.0.1:{mongo.port}")
    assert (result.status, result.msg) == (1, "Command executed successfully")
    assert "ping" in mongo.commands and isinstance(result.ping, int)


async def test_scram_login(mongo):
    assert (await check(f"mongodb://kuma:s3cret@127.0.0.1:{mongo.port}/admin")).status == 1
    with pytest.raises(CheckFailed, match=r"^Authentication failed\.$"):
        await check(f"mongodb://kuma:wrong@127.0.0.1:{mongo.port}/admin")


async def test_unknown_command_is_the_servers_message(mongo):
    with pytest.raises(CheckFailed, match="^no such command: 'frobnicate'$"):
        await check(f"mongodb://127.0.0.1:{mongo.port}", '{"frobnicate": 1}')


async def test_json_path_and_expected_value(mongo):
    uri, status = f"mongodb://127.0.0.1:{mongo.port}", '{"serverStatus": 1}'
    assert (await check(uri, status, json_path="connections.current")).msg == \
        "Command executed successfully and the jsonata expression produces a result."
    assert (await check(uri, status, json_path="connections.current", expected_value="3")).msg == \
        "Command executed successfully and expected value was found"
    with pytest.raises(CheckFailed, match=r"^Query executed, but value is not equal to expected value, value was: \[3\]$"):
        await check(uri, status, json_path="connections.current", expected_value="4")
    with pytest.raises(CheckFailed, match=r"^Queried value not found\.$"):
        await check(uri, status, json_path="connections.missing")


async def test_server_not_listening_is_econnrefused():
    port = closed_port()
    with pytest.raises(CheckFailed, match=f"^connect ECONNREFUSED 127.0.0.1:{port}$"):
        await check(f"mongodb://127.0.0.1:{port}", timeout=1)


async def test_slow_server_is_cut_by_the_timeout():
    with fake_mongo(delay=3) as slow:
        with pytest.raises(CheckFailed, match="^timeout of 500ms exceeded$"):
            await check(f"mongodb://127.0.0.1:{slow.port}", timeout=0.5)


async def test_query_must_be_json(mongo):
    with pytest.raises(CheckFailed, match="^MongoDB query must be valid JSON"):
        await check(f"mongodb://127.0.0.1:{mongo.port}", "ping")


def test_verdict_needs_ok_1():
    with pytest.raises(CheckFailed, match="^MongoDB command failed$"):
        verdict({}, {"ok": 0})
    assert verdict({"expected_value": "[object Object]"}, {"ok": 1.0}) == \
        "Command executed successfully and expected value was found"
