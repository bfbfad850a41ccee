"""Webhook-style incident and team tools: one JSON request each (vendor APIs as publicly documented)."""

from __future__ import annotations

from datetime import UTC, datetime

from kuma.notifications.base import DOWN, UP, Call, register, require, status_word, text
from kuma.notifications.simple import SimpleProvider
from kuma.notifications.templates import hostname_or_url


def _name(monitor: dict | None) -> str:
    return text((monitor or {}).get("name")) or "Uptime Kuma"


def _alert_key(monitor: dict | None) -> str:
    """One alert per monitor (`test` for the test message), so a recovery resolves what the outage opened."""
    return f"uptime-kuma-{(monitor or {}).get('id', 'test')}"


def _webhook_payload(msg: str, monitor: dict | None, heartbeat: dict | None) -> dict:
    """Uptime Kuma's own webhook body, for the tools that ingest it unchanged."""
    return {"heartbeat": heartbeat, "monitor": monitor, "msg": msg}


@register("pumble")
class Pumble(SimpleProvider):
    def call(self, config, msg, monitor, heartbeat):
        (url,) = require(config, "webhookURL")
        return Call("POST", url, json_body={"text": msg})


@register("Keep")
class Keep(SimpleProvider):
    """Keep ingests Uptime Kuma's own webhook payload, authenticated with x-api-key."""

    def call(self, config, msg, monitor, heartbeat):
        (url,) = require(config, "webhookURL")
        return Call(
            "POST",
            url,
            json_body=_webhook_payload(msg, monitor, heartbeat),
            headers={"x-api-key": text(config.get("webhookAPIKey"))},
        )


@register("HaloPSA")
class HaloPSA(SimpleProvider):
    def call(self, config, msg, monitor, heartbeat):
        (url,) = require(config, "halowebhookurl")
        import base64

        auth = base64.b64encode(f"{text(config.get('haloUsername'))}:{text(config.get('haloPassword'))}".encode())
        return Call(
            "POST",
            url,
            json_body=_webhook_payload(msg, monitor, heartbeat),
            headers={"Authorization": "Basic " + auth.decode()},
        )


@register("GoogleSheets")
class GoogleSheets(SimpleProvider):
    """An Apps Script web app appends one row per event."""

    def call(self, config, msg, monitor, heartbeat):
        (url,) = require(config, "googleSheetsWebhookUrl")
        row = {
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "status": status_word(heartbeat, "UP", "DOWN", "TEST"),
            "monitorName": (monitor or {}).get("name"),
            "monitorURL": hostname_or_url(monitor),
            "message": msg,
            "responseTime": (heartbeat or {}).get("ping"),
            "localDateTime": (heartbeat or {}).get("localDateTime"),
        }
        return Call("POST", url, json_body=row)


@register("GrafanaOncall")
class GrafanaOncall(SimpleProvider):
    def call(self, config, msg, monitor, heartbeat):
        (url,) = require(config, "GrafanaOncallURL")
        if heartbeat is None:
            body = {"title": "General notification", "message": msg, "state": "alerting"}
        elif heartbeat.get("status") == DOWN:
            body = {"title": f"{_name(monitor)} is down", "message": text(heartbeat.get("msg")), "state": "alerting"}
        else:
            body = {"title": f"{_name(monitor)} is up", "message": text(heartbeat.get("msg")), "state": "ok"}
        return Call("POST", url, json_body=body)


@register("AlertNow")
class AlertNow(SimpleProvider):
    def call(self, config, msg, monitor, heartbeat):
        (url,) = require(config, "alertNowWebhookURL")
        status = status_word(heartbeat, "RECOVERY", "CRITICAL", "TEST")
        body = {
            "summary": msg,
            "status": status,
            "event_type": "INFO" if status != "CRITICAL" else "ERROR",
            "event_id": _alert_key(monitor),
            "source": "Uptime Kuma",
            "monitor": _name(monitor),
        }
        return Call("POST", url, json_body=body)


@register("alerta")
class Alerta(SimpleProvider):
    """Alerta's POST /alert, severity from the form's alert/recover states."""

    def call(self, config, msg, monitor, heartbeat):
        endpoint, key = require(config, "alertaApiEndpoint", "alertaApiKey")
        if heartbeat is None:
            severity, event = "informational", "msg"
        elif heartbeat.get("status") == UP:
            severity, event = text(config.get("alertaRecoverState")) or "cleared", "Up"
        else:
            severity, event = text(config.get("alertaAlertState")) or "critical", "Down"
        body = {
            "environment": text(config.get("alertaEnvironment")) or "Production",
            "severity": severity,
            "resource": _name(monitor),
            "event": event,
            "service": ["UptimeKuma"],
            "origin": "uptime-kuma",
            "type": "exceptionAlert",
            "text": msg,
            "value": hostname_or_url(monitor),
        }
        return Call("POST", endpoint, json_body=body, headers={"Authorization": f"Key {key}"})


