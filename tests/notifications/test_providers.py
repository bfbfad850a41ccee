"""Every native HTTP provider against a local recorder: method, path, headers and the exact body."""
from __future__ import annotations

import json
import re

import pytest

from kuma.notifications.base import NotificationError, get_provider, send_notification
from tests.helpers.paths import FIXTURES

_RECEIVED = [json.loads(json.loads(line)["body"])
             for line in (FIXTURES / "webhook-received.jsonl").read_text().splitlines() if line]
DOWN = _RECEIVED[9]   # [Local Web] [🔴 Down] Request failed with status code 503
UP = _RECEIVED[17]    # [Local Web] [✅ Up] 200 - OK
assert DOWN["heartbeat"]["status"] == 0 and UP["heartbeat"]["status"] == 1 and UP["monitor"]["id"] == 1


async def _send(key: str, config: dict, event: dict | None, api_url: str | None = None) -> str:
    provider = get_provider(key, api_url)
    if event is None:
        return await provider.send({"type": key, **config}, f"{config.get('name', 'N')} Testing", None, None)
    return await provider.send({"type": key, **config}, event["msg"], event["monitor"], event["heartbeat"])


def _one(recorder):
    assert len(recorder.requests) == 1, recorder.requests
    req = recorder.requests[0]
    assert req.header("User-Agent") == "Uptime-Kuma/2.5.3"
    return req


async def test_telegram(recorder):
    config = {"telegramBotToken": "123:abc", "telegramChatID": "-100", "telegramServerUrl": recorder.url,
              "telegramSendSilently": True, "telegramMessageThreadID": "7"}
    assert await _send("telegram", config, DOWN) == "Sent Successfully."
    req = _one(recorder)
    assert (req.method, req.path) == ("POST", "/bot123:abc/sendMessage")
    assert req.header("Content-Type") == "application/json"
    assert req.body.decode() == json.dumps({
        "chat_id": "-100", "text": DOWN["msg"], "disable_notification": True, "protect_content": False,
        "link_preview_options": {"is_disabled": True}, "message_thread_id": "7"},
        separators=(",", ":"), ensure_ascii=False)


async def test_telegram_markdown_template_escapes_values(recorder):
    config = {"telegramBotToken": "t", "telegramChatID": 5, "telegramServerUrl": recorder.url,
              "telegramUseTemplate": True, "telegramTemplateParseMode": "MarkdownV2",
              "telegramTemplate": "*{{ name }}* {{ status }}: {{ heartbeatJSON.msg }}"}
    await _send("telegram", config, UP)
    body = _one(recorder).json()
    assert body["text"] == "*Local Web* ✅ Up: 200 \\- OK" and body["parse_mode"] == "MarkdownV2"


async def test_gotify(recorder):
    await _send("gotify", {"gotifyserverurl": recorder.url + "/", "gotifyapplicationToken": "tok"}, None)
    req = _one(recorder)
    assert (req.method, req.path, req.query) == ("POST", "/message", {"token": ["tok"]})
    assert req.body == b'{"message":"N Testing","priority":8,"title":"Uptime-Kuma"}'


async def test_signal(recorder):
    await _send("signal", {"signalURL": recorder.url + "/v2/send", "signalNumber": "+4911",
                           "signalRecipients": "+4912, +4913"}, DOWN)
    req = _one(recorder)
    assert (req.method, req.path) == ("POST", "/v2/send")
    assert req.json() == {"message": DOWN["msg"], "number": "+4911", "recipients": ["+4912", "+4913"]}


async def test_matrix(recorder):
    await _send("matrix", {"homeserverUrl": recorder.url, "internalRoomId": "!room:example.org",
                           "accessToken": "secret"}, DOWN)
    req = _one(recorder)
    assert req.method == "PUT"
    assert re.fullmatch(r"/_matrix/client/r0/rooms/%21room%3Aexample\.org/send/m\.room\.message/[\w-]+", req.path)
    assert req.header("Authorization") == "Bearer secret"
    assert req.body.decode() == json.dumps({"msgtype": "m.text", "body": DOWN["msg"]}, separators=(",", ":"),
                                           ensure_ascii=False)


