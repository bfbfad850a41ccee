"""AliyunSMS: Alibaba Cloud SendSms (RPC API, HMAC-SHA1 signed), the alert in the template's parameters."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime
from urllib.parse import quote

from kuma.notifications.base import SENT, NotificationError, Provider, register, require, status_word, text
from kuma.notifications.http import request


def _encode(value: str) -> str:
    return quote(value, safe="~")


def sign(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """Alibaba Cloud RPC signature v1.0 over the sorted, percent-encoded parameters."""
    canonical = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_encode('/')}&{_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@register("AliyunSMS")
class AliyunSMS(Provider):
    default_api_url = "https://dysmsapi.aliyuncs.com/"

    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        key_id, secret, phones, sign_name, template = require(
            config, "accessKeyId", "secretAccessKey", "phonenumber", "signName", "templateCode"
        )
        if heartbeat is None:
            template_param = {"name": "", "time": "", "status": "", "msg": msg}
        else:
            template_param = {
                "name": text((monitor or {}).get("name")),
                "time": text(heartbeat.get("localDateTime")),
                "status": status_word(heartbeat, "UP", "DOWN"),
                "msg": text(heartbeat.get("msg")),
            }
        params = {
            "AccessKeyId": key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phones,
            "RegionId": "cn-hangzhou",
            "SignName": sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": secrets.token_hex(16),
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "TemplateParam": json.dumps(template_param, separators=(",", ":"), ensure_ascii=False),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = sign(params, secret)
        response = await request("POST", self.api_url, data=params)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if answer.get("Code") != "OK":
            raise NotificationError(f"Aliyun SMS failed: {answer.get('Message') or response.text}")
        return SENT
