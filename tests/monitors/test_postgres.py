"""postgres checks against a real PostgreSQL started on 127.0.0.1 for this module."""
from __future__ import annotations

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.postgres import parse_connection_string
from tests.helpers.db_servers import PASSWORD, postgres_server
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port


@pytest.fixture(scope="module")
def pg():
    with postgres_server() as server:
        yield server


def url(port: int, password: str = PASSWORD, tail: str = "") -> str:
    return f"postgres://kuma:{password}@127.0.0.1:{port}/postgres{tail}"


async def check(connection: str, query: str | None = None, timeout: float = 5):
    row = monitor_row(type="postgres", database_connection_string=connection, database_query=query, timeout=timeout)
    return await get_monitor_type("postgres").check(row, CheckContext())


async def test_up_has_empty_message_and_a_ping(pg):
    result = await check(url(pg.port))
    assert (result.status, result.msg) == (1, "")
    assert isinstance(result.ping, int) and result.ping >= 0


async def test_custom_query_runs_on_the_server(pg):
    result = await check(url(pg.port), "SELECT count(*) FROM pg_database WHERE datname = 'postgres'")
    assert result.status == 1
    with pytest.raises(CheckFailed, match='^relation "no_such_table" does not exist$'):
        await check(url(pg.port), "SELECT * FROM no_such_table")


async def test_wrong_password_is_the_servers_message(pg):
    with pytest.raises(CheckFailed, match='^password authentication failed for user "kuma"$'):
        await check(url(pg.port, "wrong"))


async def test_query_error_is_down(pg):
    with pytest.raises(CheckFailed, match='^syntax error at or near "SELEC"$'):
        await check(url(pg.port), "SELEC 1")


async def test_slow_query_is_cut_by_the_timeout(pg):
    with pytest.raises(CheckFailed, match="^timeout of 500ms exceeded$"):
        await check(url(pg.port), "SELECT pg_sleep(5)", timeout=0.5)


async def test_server_not_listening_is_econnrefused():
    port = closed_port()
    with pytest.raises(CheckFailed, match=f"^connect ECONNREFUSED 127.0.0.1:{port}$"):
        await check(url(port))


async def test_ssl_required_but_not_offered(pg):
    with pytest.raises(CheckFailed, match="^The server does not support SSL connections$"):
        await check(url(pg.port, tail="?sslmode=require"))


async def test_missing_password_is_refused_before_connecting():
    with pytest.raises(CheckFailed, match=r"^Password is undefined\.$"):
        await check("postgres://kuma@127.0.0.1:5432/postgres")


def test_connection_string_parts():
    target = parse_connection_string("postgresql://u%40x:p%2Fw@db.example:6543/app?sslmode=no-verify")
    assert (target.host, target.port, target.user, target.password, target.database) == (
        "db.example", 6543, "u@x", "p/w", "app")
    assert target.ssl is not None and target.ssl.check_hostname is False
    assert parse_connection_string("postgres://u:p@h/d?sslmode=disable").ssl is False
    assert parse_connection_string("postgres://u:p@h/d").ssl is False  # node-pg: no ssl unless asked
    assert parse_connection_string("postgres://u:p@h").database == "u"