async def test_pushbullet(recorder):
    await _send("pushbullet", {"pushbulletAccessToken": "o.abc"}, DOWN, api_url=recorder.url + "/v2/pushes")
    req = _one(recorder)
    assert (req.method, req.path, req.header("Access-Token")) == ("POST", "/v2/pushes", "o.abc")
    assert req.json() == {"type": "note", "title": "UptimeKuma Alert: Local Web",
                          "body": "[🔴 Down] Request failed with status code 503\nTime (UTC): 2026-11-26 10:10:13"}


async def test_home_assistant(recorder):
    await _send("HomeAssistant", {"homeAssistantUrl": recorder.url + "/", "longLivedAccessToken": "llat",
                                  "notificationService": "mobile_app_phone"}, UP)
    req = _one(recorder)
    assert (req.method, req.path) == ("POST", "/api/services/notify/mobile_app_phone")
    assert req.header("Authorization") == "Bearer llat"
    assert req.json() == {"title": "Uptime Kuma", "message": UP["msg"], "data": {
        "name": "Local Web", "status": "up", "channel": "Uptime Kuma",
        "icon_url": "https://github.com/louislam/uptime-kuma/blob/master/public/icon.png?raw=true"}}


async def test_home_assistant_persistent_notification_has_no_data(recorder):
    await _send("HomeAssistant", {"homeAssistantUrl": recorder.url, "longLivedAccessToken": "x",
                                  "notificationService": "persistent_notification"}, None)
    assert _one(recorder).json() == {"title": "Uptime Kuma", "message": "N Testing"}


async def test_pushover(recorder):
    config = {"pushoveruserkey": "u", "pushoverapptoken": "a", "pushoversounds": "siren", "pushoversounds_up": "bike",
              "pushoverpriority": "1", "pushovertitle": "Kuma", "pushoverdevice": "phone"}
    await _send("pushover", config, UP, api_url=recorder.url + "/1/messages.json")
    req = _one(recorder)
    assert (req.method, req.path) == ("POST", "/1/messages.json")
    assert req.json() == {"message": UP["msg"] + "\n<b>Time (UTC)</b>: 2026-11-26 10:11:33", "user": "u", "token": "a",
                          "sound": "bike", "priority": "1", "title": "Kuma", "retry": "30", "expire": "3600", "html": 1,
                          "url": "http://127.0.0.1:3025/", "url_title": "Link to Monitor", "device": "phone"}


async def test_pagerduty_trigger_and_resolve(recorder):
    config = {"pagerdutyIntegrationUrl": recorder.url + "/v2/enqueue", "pagerdutyIntegrationKey": "rk",
              "pagerdutyPriority": "critical", "pagerdutyAutoResolve": "resolve"}
    await _send("PagerDuty", config, DOWN)
    await _send("PagerDuty", config, UP)
    first, second = recorder.requests
    assert first.path == "/v2/enqueue"
    assert first.body.decode() == json.dumps({
        "payload": {"summary": f"[Uptime Kuma Alert] [Local Web] {DOWN['msg']}", "severity": "critical",
                    "source": "http://127.0.0.1:3025/"},
        "routing_key": "rk", "event_action": "trigger", "dedup_key": "Uptime Kuma/1"},
        separators=(",", ":"), ensure_ascii=False)
    assert second.json()["event_action"] == "resolve" and second.json()["dedup_key"] == "Uptime Kuma/1"


async def test_pagerduty_up_without_auto_resolve_sends_nothing(recorder):
    result = await _send("PagerDuty", {"pagerdutyIntegrationUrl": recorder.url, "pagerdutyAutoResolve": "0"}, UP)
    assert result == "no action required" and recorder.requests == []