@register("FlashDuty")
class FlashDuty(SimpleProvider):
    default_api_url = "https://api.flashcat.cloud/event/push/alert/standard"

    def call(self, config, msg, monitor, heartbeat):
        (key,) = require(config, "flashdutyIntegrationKey")
        status = (
            "Ok"
            if heartbeat is not None and heartbeat.get("status") == UP
            else (text(config.get("flashdutySeverity")) or "Critical")
        )
        body = {
            "title": f"Uptime Kuma Monitor {_name(monitor)} {status_word(heartbeat, 'Up', 'Down', 'Test')}",
            "event_status": status,
            "description": msg,
            "alert_key": _alert_key(monitor),
            "labels": {"resource": hostname_or_url(monitor) or "Uptime Kuma"},
        }
        return Call("POST", self.vendor(), params={"integration_key": key}, json_body=body)


@register("HeiiOnCall")
class HeiiOnCall(SimpleProvider):
    """Heii On-Call triggers: /alert while DOWN (and for tests), /resolve on UP."""

    default_api_url = "https://heiioncall.com"

    def call(self, config, msg, monitor, heartbeat):
        key, trigger = require(config, "heiiOnCallApiKey", "heiiOnCallTriggerId")
        action = "resolve" if heartbeat is not None and heartbeat.get("status") == UP else "alert"
        return Call(
            "POST",
            self.vendor(f"/triggers/{trigger}/{action}"),
            json_body={"msg": msg, "monitor": monitor, "heartbeat": heartbeat},
            headers={"Authorization": f"Bearer {key}"},
        )


@register("ClickUp")
class ClickUp(SimpleProvider):
    default_api_url = "https://api.clickup.com/api/v3"

    def call(self, config, msg, monitor, heartbeat):
        token, workspace, channel = require(config, "clickupToken", "clickupWorkspaceId", "clickupChannelId")
        content = msg
        url = hostname_or_url(monitor)
        if url and not config.get("clickupDisableUrl") and url.startswith("http"):
            content += f"\n{url}"
        return Call(
            "POST",
            self.vendor(f"/workspaces/{workspace}/chat/channels/{channel}/messages"),
            json_body={"type": "message", "content_format": "text/md", "content": content},
            headers={"Authorization": token},
        )


@register("Bitrix24")
class Bitrix24(SimpleProvider):
    """An inbound Bitrix24 webhook: im.notify.system.add to one user."""

    def call(self, config, msg, monitor, heartbeat):
        url, user = require(config, "bitrix24WebhookURL", "bitrix24UserID")
        return Call("GET", f"{url.rstrip('/')}/im.notify.system.add.json", params={"USER_ID": user, "MESSAGE": msg})


@register("CallMeBot")
class CallMeBot(SimpleProvider):
    """The endpoint the user copied from CallMeBot already holds phone and API key; the text is appended."""

    def call(self, config, msg, monitor, heartbeat):
        (endpoint,) = require(config, "callMeBotEndpoint")
        return Call("GET", endpoint, params={"text": msg})


@register("YZJ")
class YZJ(SimpleProvider):
    def call(self, config, msg, monitor, heartbeat):
        url, token = require(config, "yzjWebHookUrl", "yzjToken")
        return Call("POST", url, params={"yzjtype": "0", "yzjtoken": token}, json_body={"content": msg})


@register("notifery")
class Notifery(SimpleProvider):
    default_api_url = "https://api.notifery.com/event"

    def call(self, config, msg, monitor, heartbeat):
        (key,) = require(config, "notiferyApiKey")
        body: dict = {"title": text(config.get("notiferyTitle")) or "Uptime Kuma Alert", "message": msg}
        if heartbeat is not None:
            body["code"] = heartbeat.get("status")
            if heartbeat.get("ping") is not None:
                body["duration"] = heartbeat.get("ping")
        if text(config.get("notiferyGroup")):
            body["group"] = text(config.get("notiferyGroup"))
        return Call("POST", self.vendor(), json_body=body, headers={"x-api-key": key})


@register("lunasea")
class LunaSea(SimpleProvider):
    default_api_url = "https://notify.lunasea.app/v1"

    def call(self, config, msg, monitor, heartbeat):
        target = text(config.get("lunaseaTarget")) or "device"
        ident = text(config.get("lunaseaUserID") if target == "user" else config.get("lunaseaDevice")).strip()
        if not ident:
            require(config, "lunaseaUserID" if target == "user" else "lunaseaDevice")
        if heartbeat is None:
            body = {"title": "Uptime Kuma Alert", "body": msg}
        else:
            body = {
                "title": f"{_name(monitor)} is {status_word(heartbeat, 'Up', 'Down')}",
                "body": f"[{status_word(heartbeat, '✅ Up', '🔴 Down')}] {text(heartbeat.get('msg'))}",
            }
        return Call("POST", self.vendor(f"/custom/{target}/{ident}"), json_body=body)
