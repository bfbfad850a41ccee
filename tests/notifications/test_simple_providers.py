"""The one-request providers against a local recorder: method, path, query, auth header, exact body."""
from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from kuma.notifications.base import NotificationError, get_provider

MSG = "[Web] [🔴 Down] boom"
MONITOR = {"id": 7, "name": "Web", "type": "http", "url": "https://web.example"}
HEARTBEAT = {"monitorID": 7, "status": 0, "msg": "boom", "ping": None, "timezone": "UTC",
             "localDateTime": "2026-11-26 10:00:00"}
R = "{recorder}"  # replaced by the recorder's base URL

# key: (config, vendor api_url path or None, method, path, query, (header, value) or None, body kind, body)
CASES = {
    "pumble": ({"webhookURL": R + "/p"}, None, "POST", "/p", {}, None, "json", {"text": MSG}),
    "Keep": ({"webhookURL": R + "/k", "webhookAPIKey": "kk"}, None, "POST", "/k", {}, ("x-api-key", "kk"), "json",
             {"heartbeat": HEARTBEAT, "monitor": MONITOR, "msg": MSG}),
    "HaloPSA": ({"halowebhookurl": R + "/h", "haloUsername": "u", "haloPassword": "p"}, None, "POST", "/h", {},
                ("Authorization", "Basic dTpw"), "json", {"heartbeat": HEARTBEAT, "monitor": MONITOR, "msg": MSG}),
    "GrafanaOncall": ({"GrafanaOncallURL": R + "/g"}, None, "POST", "/g", {}, None, "json",
                      {"title": "Web is down", "message": "boom", "state": "alerting"}),
    "AlertNow": ({"alertNowWebhookURL": R + "/a"}, None, "POST", "/a", {}, None, "json",
                 {"summary": MSG, "status": "CRITICAL", "event_type": "ERROR", "event_id": "uptime-kuma-7",
                  "source": "Uptime Kuma", "monitor": "Web"}),
    "alerta": ({"alertaApiEndpoint": R + "/alert", "alertaApiKey": "ak", "alertaEnvironment": "Prod",
                "alertaAlertState": "major"}, None, "POST", "/alert", {}, ("Authorization", "Key ak"), "json",
               {"environment": "Prod", "severity": "major", "resource": "Web", "event": "Down",
                "service": ["UptimeKuma"], "origin": "uptime-kuma", "type": "exceptionAlert", "text": MSG,
                "value": "https://web.example"}),
    "FlashDuty": ({"flashdutyIntegrationKey": "ik", "flashdutySeverity": "Warning"}, "/fd", "POST", "/fd",
                  {"integration_key": ["ik"]}, None, "json",
                  {"title": "Uptime Kuma Monitor Web Down", "event_status": "Warning", "description": MSG,
                   "alert_key": "uptime-kuma-7", "labels": {"resource": "https://web.example"}}),
    "HeiiOnCall": ({"heiiOnCallApiKey": "hk", "heiiOnCallTriggerId": "t1"}, "", "POST", "/triggers/t1/alert", {},
                   ("Authorization", "Bearer hk"), "json", {"msg": MSG, "monitor": MONITOR, "heartbeat": HEARTBEAT}),
    "ClickUp": ({"clickupToken": "pk", "clickupWorkspaceId": "w", "clickupChannelId": "c"}, "/api/v3", "POST",
                "/api/v3/workspaces/w/chat/channels/c/messages", {}, ("Authorization", "pk"), "json",
                {"type": "message", "content_format": "text/md", "content": MSG + "\nhttps://web.example"}),
    "Bitrix24": ({"bitrix24WebhookURL": R + "/rest/1/abc/", "bitrix24UserID": "5"}, None, "GET",
                 "/rest/1/abc/im.notify.system.add.json", {"USER_ID": ["5"], "MESSAGE": [MSG]}, None, "empty", None),
    "CallMeBot": ({"callMeBotEndpoint": R + "/whatsapp.php?phone=123&apikey=9"}, None, "GET", "/whatsapp.php",
                  {"phone": ["123"], "apikey": ["9"], "text": [MSG]}, None, "empty", None),
    "YZJ": ({"yzjWebHookUrl": R + "/gateway/robot/webhook/send", "yzjToken": "yt"}, None, "POST",
            "/gateway/robot/webhook/send", {"yzjtype": ["0"], "yzjtoken": ["yt"]}, None, "json", {"content": MSG}),
    "notifery": ({"notiferyApiKey": "nk", "notiferyGroup": "ops"}, "/event", "POST", "/event", {},
                 ("x-api-key", "nk"), "json", {"title": "Uptime Kuma Alert", "message": MSG, "code": 0,
                                               "group": "ops"}),
    "lunasea": ({"lunaseaTarget": "user", "lunaseaUserID": "u1"}, "/v1", "POST", "/v1/custom/user/u1", {}, None,
                "json", {"title": "Web is Down", "body": "[🔴 Down] boom"}),
    "GoogleSheets": ({"googleSheetsWebhookUrl": R + "/macros/s/x/exec"}, None, "POST", "/macros/s/x/exec", {}, None,
                     "json-keys", ["timestamp", "status", "monitorName", "monitorURL", "message", "responseTime",
                                   "localDateTime"]),
    "waha": ({"wahaApiUrl": R, "wahaSession": "default", "wahaChatId": "1@c.us", "wahaApiKey": "wk"}, None, "POST",
             "/api/sendText", {}, ("X-Api-Key", "wk"), "json", {"session": "default", "chatId": "1@c.us", "text": MSG}),
    "openwa": ({"openwaApiUrl": R, "openwaChatId": "2@c.us", "openwaApiKey": "ok"}, None, "POST", "/sendText", {},
               ("X-API-Key", "ok"), "json", {"chatId": "2@c.us", "text": MSG}),
    "Whatsapp360messenger": ({"Whatsapp360messengerAuthToken": "wt", "Whatsapp360messengerRecipient": "4912"},
                             "/v2", "POST", "/v2/sendMessage", {}, ("Authorization", "Bearer wt"), "json",
                             {"phonenumber": "4912", "text": MSG}),
    "Onesender": ({"onesenderURL": R + "/api/v1/messages", "onesenderToken": "ot", "onesenderReceiver": "62812",
                   "onesenderTypeReceiver": "private"}, None, "POST", "/api/v1/messages", {},
                  ("Authorization", "Bearer ot"), "json",
                  {"to": "62812", "type": "text", "recipient_type": "individual", "text": {"body": MSG}}),
    "OneChat": ({"accessToken": "oc", "recieverId": "r", "botId": "b"}, "/push", "POST", "/push", {},
                ("Authorization", "Bearer oc"), "json", {"to": "r", "bot_id": "b", "type": "text", "message": MSG}),
    "Milky": ({"httpAddr": R, "recieverId": "42", "msgType": "group", "accessToken": "mt"}, None, "POST",
              "/api/send_group_message", {}, ("Authorization", "Bearer mt"), "json",
              {"group_id": 42, "message": [{"type": "text", "data": {"text": MSG}}]}),
    "VKTeams": ({"vkteamsBaseUrl": R, "vkteamsBotToken": "vt", "vkteamsChatId": "c1"}, None, "GET",
                "/bot/v1/messages/sendText", {"token": ["vt"], "chatId": ["c1"], "text": [MSG]}, None, "empty", None),
    "max": ({"maxApiUrl": R, "maxBotToken": "mx", "maxChatID": "77"}, None, "POST", "/messages", {"chat_id": ["77"]},
            ("Authorization", "mx"), "json", {"text": MSG}),
    "WxPusher": ({"wxpusherSPT": "SPT_x"}, "/push", "POST", "/push", {}, None, "json",
                 {"content": MSG, "summary": MSG, "contentType": 1, "spt": "SPT_x"}),
    "bearsms": ({"bearsmsUsername": "u", "bearsmsHashKey": "h", "bearsmsPhoneNumber": "255", "bearsmsSenderId": "K"},
                "/index.php", "GET", "/index.php", {"app": ["ws"], "u": ["u"], "h": ["h"], "op": ["pv"], "to": ["255"],
                                                    "msg": [MSG], "from": ["K"]}, None, "empty", None),
    "egosms": ({"egosmsUsername": "u", "egosmsPassword": "p", "egosmsPhoneNumber": "256", "egosmsSender": "K"},
               "/api/v1/plain/", "GET", "/api/v1/plain/", {"number": ["256"], "message": [MSG], "username": ["u"],
                                                           "password": ["p"], "sender": ["K"]}, None, "empty", None),
    "Cellsynt": ({"cellsyntLogin": "l", "cellsyntPassword": "p", "cellsyntDestination": "0046", "cellsyntOriginator":
                  "Kuma"}, "/sms.php", "POST", "/sms.php", {}, None, "form",
                 {"username": ["l"], "password": ["p"], "destination": ["0046"], "text": ["[Web] [⛔️ Down] boom"],
                  "originatortype": ["alpha"], "originator": ["Kuma"], "charset": ["UTF-8"]}),
    "gtxmessaging": ({"gtxMessagingApiKey": "gk", "gtxMessagingFrom": "K", "gtxMessagingTo": "+43"}, "/smsc/sendsms",
                     "POST", "/smsc/sendsms/gk/json", {}, None, "form", {"from": ["K"], "to": ["+43"], "text": [MSG]}),
    "promosms": ({"promosmsLogin": "l", "promosmsPassword": "p", "promosmsPhoneNumber": "48500", "promosmsSMSType": "1",
                  "promosmsSenderName": "K"}, "/sms", "POST", "/sms", {}, ("Authorization", "Basic bDpw"), "json",
                 {"recipients": ["48500"], "text": MSG, "long-sms": False, "type": 1, "sender": "K"}),
    "SMSPartner": ({"smspartnerApikey": "sk", "smspartnerPhoneNumber": "336, 337", "smspartnerSenderName": "K"},
                   "/v1/send", "POST", "/v1/send", {}, None, "json",
                   {"apiKey": "sk", "phoneNumbers": "336,337", "message": MSG, "sender": "K"}),
    "SMSPlanet": ({"smsplanetApiToken": "st", "smsplanetPhoneNumbers": "48500", "smsplanetSenderName": "K"}, "/sms",
                  "POST", "/sms", {}, ("Authorization", "Bearer st"), "form",
                  {"from": ["K"], "to": ["48500"], "msg": [MSG]}),
    "smsir": ({"smsirApiKey": "ik", "smsirNumber": "0912", "smsirTemplate": "100"}, "/verify", "POST", "/verify", {},
              ("x-api-key", "ik"), "json",
              {"mobile": "0912", "templateId": 100, "parameters": [{"name": "uptkumaalert", "value": MSG[:25]}]}),
    "SMSGateway": ({"smsgatewayUrl": R + "/message", "smsgatewayApiKey": "gk", "smsgatewayTo": "+1,+2"}, None, "POST",
                   "/message", {}, ("Authorization", "Bearer gk"), "json", {"message": MSG, "phoneNumbers": ["+1", "+2"]}),
    "Ooredoo": ({"ooredooUsername": "u", "ooredooAccessKey": "a", "ooredooBearerToken": "b", "ooredooToNumber": "960",
                 "ooredooServerUrl": R + "/bulk"}, None, "POST", "/bulk", {}, ("Authorization", "Bearer b"), "json",
                {"username": "u", "access_key": "a", "to": "960", "message": MSG}),
    "TurboSMTP": ({"turbosmtpConsumerKey": "ck", "turbosmtpConsumerSecret": "cs", "turbosmtpFromEmail": "a@x.org",
                   "turbosmtpToEmail": "b@x.org"}, "/api/v2/mail/send", "POST", "/api/v2/mail/send", {},
                  ("consumerSecret", "cs"), "json",
                  {"from": "a@x.org", "to": "b@x.org", "subject": MSG, "content": MSG, "html_content": MSG}),
    "VK": ({"vkAccessToken": "vt", "vkPeerId": "2000000001"}, "/method/messages.send", "POST",
           "/method/messages.send", {}, None, "form-keys", ["peer_id", "message", "random_id", "access_token", "v"]),
}


