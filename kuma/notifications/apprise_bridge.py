"""Provider keys kuma sends through the apprise library: each maps the stored form to an apprise URL.

A mapper is a pure function `config -> apprise URL` (raising NotificationError when a required field is
missing). Most keys are one URL template over required form fields (`TEMPLATES`, data); the rest need a
few lines of parsing each (the `@mapper` functions). The send runs apprise in a worker thread (it is
blocking), so the Trio loop never waits on it. Keys with no mapper and no native module are stored
unchanged and answer "not supported yet".
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from kuma.notifications.apprise_send import send_with_apprise
from kuma.notifications.common import SENT, NotificationError, Provider, as_bool, split_list, text

Mapper = Callable[[dict[str, Any]], str]
MAPPERS: dict[str, Mapper] = {}


def mapper(key: str) -> Callable[[Mapper], Mapper]:
    def decorator(fn: Mapper) -> Mapper:
        MAPPERS[key] = fn
        return fn

    return decorator


def q(value: Any) -> str:
    """One URL component, every reserved character escaped."""
    return quote(text(value).strip(), safe="")


def need(config: dict, *fields: str) -> list[str]:
    """The stripped values of required fields, in order; one error naming every missing one."""
    values = [text(config.get(f)).strip() for f in fields]
    missing = [f for f, v in zip(fields, values, strict=True) if not v]
    if missing:
        raise NotificationError(f"Missing required field(s): {', '.join(missing)}")
    return values


def query(**params: Any) -> str:
    """`?a=b&…` of the parameters that have a value (empty, None and False are left out)."""
    kept = {k: text(v) for k, v in params.items() if v not in (None, "", False)}
    return ("?" + urlencode(kept)) if kept else ""


def phones(value: Any) -> str:
    return "/".join(q(p.replace(" ", "")) for p in split_list(value))


def emails(value: Any) -> str:
    return ",".join(split_list(value))


def address(value: str) -> str:
    """An e-mail address as the user:password@host part apprise splits: local part escaped, '@' kept."""
    local, _, domain = value.strip().rpartition("@")
    if not local or not domain:
        raise NotificationError(f"Invalid e-mail address: {value}")
    return f"{q(local)}@{domain}"


def endpoint(scheme: str, url: str) -> tuple[str, str, str]:
    """(`scheme://`, or `schemes://` for https; host[:port]; path) of an http(s) URL from a form."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotificationError(f"Invalid URL: {url}")
    return f"{scheme}{'s' if parts.scheme == 'https' else ''}://", parts.netloc, parts.path


def segments(path: str) -> list[str]:
    """The non-empty segments of a URL path."""
    return [p for p in path.split("/") if p]


def last_segment(url: str) -> str:
    found = segments(urlsplit(url.strip()).path)
    return found[-1] if found else ""


def last_two(path: str, error: str) -> tuple[str, str, str]:
    """(`<prefix>/` or "", second-last, last segment) of a path that must end with two segments."""
    found = segments(path)
    if len(found) < 2:
        raise NotificationError(error)
    prefix = "/".join(found[:-2])
    return (prefix + "/" if prefix else ""), found[-2], found[-1]


def prefix_of(path: str) -> str:
    """A base path kept in front of what a mapper appends: `a/b/`, or "" for none."""
    prefix = path.strip("/")
    return prefix + "/" if prefix else ""


# -- one template per key --------------------------------------------------------------------------------

#: How a template field's (required, stripped) value enters the URL: `{field}` one escaped component,
#: `{field:last}` the last path segment of a URL, `{field:phones}` / `{field:emails}` a list of numbers /
#: addresses, `{field:address}` one e-mail address.
_CONVERSIONS: dict[str, Callable[[str], str]] = {
    "": q,
    "last": lambda url: q(last_segment(url)),
    "phones": phones,
    "emails": emails,
    "address": address,
}

#: How an optional field's value enters the query (left out when empty): as stored, or converted.
_OPTIONAL: dict[str, Callable[[Any], Any]] = {
    "": lambda value: value,
    "emails": emails,
    "lower": lambda value: text(value).lower(),
    "strip": lambda value: text(value).strip(),
}

