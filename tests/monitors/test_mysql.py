"""mysql checks against a real MariaDB started on 127.0.0.1 for this module."""
from __future__ import annotations

import json

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.db_servers import PASSWORD, mariadb_server
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port

FAILED = "^Database connection/query failed: "


@pytest.fixture(scope="module")
def db():
    with mariadb_server() as server:
        yield server


def url(port: int, password: str = PASSWORD) -> str:
    return f"mysql://kuma:{password}@127.0.0.1:{port}/kuma"


def equals(value: str) -> str:
    return json.dumps([{"type": "expression", "variable": "result", "operator": "equals", "value": value,
                        "andOr": "and"}])


async def check(connection: str, query: str | None = None, timeout: float = 5, **row):
    row = monitor_row(type="mysql", database_connection_string=connection, database_query=query, timeout=timeout,
                      **row)
    return await get_monitor_type("mysql").check(row, CheckContext())


async def test_up_counts_rows(db):
    assert (await check(url(db.port))).msg == "Rows: 1"
    result = await check(url(db.port), "SELECT * FROM t")
    assert (result.status, result.msg) == (1, "Rows: 3")
    assert isinstance(result.ping, int)


async def test_statement_without_rows(db):
    result = await check(url(db.port), "UPDATE t SET n = n")
    assert result.msg == "No Error, but the result is not an array. Type: object"


async def test_form_password_overrides_the_url(db):
    assert (await check(url(db.port, "not-this-one"), radius_password=PASSWORD)).status == 1


async def test_wrong_password_is_the_servers_message(db):
    with pytest.raises(CheckFailed, match=FAILED + r"Access denied for user 'kuma'@'127\.0\.0\.1' \(using password: YES\)$"):
        await check(url(db.port, "wrong"))


async def test_query_error_is_down(db):
    with pytest.raises(CheckFailed, match=FAILED + "You have an error in your SQL syntax"):
        await check(url(db.port), "SELEC 1")


async def test_slow_query_is_cut_by_the_timeout(db):
    with pytest.raises(CheckFailed, match=FAILED + "timeout of 500ms exceeded$"):
        await check(url(db.port), "SELECT SLEEP(5)", timeout=0.5)


async def test_server_not_listening_is_econnrefused():
    port = closed_port()
    with pytest.raises(CheckFailed, match=FAILED + f"connect ECONNREFUSED 127.0.0.1:{port}$"):
        await check(url(port))


async def test_conditions_on_a_single_value(db):
    result = await check(url(db.port), "SELECT COUNT(*) FROM t", conditions=equals("3"))
    assert result.msg == "Query did meet specified conditions"
    with pytest.raises(CheckFailed, match=r"^Query result did not meet the specified conditions \(3\)$"):
        await check(url(db.port), "SELECT COUNT(*) FROM t", conditions=equals("4"))
    with pytest.raises(CheckFailed, match=FAILED + "Multiple values were found, expected only one value$"):
        await check(url(db.port), "SELECT n FROM t", conditions=equals("1"))
    with pytest.raises(CheckFailed, match=FAILED + "Multiple columns were found, expected only one value$"):
        await check(url(db.port), "SELECT 1, 2", conditions=equals("1"))
    with pytest.raises(CheckFailed, match=FAILED + "Query returned no results$"):
        await check(url(db.port), "SELECT n FROM t WHERE n > 9", conditions=equals("1"))