def _fill(value, base):
    if isinstance(value, str):
        return value.replace(R, base)
    if isinstance(value, dict):
        return {k: _fill(v, base) for k, v in value.items()}
    return value


@pytest.mark.parametrize("key", sorted(CASES))
async def test_simple_provider(recorder, key):
    config, api_path, method, path, query, header, kind, body = CASES[key]
    provider = get_provider(key, recorder.url + api_path if api_path is not None else None)
    assert await provider.send({"type": key, **_fill(config, recorder.url)}, MSG, MONITOR, HEARTBEAT) == \
        "Sent Successfully."
    (req,) = recorder.requests
    assert (req.method, req.path, req.query) == (method, path, query)
    assert req.header("User-Agent") == "Uptime-Kuma/2.5.3"
    if header:
        assert req.header(header[0]) == header[1]
    if kind == "json":
        assert req.header("Content-Type") == "application/json"
        assert req.body.decode() == json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    elif kind == "json-keys":
        assert list(req.json()) == body
    elif kind == "form":
        assert req.header("Content-Type") == "application/x-www-form-urlencoded"
        assert parse_qs(req.body.decode()) == body
    elif kind == "form-keys":
        assert list(parse_qs(req.body.decode())) == body
    else:
        assert req.body == b""


async def test_missing_field_is_a_readable_error():
    with pytest.raises(NotificationError, match="^Missing required field\\(s\\): webhookURL$"):
        await get_provider("pumble").send({"type": "pumble"}, MSG, None, None)