#: key → (URL template, query parameter → optional form field, `field:<conversion>` as in `_OPTIONAL`).
#: The template's fields are required in the order they appear (so is the error's list of missing ones).
TEMPLATES: dict[str, tuple[str, dict[str, str]]] = {
    # messaging / chat
    "bale": ("bale://{baleBotToken}/{baleChatID}", {}),
    "Kook": ("kook://{kookBotToken}/{kookGuildID}", {}),
    "line": ("line://{lineChannelAccessToken}/{lineUserID}", {}),
    "Feishu": ("feishu://{feishuWebHookUrl:last}", {}),
    "WeCom": ("wecombot://{weComBotKey}", {}),
    "stackfield": ("stackfield://{stackfieldwebhookURL:last}", {}),
    "whapi": ("whapi://{whapiAuthToken}/{whapiRecipient}", {}),
    "threema": ("threema://{threemaSenderIdentity}@{threemaSecret}/{threemaRecipient}", {}),
    # push services
    "PushPlus": ("pushplus://{pushPlusSendKey}", {}),
    "pushy": ("pushy://{pushyAPIKey}/{pushyToken}", {}),
    "ServerChan": ("schan://{serverChanSendKey}", {}),
    "SpugPush": ("spugpush://{templateKey}", {}),
    "PushByTechulus": ("push://{pushAPIKey}", {}),
    "WPush": ("wpush://{wpushAPIkey}", {"channel": "wpushChannel"}),
    # incident / on-call
    "PagerTree": ("pagertree://{pagertreeIntegrationUrl:last}", {"urgency": "pagertreeUrgency:lower"}),
    "SIGNL4": ("signl4://{webhookURL:last}", {}),
    "squadcast": ("squadcast://{squadcastWebhookURL:last}", {}),
    "JiraServiceManagement": ("jira://{jsmApiToken}", {"priority": "jsmPriority:strip"}),
    # SMS
    "Elks": ("46elks://{elksUsername}:{elksAuthToken}@{elksFromNumber}/{elksToNumber:phones}", {}),
    "clicksendsms": ("clicksend://{clicksendsmsLogin}:{clicksendsmsPassword}@{clicksendsmsToNumber:phones}", {}),
    "FreeMobile": ("freemobile://{freemobileUser}@{freemobilePass}", {}),
    "plivo": ("plivo://{plivoAuthID}@{plivoAuthToken}/{plivoFromNumber}/{plivoToNumber:phones}", {}),
    "serwersms": (
        "serwersms://{serwersmsUsername}:{serwersmsPassword}@{serwersmsSenderName}/{serwersmsPhoneNumber:phones}",
        {},
    ),
    "SevenIO": ("seven://{sevenioApiKey}/{sevenioReceiver:phones}", {"from": "sevenioSender"}),
    "smsc": (
        "smsc://{smscLogin}:{smscPassword}@{smscToNumber:phones}",
        {"sender": "smscSenderName", "translit": "smscTranslit"},
    ),
    "SMSManager": ("smsmgr://{smsmanagerApiKey}@{numbers:phones}", {"gateway": "messageType:lower"}),
    "telnyx": (
        "telnyx://{telnyxApiKey}@{telnyxPhoneNumber}/{telnyxToNumber:phones}",
        {"profile": "telnyxMessagingProfileId"},
    ),
    "twilio": ("twilio://{twilioAccountSID}:{twilioAuthToken}@{twilioFromNumber}/{twilioToNumber:phones}", {}),
    # e-mail APIs
    "SendGrid": (
        "sendgrid://{sendgridApiKey}:{sendgridFromEmail:address}/{sendgridToEmail:emails}",
        {"cc": "sendgridCcEmail:emails", "bcc": "sendgridBccEmail:emails"},
    ),
    "Brevo": (
        "brevo://{brevoApiKey}:{brevoFromEmail:address}/{brevoToEmail:emails}",
        {"cc": "brevoCcEmail:emails", "bcc": "brevoBccEmail:emails"},
    ),
    "Resend": ("resend://{resendApiKey}:{resendFromEmail:address}/{resendToEmail:emails}", {"name": "resendFromName"}),
}


def template_mapper(template: str, params: dict[str, str]) -> Mapper:
    """The mapper one TEMPLATES row stands for."""
    pieces = list(string.Formatter().parse(template))
    fields = [name for _, name, _, _ in pieces if name]

    def mapped(c: dict[str, Any]) -> str:
        values = iter(need(c, *fields))
        url = "".join(
            literal + (_CONVERSIONS[spec or ""](next(values)) if name else "") for literal, name, spec, _ in pieces
        )
        optional = {}
        for param, source in params.items():
            field, _, conversion = source.partition(":")
            optional[param] = _OPTIONAL[conversion](c.get(field))
        return url + query(**optional)

    return mapped


