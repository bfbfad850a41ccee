"""redis checks against a real redis-server started on 127.0.0.1 (plain and TLS)."""
from __future__ import annotations

import socket

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.redis import parse_connection_string
from tests.helpers.db_servers import PASSWORD, redis_server
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port, make_cert


@pytest.fixture(scope="module")
def server():
    with redis_server() as running:
        yield running


async def check(connection: str, timeout: float = 5, **row):
    row = monitor_row(type="redis", database_connection_string=connection, timeout=timeout, **row)
    return await get_monitor_type("redis").check(row, CheckContext())


async def test_up_is_the_ping_answer(server):
    result = await check(f"redis://:{PASSWORD}@127.0.0.1:{server.port}")
    assert (result.status, result.msg) == (1, "PONG")
    assert isinstance(result.ping, int)
    assert (await check(f"redis://default:{PASSWORD}@127.0.0.1:{server.port}/3")).msg == "PONG"


async def test_wrong_password_is_the_servers_error(server):
    with pytest.raises(CheckFailed, match="^WRONGPASS invalid username-password pair or user is disabled.$"):
        await check(f"redis://:wrong@127.0.0.1:{server.port}")


async def test_no_password_is_noauth(server):
    with pytest.raises(CheckFailed, match="^NOAUTH Authentication required.$"):
        await check(f"redis://127.0.0.1:{server.port}")


async def test_bad_database_number_is_the_servers_error(server):
    with pytest.raises(CheckFailed, match="^ERR DB index is out of range$"):
        await check(f"redis://:{PASSWORD}@127.0.0.1:{server.port}/99")


async def test_server_not_listening_is_econnrefused():
    port = closed_port()
    with pytest.raises(CheckFailed, match=f"^connect ECONNREFUSED 127.0.0.1:{port}$"):
        await check(f"redis://127.0.0.1:{port}")


async def test_silent_server_is_cut_by_the_timeout():
    with socket.socket() as listener:  # accepts (kernel backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        with pytest.raises(CheckFailed, match="^timeout of 300ms exceeded$"):
            await check(f"redis://127.0.0.1:{listener.getsockname()[1]}", timeout=0.3)


async def test_tls_verified_unless_ignore_tls(tmp_path):
    cert = make_cert(directory=tmp_path)
    with redis_server(tls_cert=cert) as tls:
        url = f"rediss://:{PASSWORD}@127.0.0.1:{tls.port}"
        with pytest.raises(CheckFailed, match="^self-signed certificate$"):
            await check(url)
        result = await check(url, ignore_tls=1)
        assert result.msg == "PONG"
        assert result.tls_info["valid"] is False and result.tls_info["certInfo"]["subject"]["CN"] == "localhost"
        with pytest.raises(CheckFailed):  # plain RESP to a TLS port: the server drops it
            await check(f"redis://:{PASSWORD}@127.0.0.1:{tls.port}", timeout=2)


def test_connection_string_parts():
    target = parse_connection_string("rediss://me:p%40ss@cache.example:6380/2")
    assert (target.host, target.port, target.username, target.password, target.database, target.tls) == (
        "cache.example", 6380, "me", "p@ss", 2, True)
    with pytest.raises(CheckFailed, match="^Invalid URL"):
        parse_connection_string("http://x")
