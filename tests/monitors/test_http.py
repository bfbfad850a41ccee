"""http / keyword / json-query checks against a real local HTTP(S) server."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
import trio

from kuma.monitors._http_tls import client_tls_context
from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import Reply, closed_port, http_target, make_cert, silent_listener, tcp_listener


async def run(**row):
    row.setdefault("type", "http")
    ctx = row.pop("ctx", None) or CheckContext()
    return await get_monitor_type(row["type"]).check(monitor_row(**row), ctx)


async def fails(**row) -> str:
    with pytest.raises(CheckFailed) as info:
        await run(**row)
    return str(info.value)


# ---------------------------------------------------------------- http

async def test_http_up_message_and_ping():
    with http_target() as web:
        result = await run(url=web.url + "/")
    assert result.status == 1
    assert result.msg == "200 - OK"
    assert isinstance(result.ping, int) and result.ping >= 0
    assert result.tls_info is None
    request = web.requests[0]
    assert request.method == "GET"
    assert request.headers["user-agent"] == "Uptime-Kuma/2.5.3"
    assert request.headers["accept"].startswith("text/html,application/xhtml+xml")


async def test_http_reason_phrase_comes_from_the_server():
    with http_target({"/": Reply(201, "x", reason="Made It")}) as web:
        assert (await run(url=web.url + "/")).msg == "201 - Made It"


async def test_http_status_not_accepted_is_down_with_axios_message():
    with http_target() as web:
        assert await fails(url=web.url + "/down") == "Request failed with status code 503"
        # a 503 passes when the ranges accept it; exact codes work too
        assert (await run(url=web.url + "/down", accepted_statuscodes_json='["500-599"]')).msg.startswith("503 - ")
        assert (await run(url=web.url + "/down", accepted_statuscodes_json='["200", "503"]')).status == 1
        assert await fails(url=web.url + "/", accepted_statuscodes_json='["201"]') == (
            "Request failed with status code 200")
        assert await fails(url=web.url + "/", accepted_statuscodes_json="[]") == "Request failed with status code 200"


async def test_http_connection_refused_message_matches_fixture_wording():
    port = closed_port()
    assert await fails(url=f"http://127.0.0.1:{port}/unreachable") == f"connect ECONNREFUSED 127.0.0.1:{port}"


async def test_http_unknown_host():
    assert await fails(url="http://no-such-host.invalid/") == "getaddrinfo ENOTFOUND no-such-host.invalid"


async def test_http_hung_server_is_cut_by_the_timeout():
    with silent_listener() as port:
        start = trio.current_time()
        message = await fails(url=f"http://127.0.0.1:{port}/", timeout=0.5)
        took = trio.current_time() - start
    assert message == "timeout of 500ms exceeded"
    assert took < 5


async def test_http_timeout_zero_uses_interval_fraction():
    with http_target() as web:
        message = await fails(url=web.url + "/slow", timeout=0, interval=1)
    assert message == "timeout of 800ms exceeded"


async def test_http_connection_closed_without_answer():
    with tcp_listener(drain=True) as port:
        assert await fails(url=f"http://127.0.0.1:{port}/") == "socket hang up"



async def test_http_method_json_body_and_user_headers():
    with http_target() as web:
        await run(url=web.url + "/echo", method="post", body='{"a": 1,  "b": [true]}',
                  headers='{"X-Extra": "yes", "User-Agent": "custom"}')
        request = web.requests[-1]
        assert request.method == "POST"
        assert request.body == b'{"a":1,"b":[true]}'
        assert request.headers["content-type"] == "application/json"
        assert request.headers["x-extra"] == "yes"
        assert request.headers["user-agent"] == "custom"  # user headers override ours

        await run(url=web.url + "/echo", method="PUT", body="a=1&b=2", http_body_encoding="form")
        assert web.requests[-1].body == b"a=1&b=2"
        assert web.requests[-1].headers["content-type"] == "application/x-www-form-urlencoded"

        await run(url=web.url + "/echo", method="POST", body="<a>1</a>", http_body_encoding="xml")
        assert web.requests[-1].headers["content-type"] == "text/xml; charset=utf-8"

        count = len(web.requests)
        message = await fails(url=web.url + "/echo", method="POST", body="{not json")
        assert message.startswith("Your JSON body is invalid. ")
        assert len(web.requests) == count  # nothing was sent


async def test_http_headers_from_the_fixture_monitor():
    with http_target() as web:
        assert await fails(url=web.url + "/headers") == "Request failed with status code 403"
        assert (await run(url=web.url + "/headers", headers='{"X-Api-Key": "k-123"}')).msg == "200 - OK"


async def test_http_basic_and_bearer_auth():
    with http_target() as web:
        assert (await run(url=web.url + "/auth", auth_method="basic", basic_auth_user="monuser",
                          basic_auth_pass="monpass")).msg == "200 - OK"
        assert web.requests[-1].headers["authorization"] == "Basic " + base64.b64encode(b"monuser:monpass").decode()
        assert await fails(url=web.url + "/auth", auth_method="basic", basic_auth_user="monuser",
                           basic_auth_pass="wrong") == "Request failed with status code 401"
        assert (await run(url=web.url + "/bearer", auth_method="bearer", bearer_token="tok-1")).status == 1
        assert await fails(url=web.url + "/bearer", auth_method="bearer",
                           bearer_token="bad") == "Request failed with status code 401"


async def test_http_oauth2_client_credentials():
    def token(req):
        expected = "Basic " + base64.b64encode(b"cid:csecret").decode()
        if req.headers.get("authorization") != expected or b"grant_type=client_credentials" not in req.body:
            return Reply(401, "{}")
        return Reply(200, json.dumps({"access_token": "tok-1", "expires_in": 60}),
                     {"Content-Type": "application/json"})

    with http_target() as web:
        web.routes["/token"] = token
        result = await run(url=web.url + "/bearer", auth_method="oauth2-cc", oauth_token_url=web.url + "/token",
                           oauth_client_id="cid", oauth_client_secret="csecret", oauth_scopes="read")
        assert result.msg == "200 - OK"
        assert b"scope=read" in web.requests[-2].body
        message = await fails(url=web.url + "/bearer", auth_method="oauth2-cc", oauth_token_url=web.url + "/token",
                              oauth_client_id="cid", oauth_client_secret="nope")
        assert "status code 401" in message


async def test_http_redirects_followed_limited_or_not_followed():
    with http_target() as web:
        assert (await run(url=web.url + "/redirect/3")).msg == "200 - OK"
        assert await fails(url=web.url + "/redirect/3", maxredirects=2) == "Maximum number of redirects exceeded"
        assert await fails(url=web.url + "/redirect/1", maxredirects=0) == "Request failed with status code 302"
        assert (await run(url=web.url + "/redirect/1", maxredirects=0,
                          accepted_statuscodes_json='["300-399"]')).msg == "302 - Found"


async def test_http_cache_buster_adds_a_random_query_parameter():
    with http_target() as web:
        await run(url=web.url + "/?x=1", cache_bust=1)
        await run(url=web.url + "/?x=1", cache_bust=1)
        await run(url=web.url + "/", cache_bust=0)
    first, second, third = (r.path for r in web.requests)
    assert re.fullmatch(r"/\?x=1&uptime_kuma_cachebuster=\w+", first)
    assert first != second
    assert third == "/"


async def test_http_through_a_proxy():
    """The proxy is a local HTTP server that sees the absolute URL (plain HTTP proxying)."""
    def proxy_route(req):
        return Reply(200, "via proxy " + req.path)

    with http_target({"/": Reply(200, "direct")}) as origin, http_target({"http://": proxy_route}) as proxy:
        proxy.route_for = lambda path: proxy_route  # every request path is an absolute URL here
        row = {"host": "127.0.0.1", "port": proxy.port, "protocol": "http", "auth": 1, "username": "u",
               "password": "p", "active": 1}
        result = await run(url=origin.url + "/", ctx=CheckContext(proxy=row))
        assert result.msg == "200 - OK"
        seen = proxy.requests[-1]
        assert seen.path == origin.url + "/"
        assert seen.headers["proxy-authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
        assert origin.requests == []
        # an inactive proxy is not used
        await run(url=origin.url + "/", ctx=CheckContext(proxy={**row, "active": 0}))
        assert len(origin.requests) == 1


# ---------------------------------------------------------------- TLS

async def test_https_self_signed_fails_unless_ignore_tls(tmp_path):
    cert = make_cert(directory=tmp_path)
    with http_target(tls=cert) as web:
        assert await fails(url=web.url + "/") == "self-signed certificate"
        result = await run(url=web.url + "/", ignore_tls=1)
    assert result.msg == "200 - OK"
    info = result.tls_info
    assert info["valid"] is False
    assert info["hostnameMatchMonitorUrl"] is True
    leaf = info["certInfo"]
    assert leaf["certType"] == "self-signed"
    assert leaf["issuerCertificate"] is None
    assert leaf["subject"] == {"C": "US", "O": "Kuma Tests", "CN": "localhost"}
    assert leaf["subjectaltname"] == "DNS:localhost, IP Address:127.0.0.1"
    assert leaf["validFor"] == ["localhost", "127.0.0.1"]
    assert leaf["daysRemaining"] == 90
    assert re.fullmatch(r"([0-9A-F]{2}:){19}[0-9A-F]{2}", leaf["fingerprint"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", leaf["validTo"])
    json.dumps(info)  # must be storable as info_json


async def test_https_chain_with_trusted_ca_is_valid_and_walks_the_chain(tmp_path):
    cert = make_cert(self_signed=False, days=10, directory=tmp_path)
    with http_target(tls=cert) as web:
        # the root is trusted through the row's CA (mTLS settings), like Uptime Kuma's tls_ca
        result = await run(url=web.url + "/", auth_method="mtls", tls_ca=Path(cert.ca_path).read_text())
        assert await fails(url=web.url + "/") == "unable to get local issuer certificate"
    info = result.tls_info
    assert info["valid"] is True
    leaf = info["certInfo"]
    assert (leaf["certType"], leaf["daysRemaining"]) == ("server", 10)
    mid = leaf["issuerCertificate"]
    assert (mid["certType"], mid["subject"]["CN"]) == ("intermediate CA", "Kuma Test Intermediate")
    root = mid["issuerCertificate"]
    assert (root["certType"], root["subject"]["CN"], root["issuerCertificate"]) == ("root CA", "Kuma Test Root CA", None)


async def test_https_ignore_tls_still_reports_whether_the_chain_is_trusted(tmp_path, monkeypatch):
    cert = make_cert(("other.example",), self_signed=False, directory=tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", cert.ca_path)  # trust the test root like a system CA
    try:
        with http_target(tls=cert) as web:
            result = await run(url=web.url + "/", ignore_tls=1)
        # the chain verifies (valid, as Node's `authorized`) though the name does not match the URL
        assert result.tls_info["valid"] is True
        assert result.tls_info["hostnameMatchMonitorUrl"] is False
    finally:
        monkeypatch.delenv("SSL_CERT_FILE")
        client_tls_context.cache_clear()


async def test_https_expired_and_wrong_host(tmp_path):
    expired = make_cert(expired=True, directory=tmp_path / "a")
    with http_target(tls=expired) as web:
        result = await run(url=web.url + "/", ignore_tls=1)
    assert result.tls_info["certInfo"]["daysRemaining"] == 0
    other = make_cert(("other.example",), common_name="other.example", self_signed=False, directory=tmp_path / "b")
    with http_target(tls=other) as web:
        message = await fails(url=web.url + "/", auth_method="mtls", tls_ca=Path(other.ca_path).read_text())
        assert message.startswith("Hostname/IP does not match certificate's altnames")
        result = await run(url=web.url + "/", ignore_tls=1)
        assert result.tls_info["hostnameMatchMonitorUrl"] is False


# ---------------------------------------------------------------- keyword

async def test_keyword_found_and_missing():
    with http_target() as web:
        result = await run(type="keyword", url=web.url + "/", keyword="healthy")
        assert (result.status, result.msg) == (1, "200 - OK, keyword is found")
        message = await fails(type="keyword", url=web.url + "/", keyword="Healthy")  # case-sensitive
        assert message == "200 - OK, but keyword is not in [Fixture Service is healthy All systems nominal.]"
        long_body = "<p>" + "word " * 30 + "</p>"
        web.routes["/long"] = Reply(200, long_body)
        message = await fails(type="keyword", url=web.url + "/long", keyword="absent")
        snippet = message.split("[", 1)[1][:-1]
        assert len(snippet) == 50 and snippet.endswith("...") and snippet.startswith("word word")
        assert await fails(type="keyword", url=web.url + "/down", keyword="x") == "Request failed with status code 503"


async def test_keyword_inverted():
    with http_target() as web:
        result = await run(type="keyword", url=web.url + "/", keyword="broken", invert_keyword=1)
        assert result.msg == "200 - OK, keyword not found"
        message = await fails(type="keyword", url=web.url + "/", keyword="healthy", invert_keyword=1)
        assert message.startswith("200 - OK, but keyword is present in [Fixture")


async def test_keyword_searches_compact_json():
    with http_target() as web:
        web.routes["/spaced"] = Reply(200, '{"status":   "ok"}', {"Content-Type": "application/json"})
        assert (await run(type="keyword", url=web.url + "/spaced", keyword='"status":"ok"')).status == 1


# ---------------------------------------------------------------- json-query

async def test_json_query_passes_like_the_fixture():
    with http_target() as web:
        result = await run(type="json-query", url=web.url + "/json", json_path="status", expected_value="ok")
        assert (result.status, result.msg) == (1, "JSON query passes (comparing ok == ok)")


@pytest.mark.parametrize("path, op, expected, passes, shown", [
    ("count", ">", "2", True, "3 > 2"),
    ("count", "<=", "2", False, "3 <= 2"),
    ("count", ">=", "3", True, "3 >= 3"),
    ("count", "<", "10", True, "3 < 10"),  # numeric, not string, comparison
    ("ratio", "==", "0.5", True, "0.5 == 0.5"),
    ("flag", "==", "true", True, "true == true"),
    ("status", "!=", "ok", False, "ok != ok"),
    ("status", "contains", "o", True, "ok contains o"),
    ("$count(items)", "==", "2", True, "2 == 2"),
])
async def test_json_query_operators(path, op, expected, passes, shown):
    with http_target() as web:
        row = dict(type="json-query", url=web.url + "/json", json_path=path, json_path_operator=op,
                   expected_value=expected)
        if passes:
            assert (await run(**row)).msg == f"JSON query passes (comparing {shown})"
        else:
            assert await fails(**row) == f"JSON query does not pass (comparing {shown})"


async def test_json_query_errors():
    with http_target() as web:
        message = await fails(type="json-query", url=web.url + "/json", json_path="items", expected_value="1")
        assert message.startswith("Error evaluating JSON query: JSON query returned the array [1,2]")
        assert message.endswith('Response from server was: {"status": "ok", "count": 3, "items": [1, 2], '
                                '"ratio": 0.5, "flag": true}')
        message = await fails(type="json-query", url=web.url + "/json", json_path="missing", expected_value="1")
        assert message.startswith("Error evaluating JSON query: Empty or undefined response")
        message = await fails(type="json-query", url=web.url + "/json", json_path="status[", expected_value="1")
        assert message.startswith("Error evaluating JSON query: ")
        assert await fails(type="json-query", url=web.url + "/down", json_path="status",
                           expected_value="ok") == "Request failed with status code 503"


# ---------------------------------------------------------------- saved responses

def decode(stored):
    import brotli

    return brotli.decompress(base64.b64decode(stored)).decode()


async def test_error_response_saved_like_the_fixture():
    with http_target({"/": Reply(503, "service unavailable (simulated outage)")}) as web:
        with pytest.raises(CheckFailed) as info:
            await run(url=web.url + "/")
        # fixture kuma.db heartbeat 98: the 503 body, brotli + base64
        assert decode(info.value.response) == "service unavailable (simulated outage)"
        with pytest.raises(CheckFailed) as info:
            await run(url=web.url + "/", save_error_response=0)
        assert info.value.response is None
    port = closed_port()
    with pytest.raises(CheckFailed) as info:
        await run(url=f"http://127.0.0.1:{port}/")
    assert getattr(info.value, "response", None) is None  # connection errors store NULL


async def test_success_response_saved_only_with_both_flags_and_truncated():
    with http_target({"/": Reply(200, "x" * 50)}) as web:
        assert (await run(url=web.url + "/", save_response=1, save_error_response=1,
                          response_max_length=10)).response is not None
        result = await run(url=web.url + "/", save_response=1, save_error_response=1, response_max_length=10)
        assert decode(result.response) == "x" * 10 + "... (truncated)"
        assert (await run(url=web.url + "/", save_response=1, save_error_response=0)).response is None
        assert (await run(url=web.url + "/", save_response=0, save_error_response=1)).response is None


async def test_keyword_failure_keeps_body_and_tls_info(tmp_path):
    cert = make_cert(directory=tmp_path)
    with http_target(tls=cert) as web:
        with pytest.raises(CheckFailed) as info:
            await run(type="keyword", url=web.url + "/json", keyword="absent", ignore_tls=1)
    assert decode(info.value.response) == '{"status":"ok","count":3,"items":[1,2],"ratio":0.5,"flag":true}'
    assert info.value.tls_info["certInfo"]["subject"]["CN"] == "localhost"


async def test_plain_http_checks_share_a_keep_alive_connection_basic_auth_too():
    import threading

    seen: list[int | None] = []

    def record(req):
        seen.append(threading.current_thread().ident)  # the target serves each connection on its own thread
        return Reply(200, "ok")

    with http_target({"/a": record, "/b": record}) as web:
        for path in ("/a", "/b", "/a"):
            assert (await run(url=web.url + path)).msg == "200 - OK"
        assert (await run(url=web.url + "/b", auth_method="basic", basic_auth_user="u", basic_auth_pass="p")).status == 1
    assert len(seen) == 4 and len(set(seen)) == 1  # one connection for every check of this run
    assert web.requests[-1].headers["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
