"""sqlserver checks with the real driver (python-tds) against a local stand-in speaking TDS 7.4.

SQL Server cannot run here; tests/helpers/fake_tds.py says what the stand-in covers (prelogin, login with
the password check, SQL batches, errors, cancel). It offers no TLS, so Encrypt=true must fail, not downgrade.
"""
from __future__ import annotations

import json
import socket

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.sqlserver import parse_connection_string
from tests.helpers.fake_tds import fake_tds
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port

FAILED = "^Database connection/query failed: "


@pytest.fixture(scope="module")
def tds():
    with fake_tds({"sa": "Str0ng-Pw"}) as server:
        yield server


def ado(port: int, password: str = "Str0ng-Pw", encrypt: str = "false") -> str:
    return f"Server=127.0.0.1,{port};Database=kuma;User Id=sa;Password={password};Encrypt={encrypt};" \
           "TrustServerCertificate=true;Connection Timeout=30"


def equals(value: str) -> str:
    return json.dumps([{"type": "expression", "variable": "result", "operator": "equals", "value": value,
                        "andOr": "and"}])


async def check(connection: str, query: str | None = None, timeout: float = 5, **row):
    row = monitor_row(type="sqlserver", database_connection_string=connection, database_query=query,
                      timeout=timeout, **row)
    return await get_monitor_type("sqlserver").check(row, CheckContext())


async def test_up_counts_rows(tds):
    tds.queries.clear()
    result = await check(ado(tds.port))
    assert (result.status, result.msg) == (1, "Rows: 1")
    assert tds.queries == ["SELECT 1"] and isinstance(result.ping, int)
    assert (await check(ado(tds.port), "SELECT n FROM t")).msg == "Rows: 3"
    assert (await check(f"mssql://sa:Str0ng-Pw@127.0.0.1:{tds.port}/kuma?encrypt=false")).msg == "Rows: 1"


async def test_wrong_password_is_the_servers_message(tds):
    with pytest.raises(CheckFailed, match=FAILED + r"Login failed for user 'sa'\.$"):
        await check(ado(tds.port, "wrong"))


async def test_query_error_is_the_servers_message(tds):
    with pytest.raises(CheckFailed, match=FAILED + r"Invalid object name 'nope'\.$"):
        await check(ado(tds.port), "SELECT * FROM nope")


async def test_conditions_on_a_single_value(tds):
    assert (await check(ado(tds.port), "SELECT COUNT(*) FROM t", conditions=equals("3"))).msg == \
        "Query did meet specified conditions"
    with pytest.raises(CheckFailed, match=r"^Query result did not meet the specified conditions \(3\)$"):
        await check(ado(tds.port), "SELECT COUNT(*) FROM t", conditions=equals("5"))
    with pytest.raises(CheckFailed, match=FAILED + "Multiple columns were found, expected only one value$"):
        await check(ado(tds.port), "SELECT 1, 2", conditions=equals("1"))
    with pytest.raises(CheckFailed, match=FAILED + "Query returned no results$"):
        await check(ado(tds.port), "SELECT n FROM t WHERE n > 9", conditions=equals("1"))


async def test_slow_query_times_out(tds):
    with pytest.raises(CheckFailed, match=FAILED + "Timeout: Request failed to complete in 1000ms$"):
        await check(ado(tds.port), "WAITFOR DELAY '00:00:04'", timeout=1)


async def test_server_not_listening():
    port = closed_port()
    with pytest.raises(CheckFailed, match=FAILED + f"Failed to connect to 127.0.0.1:{port} - connect ECONNREFUSED 127.0.0.1:{port}$"):
        await check(ado(port))


async def test_silent_server_is_a_connect_timeout():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        with pytest.raises(CheckFailed, match=FAILED + f"Failed to connect to 127.0.0.1:{port} in 500ms$"):
            await check(ado(port), timeout=0.5)


async def test_encrypt_true_never_downgrades_to_clear_text(tds):
    with pytest.raises(CheckFailed, match=FAILED + "You requested encryption but it is not supported by server$"):
        await check(ado(tds.port, encrypt="true"))


def test_connection_string_forms():
    target = parse_connection_string("Data Source=tcp:db.example,1444;Initial Catalog=app;UID=me;PWD=p;")
    assert (target.host, target.port, target.database, target.user, target.password, target.encrypt) == (
        "db.example", 1444, "app", "me", "p", True)
    assert parse_connection_string("Server=h\\SQLEXPRESS;Encrypt=no").instance == "SQLEXPRESS"
    assert parse_connection_string("Server=h;Encrypt=no").encrypt is False
