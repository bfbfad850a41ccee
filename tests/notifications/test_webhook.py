"""webhook provider against a local recorder, compared with what Uptime Kuma 2.5.3 really sent."""
from __future__ import annotations

import json

import pytest

from kuma.notifications.base import NotificationError, send_notification
from tests.helpers.paths import FIXTURES

RECEIVED = [json.loads(line) for line in (FIXTURES / "webhook-received.jsonl").read_text().splitlines() if line]


def _config(url: str, **extra) -> dict:
    return {"name": "CRUD Webhook", "type": "webhook", "isDefault": False, "applyExisting": False,
            "webhookURL": url, "webhookContentType": "json", "active": True, **extra}


async def test_test_button_payload_matches_fixture(recorder):
    expected = next(r for r in RECEIVED if '"heartbeat":null' in r["body"])
    result = await send_notification(_config(recorder.url + "/webhook"), "CRUD Webhook Testing")
    assert result == "Sent Successfully."
    (req,) = recorder.requests
    assert req.method == "POST" and req.path == "/webhook"
    assert req.body.decode() == expected["body"]
    for name in ("Accept", "User-Agent", "Content-Type", "Content-Length"):
        assert req.header(name) == expected["headers"][name], name
    assert req.header("Accept-Encoding") is None


@pytest.mark.parametrize("index", [0, 3, 9])
async def test_event_payload_bytes_match_fixture(recorder, index):
    expected = RECEIVED[index]
    sent = json.loads(expected["body"])
    await send_notification(_config(recorder.url + "/webhook"), sent["msg"], sent["monitor"], sent["heartbeat"])
    (req,) = recorder.requests
    assert req.body.decode() == expected["body"]  # key order heartbeat, monitor, msg; compact; raw UTF-8
    assert list(json.loads(req.body)) == ["heartbeat", "monitor", "msg"]
    assert req.header("Content-Length") == expected["headers"]["Content-Length"]
    assert req.header("User-Agent") == "Uptime-Kuma/2.5.3"


async def test_form_data_sends_one_data_field(recorder):
    await send_notification(_config(recorder.url + "/hook", webhookContentType="form-data"), "hello")
    (req,) = recorder.requests
    assert req.header("Content-Type").startswith("multipart/form-data; boundary=")
    boundary = req.header("Content-Type").split("boundary=")[1]
    parts = req.body.decode().split("--" + boundary)
    fields = [p for p in parts if "Content-Disposition" in p]
    assert len(fields) == 1 and 'name="data"' in fields[0]
    assert fields[0].split("\r\n\r\n", 1)[1].rstrip("\r\n") == '{"heartbeat":null,"monitor":null,"msg":"hello"}'


async def test_custom_body_template_and_additional_headers(recorder):
    config = _config(recorder.url + "/custom", webhookContentType="custom",
                     webhookCustomBody='{"text": "{{ msg }} on {{ monitorJSON.name }} is {{ STATUS }}"}',
                     webhookAdditionalHeaders='{"X-Token": "abc", "Authorization": "Bearer t"}')
    await send_notification(config, "[Web] [🔴 Down] boom", {"name": "Web", "type": "http", "url": "http://x"},
                            {"status": 0, "msg": "boom"})
    (req,) = recorder.requests
    assert req.method == "POST"
    assert json.loads(req.body) == {"text": "[Web] [🔴 Down] boom on Web is 🔴 Down"}
    assert req.header("X-Token") == "abc" and req.header("Authorization") == "Bearer t"
    assert req.header("Content-Type") == "application/json"


async def test_get_method_sends_query_parameters(recorder):
    await send_notification(_config(recorder.url + "/get", httpMethod="get"), "hi", {"id": 1}, {"status": 1})
    (req,) = recorder.requests
    assert req.method == "GET" and req.body == b""
    assert req.query == {"msg": ["hi"], "heartbeat": ['{"status":1}'], "monitor": ['{"id":1}']}


async def test_invalid_additional_headers():
    with pytest.raises(NotificationError, match="^Additional Headers is not a valid JSON$"):
        await send_notification(_config("http://127.0.0.1:9/x", webhookAdditionalHeaders="{nope"), "x")


async def test_http_error_message_format(recorder):
    recorder.reply = (500, '{"error":"broken"}', "application/json")
    with pytest.raises(NotificationError) as info:
        await send_notification(_config(recorder.url + "/hook"), "x")
    assert str(info.value) == ('Request failed with status code 500 (code=ERR_BAD_RESPONSE) '
                               '(HTTP 500 Internal Server Error) {"error":"broken"}')


async def test_unknown_type_is_not_supported():
    with pytest.raises(NotificationError, match="^Notification type is not supported$"):
        await send_notification({"type": "carrier-pigeon"}, "x")