for _key, (_template, _params) in TEMPLATES.items():
    MAPPERS[_key] = template_mapper(_template, _params)


# -- keys that need parsing ------------------------------------------------------------------------------


@mapper("DingDing")
def _dingding(c: dict[str, Any]) -> str:
    (url,) = need(c, "webHookUrl")
    token = (parse_qs(urlsplit(url).query).get("access_token") or [last_segment(url)])[0]
    secret = text(c.get("secretKey")).strip()
    targets = "/".join(q(m) for m in split_list(c.get("mobileList"))) if as_bool(c.get("mentioning")) else ""
    return f"dingtalk://{q(secret) + '@' if secret else ''}{q(token)}/{targets + '/' if targets else ''}"


@mapper("nextcloudtalk")
def _nextcloudtalk(c: dict[str, Any]) -> str:
    host, room, secret = need(c, "host", "conversationToken", "botSecret")
    scheme, netloc, path = endpoint("nctalk", host if "://" in host else "https://" + host)
    prefix = path.strip("/")
    return f"{scheme}{netloc}/{q(room)}" + query(secret=secret, url_prefix=prefix or None)


@mapper("ZohoCliq")
def _zoho_cliq(c: dict[str, Any]) -> str:
    (url,) = need(c, "webhookUrl")
    parts = urlsplit(url)
    token = (parse_qs(parts.query).get("zapikey") or [""])[0]
    found = segments(parts.path)
    channel = (
        found[found.index("channelsbyname") + 1]
        if "channelsbyname" in found
        else (found[-2] if len(found) >= 2 else "")
    )
    if not token or not channel:
        raise NotificationError("Zoho Cliq webhook URL must contain the channel name and zapikey")
    return f"cliq://{q(token)}/{q(channel)}"


@mapper("fluxer")
def _fluxer(c: dict[str, Any]) -> str:
    (url,) = need(c, "fluxerWebhookUrl")
    scheme, netloc, path = endpoint("fluxer", url)
    prefix, webhook_id, token = last_two(path, "Fluxer webhook URL must end with /<id>/<token>")
    return f"{scheme}{netloc}/{prefix}{webhook_id}/{token}"


@mapper("OneBot")
def _onebot(c: dict[str, Any]) -> str:
    host, receiver = need(c, "httpAddr", "recieverId")
    scheme, netloc, _ = endpoint("onebot", host if "://" in host else "http://" + host)
    token = text(c.get("accessToken")).strip()
    target = f"%23{q(receiver)}" if c.get("msgType") == "group" else q(receiver)
    return f"{scheme}{q(token) + '@' if token else ''}{netloc}/{target}"


@mapper("nostr")
def _nostr(c: dict[str, Any]) -> str:
    sender, recipients = need(c, "sender", "recipients")
    relays = split_list(text(c.get("relays")).replace("\n", ","))
    url = f"nostr://{q(sender)}/" + "/".join(q(r) for r in split_list(recipients.replace("\n", ",")))
    return url + ("?" + "&".join(f"relay={q(r)}" for r in relays) if relays else "")


@mapper("evolution")
def _evolution(c: dict[str, Any]) -> str:
    api, token, instance, recipient = need(
        c, "evolutionApiUrl", "evolutionAuthToken", "evolutionInstanceName", "evolutionRecipient"
    )
    scheme, netloc, _ = endpoint("evolution", api)
    return f"{scheme}{q(token)}@{netloc}/{q(instance)}/{q(recipient)}"


@mapper("Bark")
def _bark(c: dict[str, Any]) -> str:
    (url,) = need(c, "barkEndpoint")
    scheme, netloc, _ = endpoint("bark", url)
    key = last_segment(url)
    if not key:
        raise NotificationError("Bark endpoint must end with the device key")
    return f"{scheme}{netloc}/{q(key)}" + query(group=c.get("barkGroup"), sound=c.get("barkSound"))


@mapper("gorush")
def _gorush(c: dict[str, Any]) -> str:
    server, device = need(c, "gorushServerURL", "gorushDeviceToken")
    scheme, netloc, _ = endpoint("gorush", server)
    platform = {"ios": "ios", "android": "android", "huawei": "huawei"}.get(text(c.get("gorushPlatform")).lower())
    return f"{scheme}{netloc}/{q(device)}" + query(
        platform=platform, priority=c.get("gorushPriority"), topic=c.get("gorushTopic")
    )


