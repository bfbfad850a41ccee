"""SMS gateways and e-mail APIs that are one HTTP request (vendor APIs as publicly documented)."""

from __future__ import annotations

import base64

from kuma.notifications.base import Call, as_bool, register, require, split_list, text
from kuma.notifications.simple import SimpleProvider


@register("bearsms")
class BearSMS(SimpleProvider):
    default_api_url = "https://app.bearsms.com/index.php"

    def call(self, config, msg, monitor, heartbeat):
        user, key, to = require(config, "bearsmsUsername", "bearsmsHashKey", "bearsmsPhoneNumber")
        return Call(
            "GET",
            self.vendor(),
            params={
                "app": "ws",
                "u": user,
                "h": key,
                "op": "pv",
                "to": to,
                "msg": msg,
                "from": text(config.get("bearsmsSenderId")),
            },
        )


@register("egosms")
class EgoSMS(SimpleProvider):
    default_api_url = "https://www.egosms.co/api/v1/plain/"

    def call(self, config, msg, monitor, heartbeat):
        user, password, number = require(config, "egosmsUsername", "egosmsPassword", "egosmsPhoneNumber")
        return Call(
            "GET",
            self.vendor(),
            params={
                "number": number,
                "message": msg,
                "username": user,
                "password": password,
                "sender": text(config.get("egosmsSender")),
            },
        )


@register("Cellsynt")
class Cellsynt(SimpleProvider):
    default_api_url = "https://se-1.cellsynt.net/sms.php"

    def call(self, config, msg, monitor, heartbeat):
        login, password, to = require(config, "cellsyntLogin", "cellsyntPassword", "cellsyntDestination")
        data = {
            "username": login,
            "password": password,
            "destination": to,
            "text": msg.replace("🔴", "⛔️"),
            "originatortype": text(config.get("cellsyntOriginatortype")) or "alpha",
            "originator": text(config.get("cellsyntOriginator")) or "uptimekuma",
            "charset": "UTF-8",
        }
        if as_bool(config.get("cellsyntAllowLongSMS")):
            data["allowconcat"] = "6"
        return Call("POST", self.vendor(), data=data)


@register("gtxmessaging")
class GtxMessaging(SimpleProvider):
    default_api_url = "https://rest.gtx-messaging.net/smsc/sendsms"

    def call(self, config, msg, monitor, heartbeat):
        key, sender, to = require(config, "gtxMessagingApiKey", "gtxMessagingFrom", "gtxMessagingTo")
        return Call("POST", self.vendor(f"/{key}/json"), data={"from": sender, "to": to, "text": msg})


@register("promosms")
class PromoSMS(SimpleProvider):
    default_api_url = "https://promosms.com/api/rest/v3_2/sms"

    def call(self, config, msg, monitor, heartbeat):
        login, password, numbers = require(config, "promosmsLogin", "promosmsPassword", "promosmsPhoneNumber")
        auth = base64.b64encode(f"{login}:{password}".encode()).decode()
        text_ = msg if as_bool(config.get("promosmsAllowLongSMS")) else msg[:160]
        body = {
            "recipients": split_list(numbers),
            "text": text_,
            "long-sms": as_bool(config.get("promosmsAllowLongSMS")),
            "type": int(text(config.get("promosmsSMSType")) or 1),
            "sender": text(config.get("promosmsSenderName")),
        }
        return Call("POST", self.vendor(), json_body=body, headers={"Authorization": f"Basic {auth}"})


@register("SMSPartner")
class SMSPartner(SimpleProvider):
    default_api_url = "https://api.smspartner.fr/v1/send"

    def call(self, config, msg, monitor, heartbeat):
        key, numbers = require(config, "smspartnerApikey", "smspartnerPhoneNumber")
        body = {
            "apiKey": key,
            "phoneNumbers": ",".join(split_list(numbers)),
            "message": msg[:639],
            "sender": text(config.get("smspartnerSenderName")),
        }
        return Call("POST", self.vendor(), json_body=body)


@register("SMSPlanet")
class SMSPlanet(SimpleProvider):
    default_api_url = "https://api2.smsplanet.pl/sms"

    def call(self, config, msg, monitor, heartbeat):
        token, numbers = require(config, "smsplanetApiToken", "smsplanetPhoneNumbers")
        data = {"from": text(config.get("smsplanetSenderName")), "to": ",".join(split_list(numbers)), "msg": msg}
        return Call("POST", self.vendor(), data=data, headers={"Authorization": f"Bearer {token}"})


@register("smsir")
class SmsIr(SimpleProvider):
    """sms.ir verify-template send: the alert text goes into the template's single parameter."""

    default_api_url = "https://api.sms.ir/v1/send/verify"

    def call(self, config, msg, monitor, heartbeat):
        key, number, template = require(config, "smsirApiKey", "smsirNumber", "smsirTemplate")
        body = {
            "mobile": number,
            "templateId": int(template) if template.isdigit() else template,
            "parameters": [{"name": "uptkumaalert", "value": msg[:25]}],
        }
        return Call("POST", self.vendor(), json_body=body, headers={"x-api-key": key})


@register("SMSGateway")
class SMSGateway(SimpleProvider):
    """SMS Gateway for Android (self-hosted or cloud): POST <url> {phoneNumbers, message}."""

    def call(self, config, msg, monitor, heartbeat):
        url, key, to = require(config, "smsgatewayUrl", "smsgatewayApiKey", "smsgatewayTo")
        return Call(
            "POST",
            url,
            json_body={"message": msg, "phoneNumbers": split_list(to)},
            headers={"Authorization": f"Bearer {key}"},
        )


@register("Ooredoo")
class Ooredoo(SimpleProvider):
    default_api_url = "https://o-papi1-lb01.ooredoo.mv/bulk_sms/v2"

    def call(self, config, msg, monitor, heartbeat):
        user, key, token, to = require(
            config, "ooredooUsername", "ooredooAccessKey", "ooredooBearerToken", "ooredooToNumber"
        )
        url = text(config.get("ooredooServerUrl")).strip() or self.vendor()
        return Call(
            "POST",
            url,
            json_body={"username": user, "access_key": key, "to": to, "message": msg},
            headers={"Authorization": f"Bearer {token}"},
        )


@register("TurboSMTP")
class TurboSMTP(SimpleProvider):
    """turboSMTP's HTTP mail API (consumer key/secret headers); the EU region has its own host."""

    def call(self, config, msg, monitor, heartbeat):
        key, secret, sender, to = require(
            config, "turbosmtpConsumerKey", "turbosmtpConsumerSecret", "turbosmtpFromEmail", "turbosmtpToEmail"
        )
        host = "api.eu.turbo-smtp.com" if config.get("turbosmtpRegion") == "eu" else "api.turbo-smtp.com"
        url = self.api_url or f"https://{host}/api/v2/mail/send"
        body = {
            "from": sender,
            "to": ",".join(split_list(to)),
            "subject": text(config.get("turbosmtpSubject")) or msg,
            "content": msg,
            "html_content": msg.replace("\n", "<br>"),
        }
        if split_list(config.get("turbosmtpCcEmail")):
            body["cc"] = ",".join(split_list(config.get("turbosmtpCcEmail")))
        if split_list(config.get("turbosmtpBccEmail")):
            body["bcc"] = ",".join(split_list(config.get("turbosmtpBccEmail")))
        return Call("POST", url, json_body=body, headers={"consumerKey": key, "consumerSecret": secret})