async def test_aliyun_sms_signed_request(recorder):
    from kuma.notifications.providers.aliyun_sms import sign

    recorder.reply = (200, '{"Code":"OK","Message":"OK"}', "application/json")
    config = {"type": "AliyunSMS", "accessKeyId": "kid", "secretAccessKey": "sec", "phonenumber": "13800000000",
              "signName": "Kuma", "templateCode": "SMS_1"}
    assert await get_provider("AliyunSMS", recorder.url + "/").send(config, MSG, MONITOR, HEARTBEAT) == \
        "Sent Successfully."
    (req,) = recorder.requests
    form = {k: v[0] for k, v in parse_qs(req.body.decode()).items()}
    signature = form.pop("Signature")
    assert signature == sign(form, "sec")  # the signature covers every other parameter
    assert json.loads(form["TemplateParam"]) == {"name": "Web", "time": "2026-11-26 10:00:00", "status": "DOWN",
                                                 "msg": "boom"}
    assert (form["Action"], form["PhoneNumbers"], form["SignName"], form["TemplateCode"]) == \
        ("SendSms", "13800000000", "Kuma", "SMS_1")
    recorder.reply = (200, '{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"limit"}', "application/json")
    with pytest.raises(NotificationError, match="^Aliyun SMS failed: limit$"):
        await get_provider("AliyunSMS", recorder.url + "/").send(config, MSG, MONITOR, HEARTBEAT)


def test_aliyun_signature_known_answer():
    """Alibaba Cloud's documented example (RPC signature v1.0): secret testsecret."""
    from kuma.notifications.providers.aliyun_sms import sign

    params = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
              "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
              "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}
    assert sign(params, "testsecret", method="GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


async def test_teltonika_logs_in_then_sends(recorder):
    recorder.routes["/api/login"] = (200, '{"success":true,"data":{"token":"tk"}}', "application/json")
    config = {"type": "Teltonika", "teltonikaUrl": recorder.url, "teltonikaUsername": "admin",
              "teltonikaPassword": "pw", "teltonikaPhoneNumber": "+37060000000", "teltonikaModem": "2-1"}
    await get_provider("Teltonika").send(config, MSG, MONITOR, HEARTBEAT)
    login, send = recorder.requests
    assert (login.path, login.json()) == ("/api/login", {"username": "admin", "password": "pw"})
    assert send.path == "/api/messages/actions/send" and send.header("Authorization") == "Bearer tk"
    assert send.json() == {"data": {"number": "+37060000000", "message": MSG, "modem": "2-1"}}