@mapper("PushDeer")
def _pushdeer(c: dict[str, Any]) -> str:
    (key,) = need(c, "pushdeerKey")
    server = text(c.get("pushdeerServer")).strip()
    if server:
        scheme, netloc, _ = endpoint("pushdeer", server)
        return f"{scheme}{netloc}/{q(key)}"
    return f"pushdeer://{q(key)}"


@mapper("pinglet")
def _pinglet(c: dict[str, Any]) -> str:
    url, token = need(c, "pingletPublishUrl", "pingletApiKey")
    scheme, netloc, path = endpoint("pinglet", url)
    prefix, namespace, topic = last_two(path, "Pinglet publish URL must end with /<namespace>/<topic>")
    return f"{scheme}{q(token)}@{netloc}/{prefix}{q(namespace)}/{q(topic)}"


@mapper("GoAlert")
def _goalert(c: dict[str, Any]) -> str:
    base, token = need(c, "goAlertBaseURL", "goAlertToken")
    scheme, netloc, path = endpoint("goalert", base)
    return f"{scheme}{netloc}/{prefix_of(path)}{q(token)}"


@mapper("Splunk")
def _splunk(c: dict[str, Any]) -> str:
    rest, routing = need(c, "splunkRestURL", "pagerdutyIntegrationKey")
    found = segments(urlsplit(rest).path)
    after_alert = found.index("alert") + 1 if "alert" in found else len(found)
    api_key = found[after_alert] if after_alert < len(found) else last_segment(rest)
    return f"splunk://{q(routing)}@{q(api_key)}"


@mapper("Flowtriq")
def _flowtriq(c: dict[str, Any]) -> str:
    url, key = need(c, "flowtriqWebhookUrl", "flowtriqApiKey")
    scheme, netloc, path = endpoint("flowtriq", url)
    return f"{scheme}{q(key)}@{netloc}/{path.strip('/') or 'webhook'}/"


@mapper("octopush")
def _octopush(c: dict[str, Any]) -> str:
    version = text(c.get("octopushVersion")) or "2"
    fields = (
        ("octopushLogin", "octopushAPIKey", "octopushPhoneNumber", "octopushSenderName")
        if version == "2"
        else ("octopushDMLogin", "octopushDMAPIKey", "octopushDMPhoneNumber", "octopushDMSenderName")
    )
    login, key, phone = need(c, *fields[:3])
    sender = text(c.get(fields[3])).strip()
    return f"octopush://{address(login)}/{q(key)}/{phones(phone)}" + query(sender=sender)


@mapper("SMSEagle")
def _smseagle(c: dict[str, Any]) -> str:
    url, token = need(c, "smseagleUrl", "smseagleToken")
    scheme, netloc, _ = endpoint("smseagle", url)
    kind = text(c.get("smseagleRecipientType")) or "smseagle-to"
    recipients = (
        c.get("smseagleRecipient")
        or c.get("smseagleRecipientTo")
        or c.get("smseagleRecipientContact")
        or c.get("smseagleRecipientGroup")
    )
    prefix = {"smseagle-contact": "@", "smseagle-group": "#"}.get(kind, "")
    targets = "/".join(prefix + q(r) for r in split_list(recipients))
    if not targets:
        raise NotificationError("Missing required field(s): smseagleRecipient")
    return f"{scheme}{q(token)}@{netloc}/{targets}" + query(priority=c.get("smseaglePriority"))


# -- the provider class ----------------------------------------------------------------------------------------


def apprise_url(config: dict[str, Any]) -> str:
    fn = MAPPERS.get(str(config.get("type")))
    if fn is None:
        raise NotificationError(f"Notification type {config.get('type')} is not supported yet")
    return fn(config)


def bridged_provider_class(key: str) -> type[Provider]:
    """A Provider for `key` that sends through apprise."""

    class Bridged(Provider):
        bridged = True

        async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
            url = apprise_url({**config, "type": key})
            title = text(config.get("title")) or "Uptime Kuma"
            await send_with_apprise([url], msg, title)
            return SENT

    Bridged.key = key
    Bridged.__name__ = Bridged.__qualname__ = f"Apprise_{key.replace('.', '_')}"
    return Bridged
