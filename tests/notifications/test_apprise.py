"""The apprise type and keys bridged through apprise, really sent to a local recorder."""
from __future__ import annotations

import pytest

from kuma.notifications.base import NotificationError, get_provider_class, send_notification


async def test_apprise_type_sends_through_the_library(recorder):
    host = recorder.url.removeprefix("http://")
    result = await send_notification({"type": "apprise", "appriseURL": f"json://{host}/hook", "title": "Kuma"},
                                     "Apprise Testing")
    assert result == "Sent Successfully."
    (req,) = recorder.requests
    assert (req.method, req.path) == ("POST", "/hook")
    body = req.json()
    assert body["title"] == "Kuma" and body["message"] == "Apprise Testing"


async def test_apprise_failure_is_an_error(recorder):
    recorder.reply = (500, "no", "text/plain")
    host = recorder.url.removeprefix("http://")
    with pytest.raises(NotificationError, match="Apprise failed"):
        await send_notification({"type": "apprise", "appriseURL": f"json://{host}/hook"}, "x")
    with pytest.raises(NotificationError, match="not valid"):
        await send_notification({"type": "apprise", "appriseURL": "nosuchservice://abc"}, "x")


async def test_bridged_gorush_reaches_the_server(recorder):
    config = {"type": "gorush", "gorushServerURL": recorder.url, "gorushDeviceToken": "dev1", "gorushPlatform": "ios"}
    assert await send_notification(config, "[Web] [🔴 Down] boom") == "Sent Successfully."
    (req,) = recorder.requests
    assert (req.method, req.path) == ("POST", "/api/push")
    (notification,) = req.json()["notifications"]
    assert notification["tokens"] == ["dev1"] and notification["message"] == "[Web] [🔴 Down] boom"
    assert get_provider_class("gorush").bridged is True


async def test_bridged_onebot_group_message(recorder):
    host = recorder.url.removeprefix("http://")
    config = {"type": "OneBot", "httpAddr": f"http://{host}", "accessToken": "tok", "msgType": "group",
              "recieverId": "123456"}
    await send_notification(config, "hello")
    (req,) = recorder.requests
    assert req.method == "POST" and req.path.endswith("send_group_msg")
    assert req.header("Authorization") == "Bearer tok"
    assert req.json()["group_id"] == 123456 and "hello" in str(req.json()["message"])


async def test_key_without_mapping_answers_not_supported_yet():
    with pytest.raises(NotificationError, match="^Notification type Webpush is not supported yet$"):
        await send_notification({"type": "Webpush", "subscription": {}}, "x")
