"""rabbitmq checks against a real RabbitMQ (management plugin) started on 127.0.0.1 for this module."""
from __future__ import annotations

import json
import socket

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.rabbitmq import health_url
from tests.helpers.db_servers import rabbitmq_server
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port


@pytest.fixture(scope="module")
def rabbit():
    with rabbitmq_server() as server:
        yield server


async def check(nodes, username="guest", password="guest", timeout=5):
    row = monitor_row(type="rabbitmq", rabbitmq_nodes=json.dumps(nodes), rabbitmq_username=username,
                      rabbitmq_password=password, timeout=timeout)
    return await get_monitor_type("rabbitmq").check(row, CheckContext())


async def test_one_healthy_node_is_up(rabbit):
    result = await check([f"http://127.0.0.1:{rabbit.port}"])
    assert (result.status, result.msg) == (1, "Node is reachable and there are no alerts in the cluster")


async def test_a_down_node_in_a_list_of_two(rabbit):
    dead = closed_port()
    result = await check([f"http://127.0.0.1:{dead}", f"http://127.0.0.1:{rabbit.port}/"])
    assert result.msg == "One of the 2 nodes is reachable and there are no alerts in the cluster"


async def test_all_nodes_failing_lists_each_reason(rabbit):
    dead = closed_port()
    with pytest.raises(CheckFailed) as failed:
        await check([f"http://127.0.0.1:{dead}", f"http://127.0.0.1:{rabbit.port}"], password="wrong")
    assert str(failed.value) == (f"All 2 nodes failed because Node 1: connect ECONNREFUSED 127.0.0.1:{dead}; "
                                 "Node 2: Request failed with status code 401")


async def test_silent_node_times_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        with pytest.raises(CheckFailed, match="^All 1 nodes failed because Node 1: timeout of 500ms exceeded$"):
            await check([f"http://127.0.0.1:{listener.getsockname()[1]}"], timeout=0.5)


async def test_node_list_errors():
    with pytest.raises(CheckFailed, match="^No RabbitMQ nodes configured$"):
        await check([])
    row = monitor_row(type="rabbitmq", rabbitmq_nodes="not json")
    with pytest.raises(CheckFailed, match="^Invalid RabbitMQ Nodes$"):
        await get_monitor_type("rabbitmq").check(row, CheckContext())


def test_health_url_keeps_a_path():
    assert health_url("https://mq.example/rabbit") == "https://mq.example/rabbit/api/health/checks/alarms/"
    assert health_url("http://h:15672/") == "http://h:15672/api/health/checks/alarms/"


async def test_alarm_503_gives_its_reason():
    """RabbitMQ's answer while an alarm is in effect (503 with a reason), served by a local HTTP target."""
    from tests.helpers.targets import Reply, http_target

    alarm = json.dumps({"status": "failed", "reason": "There are alarms in effect in the cluster",
                        "alarms": [{"node": "rabbit@h", "resource": "memory"}]})
    with http_target({"/mq/api/health/checks/alarms/": Reply(503, alarm, {"Content-Type": "application/json"})}) as node:
        with pytest.raises(CheckFailed, match="^All 1 nodes failed because Node 1: There are alarms in effect in the cluster$"):
            await check([f"{node.url}/mq"])
        assert node.requests[0].headers["authorization"] == "Basic Z3Vlc3Q6Z3Vlc3Q="
