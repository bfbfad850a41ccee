"""Messenger gateways (WhatsApp bridges, QQ, VK, Max, WxPusher): one request each."""

from __future__ import annotations

import secrets

from kuma.notifications.base import Call, as_bool, register, require, split_list, text
from kuma.notifications.simple import SimpleProvider
from kuma.notifications.templates import render


@register("waha")
class Waha(SimpleProvider):
    def call(self, config, msg, monitor, heartbeat):
        url, session, chat = require(config, "wahaApiUrl", "wahaSession", "wahaChatId")
        return Call(
            "POST",
            f"{url.rstrip('/')}/api/sendText",
            json_body={"session": session, "chatId": chat, "text": msg},
            headers={"X-Api-Key": text(config.get("wahaApiKey"))},
        )


@register("openwa")
class OpenWA(SimpleProvider):
    def call(self, config, msg, monitor, heartbeat):
        url, chat = require(config, "openwaApiUrl", "openwaChatId")
        text_ = msg
        if as_bool(config.get("openwaUseCustomMessage")) and config.get("openwaCustomMessage"):
            text_ = render(text(config["openwaCustomMessage"]), msg, monitor, heartbeat)
        headers = {"X-API-Key": text(config.get("openwaApiKey"))}
        session = text(config.get("openwaSession")).strip()
        path = f"/api/sessions/{session}/messages/send-text" if session else "/sendText"
        return Call("POST", url.rstrip("/") + path, json_body={"chatId": chat, "text": text_}, headers=headers)


@register("Whatsapp360messenger")
class Whatsapp360messenger(SimpleProvider):
    default_api_url = "https://api.360messenger.com/v2"

    def call(self, config, msg, monitor, heartbeat):
        (token,) = require(config, "Whatsapp360messengerAuthToken")
        text_ = msg
        if as_bool(config.get("Whatsapp360messengerUseTemplate")) and config.get("Whatsapp360messengerTemplate"):
            text_ = render(text(config["Whatsapp360messengerTemplate"]), msg, monitor, heartbeat)
        headers = {"Authorization": f"Bearer {token}"}
        groups = split_list(config.get("Whatsapp360messengerGroupIds")) or split_list(
            config.get("Whatsapp360messengerGroupId")
        )
        if groups:
            return Call(
                "POST", self.vendor("/sendGroup"), json_body={"groupId": groups[0], "text": text_}, headers=headers
            )
        (recipient,) = require(config, "Whatsapp360messengerRecipient")
        return Call(
            "POST", self.vendor("/sendMessage"), json_body={"phonenumber": recipient, "text": text_}, headers=headers
        )


@register("Onesender")
class Onesender(SimpleProvider):
    def call(self, config, msg, monitor, heartbeat):
        url, token, receiver = require(config, "onesenderURL", "onesenderToken", "onesenderReceiver")
        kind = "group" if config.get("onesenderTypeReceiver") == "group" else "individual"
        to = f"{receiver}@g.us" if kind == "group" and "@" not in receiver else receiver
        return Call(
            "POST",
            url,
            json_body={"to": to, "type": "text", "recipient_type": kind, "text": {"body": msg}},
            headers={"Authorization": f"Bearer {token}"},
        )


@register("OneChat")
class OneChat(SimpleProvider):
    default_api_url = "https://chat-api.one.th/message/api/v1/push_message"

    def call(self, config, msg, monitor, heartbeat):
        token, receiver, bot = require(config, "accessToken", "recieverId", "botId")
        return Call(
            "POST",
            self.vendor(),
            json_body={"to": receiver, "bot_id": bot, "type": "text", "message": msg},
            headers={"Authorization": f"Bearer {token}"},
        )


@register("Milky")
class Milky(SimpleProvider):
    """Milky (QQ bot protocol): send_group_message / send_private_message with a text segment."""

    def call(self, config, msg, monitor, heartbeat):
        address, receiver = require(config, "httpAddr", "recieverId")
        base = address if "://" in address else f"http://{address}"
        group = config.get("msgType") == "group"
        body = {
            "group_id" if group else "user_id": int(receiver) if receiver.isdigit() else receiver,
            "message": [{"type": "text", "data": {"text": msg}}],
        }
        headers = {"Authorization": f"Bearer {text(config.get('accessToken'))}"} if config.get("accessToken") else None
        path = "/api/send_group_message" if group else "/api/send_private_message"
        return Call("POST", base.rstrip("/") + path, json_body=body, headers=headers)


@register("VK")
class VK(SimpleProvider):
    default_api_url = "https://api.vk.ru/method/messages.send"

    def call(self, config, msg, monitor, heartbeat):
        token, peer = require(config, "vkAccessToken", "vkPeerId")
        data = {
            "peer_id": peer,
            "message": msg,
            "random_id": str(secrets.randbelow(2**31)),
            "access_token": token,
            "v": text(config.get("vkApiVersion")) or "5.199",
        }
        if as_bool(config.get("vkDontParseLinks")):
            data["dont_parse_links"] = "1"
        return Call("POST", self.vendor(), data=data)


@register("VKTeams")
class VKTeams(SimpleProvider):
    def call(self, config, msg, monitor, heartbeat):
        token, chat = require(config, "vkteamsBotToken", "vkteamsChatId")
        base = text(config.get("vkteamsBaseUrl")).strip() or "https://myteam.mail.ru"
        params = {"token": token, "chatId": chat, "text": msg}
        if as_bool(config.get("vkteamsUseTemplate")) and config.get("vkteamsTemplate"):
            params["text"] = render(text(config["vkteamsTemplate"]), msg, monitor, heartbeat)
            if text(config.get("vkteamsTemplateFormat")) in ("HTML", "MarkdownV2"):
                params["parseMode"] = text(config.get("vkteamsTemplateFormat"))
        return Call("GET", f"{base.rstrip('/')}/bot/v1/messages/sendText", params=params)


@register("max")
class Max(SimpleProvider):
    """MAX messenger bot API: POST /messages?chat_id=… with the bot token."""

    def call(self, config, msg, monitor, heartbeat):
        token, chat = require(config, "maxBotToken", "maxChatID")
        base = text(config.get("maxApiUrl")).strip() or "https://platform-api.max.ru"
        body: dict = {"text": msg}
        if as_bool(config.get("maxUseTemplate")) and config.get("maxTemplate"):
            body["text"] = render(text(config["maxTemplate"]), msg, monitor, heartbeat)
            if text(config.get("maxTemplateFormat")) in ("markdown", "html"):
                body["format"] = text(config.get("maxTemplateFormat"))
        return Call(
            "POST",
            f"{base.rstrip('/')}/messages",
            params={"chat_id": chat},
            json_body=body,
            headers={"Authorization": token},
        )


@register("WxPusher")
class WxPusher(SimpleProvider):
    """WxPusher simple push with the user's SPT token."""

    default_api_url = "https://wxpusher.zjiecode.com/api/send/message/simple-push"

    def call(self, config, msg, monitor, heartbeat):
        (spt,) = require(config, "wxpusherSPT")
        return Call(
            "POST", self.vendor(), json_body={"content": msg, "summary": msg[:99], "contentType": 1, "spt": spt}
        )