async def test_opsgenie_create_and_close(recorder):
    config = {"opsgenieApiKey": "key", "opsgeniePriority": 2}
    await _send("Opsgenie", config, DOWN, api_url=recorder.url + "/v2/alerts")
    await _send("Opsgenie", config, UP, api_url=recorder.url + "/v2/alerts")
    create, close = recorder.requests
    assert create.header("Authorization") == "GenieKey key" and create.path == "/v2/alerts"
    assert create.json() == {"message": "Local Web is down", "alias": "uptime-kuma-1", "description": DOWN["msg"],
                             "source": "Uptime Kuma", "priority": "P2", "details": {"url": "http://127.0.0.1:3025/"}}
    assert (close.path, close.query) == ("/v2/alerts/uptime-kuma-1/close", {"identifierType": ["alias"]})


async def test_ntfy_down_with_tags_action_and_token(recorder):
    config = {"ntfyserverurl": recorder.url, "ntfytopic": "alerts", "ntfyPriority": 3,
              "ntfyAuthenticationMethod": "accessToken", "ntfyaccesstoken": "tk_1", "ntfyCall": "yes"}
    await _send("ntfy", config, DOWN)
    req = _one(recorder)
    assert (req.method, req.path) == ("POST", "/")
    assert req.header("Authorization") == "Bearer tk_1" and req.header("X-Call") == "yes"
    assert req.json() == {"topic": "alerts", "title": "Local Web Down [Uptime-Kuma]", "message": DOWN["heartbeat"]["msg"],
                          "priority": 4, "tags": ["red_circle", "env: prod", "team: core", "critical"],
                          "actions": [{"action": "view", "label": "Open Local Web", "url": "http://127.0.0.1:3025/"}]}


async def test_ntfy_test_message_and_basic_auth(recorder):
    await _send("ntfy", {"ntfyserverurl": recorder.url, "ntfytopic": "t", "ntfyPriority": 5,
                         "ntfyAuthenticationMethod": "usernamePassword", "ntfyusername": "u", "ntfypassword": "p"}, None)
    req = _one(recorder)
    assert req.header("Authorization") == "Basic dTpw"
    assert req.json() == {"topic": "t", "title": "Uptime Kuma", "message": "N Testing", "priority": 5,
                          "tags": ["test_tube"]}


async def test_mattermost(recorder):
    config = {"mattermostWebhookUrl": recorder.url + "/hooks/x", "mattermostchannel": "Ops",
              "mattermosticonemo": ":red: :green:"}
    await _send("mattermost", config, UP)
    req = _one(recorder)
    assert req.json() == {"username": "Local Web Uptime Kuma", "channel": "ops", "icon_emoji": ":green:",
                          "icon_url": None, "attachments": [{
                              "fallback": UP["msg"], "color": "#32CD32", "title": "Local Web service up!",
                              "title_link": "http://127.0.0.1:3025/",
                              "fields": [{"short": False, "title": "Ping", "value": "3ms"},
                                         {"short": True, "title": "Time (UTC)", "value": "2026-11-26 10:11:33"}]}]}


async def test_mattermost_test_message(recorder):
    await _send("mattermost", {"mattermostWebhookUrl": recorder.url + "/h"}, None)
    assert _one(recorder).json() == {"username": "Uptime Kuma", "text": "N Testing"}


async def test_slack_plain_and_rich(recorder):
    config = {"slackwebhookURL": recorder.url + "/services/x", "slackchannel": "#ops", "slackusername": "kuma",
              "slackiconemo": ":robot:", "slackchannelnotify": True}
    await _send("slack", config, DOWN)
    await _send("slack", {**config, "slackrichmessage": True, "slackchannelnotify": False,
                          "slackbutton": "https://kuma.example"}, UP)
    plain, rich = recorder.requests
    assert plain.json() == {"text": f"Local Web\n{DOWN['msg']} <!channel>", "channel": "#ops", "username": "kuma",
                            "icon_emoji": ":robot:", "attachments": []}
    attachment = rich.json()["attachments"][0]
    assert attachment["color"] == "#2eb886"
    assert attachment["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Local Web"}}
    assert attachment["blocks"][-1]["elements"][0]["url"] == "https://kuma.example/dashboard/1"
    assert attachment["blocks"][-1]["elements"][1]["url"] == "http://127.0.0.1:3025/"


