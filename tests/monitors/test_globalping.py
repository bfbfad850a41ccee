"""globalping checks against a local HTTP stand-in for the Globalping API (measurements created, polled)."""
from __future__ import annotations

import json
import re

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import Reply, http_target

PROBE = {"continent": "EU", "region": "Western Europe", "country": "DE", "state": None, "city": "Frankfurt",
         "asn": 16276, "network": "OVH SAS", "tags": ["datacenter-network", "ovh-eu-west-1"], "resolvers": []}
WHERE = "Frankfurt, DE, EU, OVH SAS (AS16276), (ovh-eu-west-1)"
W = re.escape(WHERE)


class FakeApi:
    """POST /v1/measurements → 202 {id}; GET /v1/measurements/<id>: in-progress once, then `result`."""

    def __init__(self, result, create_status=202, error=None):
        self.result, self.create_status, self.error = result, create_status, error
        self.bodies, self.polls = [], 0

    def create(self, req):
        self.bodies.append(json.loads(req.body))
        if self.create_status != 202:
            return Reply(self.create_status, json.dumps({"error": self.error}), {"Content-Type": "application/json"})
        return Reply(202, json.dumps({"id": "m-1", "probesCount": 1}), {"Content-Type": "application/json"})

    def fetch(self, req):
        self.polls += 1
        status = "in-progress" if self.polls == 1 else "finished"
        body = {"id": "m-1", "type": self.bodies[-1]["type"], "status": status,
                "results": [{"probe": PROBE, "result": self.result}]}
        return Reply(200, json.dumps(body), {"Content-Type": "application/json"})

    def routes(self):
        return {"/v1/measurements": self.create, "/v1/measurements/": self.fetch}


async def check(api, token=None, **row):
    fields = dict(type="globalping", location="Germany", timeout=10, ping_count=3, protocol="ICMP",
                  hostname="example.com")
    fields.update(row)
    with http_target(api.routes()) as web:
        ctx = CheckContext(settings=lambda k: token if k == "globalpingApiToken" else None,
                           globalping_api_url=web.url + "/v1")
        try:
            return await get_monitor_type("globalping").check(monitor_row(**fields), ctx)
        finally:
            api.requests = web.requests


PING_OK = {"status": "finished", "rawOutput": "PING example.com ...", "timings": [{"ttl": 55, "rtt": 10.2}],
           "stats": {"min": 10.2, "avg": 10.5, "max": 10.9, "total": 3, "rcv": 3, "drop": 0, "loss": 0}}


async def test_ping_measurement_up():
    api = FakeApi(PING_OK)
    result = await check(api, subtype="ping", token="tok-1", ip_family="ipv4")
    assert (result.status, result.msg, result.ping) == (1, f"{WHERE} : OK", 10.5)
    assert api.bodies[0] == {"type": "ping", "target": "example.com", "inProgressUpdates": False, "limit": 1,
                             "locations": [{"magic": "Germany"}],
                             "measurementOptions": {"packets": 3, "protocol": "ICMP", "ipVersion": 4}}
    assert api.requests[0].headers["authorization"] == "Bearer tok-1"
    assert api.polls == 2


async def test_ping_failed_result_is_down():
    api = FakeApi({"status": "failed", "rawOutput": "ping: unknown host", "timings": [], "stats": {}})
    with pytest.raises(CheckFailed, match=f"^{W} : Failed: ping: unknown host$"):
        await check(api, subtype="ping")


HTTP_OK = {"status": "finished", "rawOutput": "HTTP/1.1 200\n\n{\"ok\": true, \"n\": 5}", "statusCode": 200,
           "statusCodeName": "OK", "timings": {"total": 120}, "tls": None}


async def test_http_measurement_keyword_json_and_status():
    api = FakeApi(HTTP_OK)
    result = await check(api, subtype="http", url="https://example.com/health?x=1", method="GET", protocol="HTTPS",
                         dns_resolve_server=None)
    assert (result.msg, result.ping) == (f"{WHERE} : OK", 120)
    request = api.bodies[0]["measurementOptions"]
    assert request == {"request": {"host": "example.com", "path": "/health", "query": "x=1", "method": "GET",
                                   "headers": {}}, "protocol": "HTTPS"}
    found = await check(FakeApi(HTTP_OK), subtype="http", url="https://example.com/", keyword='"ok"')
    assert found.msg == f"{WHERE} : 200 - OK, keyword is found"
    with pytest.raises(CheckFailed, match=rf"^{W} : 200 - OK, but keyword is not in \["):
        await check(FakeApi(HTTP_OK), subtype="http", url="https://example.com/", keyword="missing")
    with pytest.raises(CheckFailed, match=rf"^{W} : Status code 503 not accepted"):
        await check(FakeApi({**HTTP_OK, "statusCode": 503}), subtype="http", url="https://example.com/")


async def test_dns_measurement_records_and_keyword():
    answer = {"status": "finished", "rawOutput": ";; ANSWER", "statusCodeName": "NOERROR", "timings": {"total": 7},
              "answers": [{"name": "example.com.", "type": "A", "ttl": 60, "class": "IN", "value": "93.184.215.14"}]}
    result = await check(FakeApi(answer), subtype="dns", dns_resolve_type="A", port=53, protocol="UDP",
                         dns_last_result=None)
    assert (result.msg, result.monitor_updates) == (f"{WHERE} : 93.184.215.14", {"dns_last_result": "93.184.215.14"})
    with pytest.raises(CheckFailed, match=rf"^{W} : No record matched\. 93\.184\.215\.14$"):
        await check(FakeApi(answer), subtype="dns", dns_resolve_type="A", keyword="^10\\.")


async def test_api_errors():
    error = {"type": "validation_error", "message": "Parameters validation failed", "params": {"target": "bad"}}
    with pytest.raises(CheckFailed, match="^Failed to create measurement: validation_error Parameters "
                                          "validation failed\\.\ntarget: bad$"):
        await check(FakeApi(PING_OK, 400, error), subtype="ping")
    with pytest.raises(CheckFailed, match="^Failed to create measurement: You have run out of credits. "
                                          "Get higher limits by creating an account"):
        await check(FakeApi(PING_OK, 429, {"type": "rate_limit_exceeded", "message": "x"}), subtype="ping")
    api = FakeApi(PING_OK, 500, {"type": "api_error", "message": "Internal Server Error"})
    with pytest.raises(CheckFailed, match="^Failed to create measurement: api_error Internal Server Error\\.$"):
        await check(api, subtype="ping")
    assert len(api.bodies) == 2  # a 500 is retried once


async def test_slow_api_times_out():
    with http_target({"/v1/measurements": Reply(202, "{}", delay=2)}) as web:
        ctx = CheckContext(globalping_api_url=web.url + "/v1")
        with pytest.raises(CheckFailed, match="^Globalping measurement timed out after 0.5 s$"):
            await get_monitor_type("globalping").check(
                monitor_row(type="globalping", subtype="ping", hostname="x", timeout=0.5), ctx)