async def test_rocket_chat(recorder):
    config = {"rocketwebhookURL": recorder.url + "/hooks/r", "rocketchannel": "#c", "rocketusername": "k",
              "rocketiconemo": ":x:"}
    await _send("rocket.chat", config, None)
    assert _one(recorder).json() == {"text": "N Testing", "channel": "#c", "username": "k", "icon_emoji": ":x:"}


async def test_discord_embed_checks_avatar_first(recorder):
    recorder.routes["/api/webhooks/1/t"] = (200, '{"id":"1","avatar":null}', "application/json")
    await _send("discord", {"discordWebhookUrl": recorder.url + "/api/webhooks/1/t",
                            "discordPrefixMessage": "@here"}, DOWN)
    get, post = recorder.requests
    assert (get.method, post.method) == ("GET", "POST")
    body = post.json()
    assert body["username"] == "Uptime Kuma" and body["content"] == "@here"
    assert body["avatar_url"] == "https://github.com/louislam/uptime-kuma/raw/master/public/icon.png"
    (embed,) = body["embeds"]
    assert embed["title"] == "❌ Your service Local Web went down. ❌" and embed["color"] == 16711680
    assert [f["name"] for f in embed["fields"]] == ["Service Name", "Service URL", "Went Offline", "Time (UTC)",
                                                    "Error"]
    assert embed["fields"][2]["value"] == "<t:1795687813:F>"


async def test_discord_up_minimalist_and_thread(recorder):
    recorder.routes["/w"] = (200, '{"avatar":"abc"}', "application/json")
    await _send("discord", {"discordWebhookUrl": recorder.url + "/w", "discordMessageFormat": "minimalist",
                            "discordChannelType": "postToThread", "threadId": "99",
                            "discordSuppressNotifications": True}, UP)
    post = recorder.requests[1]
    assert post.query == {"thread_id": ["99"]}
    assert post.json() == {"username": "Uptime Kuma", "content": "🟢 Local Web is up.", "flags": 4096}


async def test_teams_card(recorder):
    await _send("teams", {"webhookUrl": recorder.url + "/teams"}, DOWN)
    body = _one(recorder).json()
    assert body["type"] == "message" and body["summary"] == DOWN["msg"]
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.5")
    assert card["body"][0]["style"] == "attention"
    assert "[Local Web] went down" in json.dumps(card, ensure_ascii=False)
    assert {"title": "Monitor", "value": "Local Web"} in card["body"][1]["facts"]


async def test_google_chat(recorder):
    await _send("GoogleChat", {"googleChatWebhookURL": recorder.url + "/v1/spaces/x"}, DOWN)
    body = _one(recorder).json()
    assert body["fallbackText"] == DOWN["msg"]
    assert body["cardsV2"][0]["card"]["header"] == {"title": "🔴 Application went down", "subtitle": "Local Web"}


async def test_errors_are_one_readable_message(recorder):
    recorder.reply = (401, '{"ok":false,"description":"Unauthorized"}', "application/json")
    with pytest.raises(NotificationError) as info:
        await send_notification({"type": "telegram", "telegramServerUrl": recorder.url, "telegramBotToken": "x",
                                 "telegramChatID": 1}, "hi")
    assert str(info.value) == ('Request failed with status code 401 (code=ERR_BAD_REQUEST) (HTTP 401 Unauthorized) '
                               '{"ok":false,"description":"Unauthorized"}')


async def test_connection_refused_message():
    from tests.helpers.server import free_port

    port = free_port()
    with pytest.raises(NotificationError, match=rf"^connect ECONNREFUSED 127\.0\.0\.1:{port} \(code=ECONNREFUSED\)"):
        await send_notification({"type": "gotify", "gotifyserverurl": f"http://127.0.0.1:{port}"}, "hi")
