"""Provider keys kuma sends through the apprise library: each maps the stored form to an apprise URL.

A mapper is a pure function `config -> apprise URL` (raising NotificationError when a required field is
missing). The send runs apprise in a worker thread (it is blocking), so the Trio loop never waits on it.
Keys with no mapper and no native module are stored unchanged and answer "not supported yet".
"""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from kuma.notifications.apprise_send import send_with_apprise
from kuma.notifications.common import SENT, NotificationError, Provider, as_bool, split_list, text

Mapper = Callable[[dict[str, Any]], str]
MAPPERS: dict[str, Mapper] = {}


def mapper(key: str):
    def decorator(fn: Mapper) -> Mapper:
        MAPPERS[key] = fn
        return fn
    return decorator


def q(value: Any) -> str:
    """One URL component, every reserved character escaped."""
    return quote(text(value).strip(), safe="")


def need(config: dict, *fields: str) -> list[str]:
    values = [text(config.get(f)).strip() for f in fields]
    missing = [f for f, v in zip(fields, values) if not v]
    if missing:
        raise NotificationError(f"Missing required field(s): {', '.join(missing)}")
    return values


def query(**params: Any) -> str:
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


def host_of(url: str) -> tuple[bool, str, str]:
    """(secure, host[:port], path) of an http(s) URL from a form."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotificationError(f"Invalid URL: {url}")
    return parts.scheme == "https", parts.netloc, parts.path


def last_segment(url: str) -> str:
    return [p for p in urlsplit(url.strip()).path.split("/") if p][-1] if [
        p for p in urlsplit(url.strip()).path.split("/") if p] else ""


# -- messaging / chat -------------------------------------------------------------------------------

@mapper("bale")
def _bale(c):
    token, chat = need(c, "baleBotToken", "baleChatID")
    return f"bale://{q(token)}/{q(chat)}"


@mapper("Kook")
def _kook(c):
    token, guild = need(c, "kookBotToken", "kookGuildID")
    return f"kook://{q(token)}/{q(guild)}"


@mapper("line")
def _line(c):
    token, user = need(c, "lineChannelAccessToken", "lineUserID")
    return f"line://{q(token)}/{q(user)}"


@mapper("Feishu")
def _feishu(c):
    (url,) = need(c, "feishuWebHookUrl")
    return f"feishu://{q(last_segment(url))}"


@mapper("DingDing")
def _dingding(c):
    (url,) = need(c, "webHookUrl")
    token = (parse_qs(urlsplit(url).query).get("access_token") or [last_segment(url)])[0]
    secret = text(c.get("secretKey")).strip()
    targets = "/".join(q(m) for m in split_list(c.get("mobileList"))) if as_bool(c.get("mentioning")) else ""
    return f"dingtalk://{q(secret) + '@' if secret else ''}{q(token)}/{targets + '/' if targets else ''}"


@mapper("WeCom")
def _wecom(c):
    (key,) = need(c, "weComBotKey")
    return f"wecombot://{q(key)}"


@mapper("nextcloudtalk")
def _nextcloudtalk(c):
    host, room, secret = need(c, "host", "conversationToken", "botSecret")
    secure, netloc, path = host_of(host if "://" in host else "https://" + host)
    prefix = path.strip("/")
    return f"nctalk{'s' if secure else ''}://{netloc}/{q(room)}" + query(secret=secret, url_prefix=prefix or None)


@mapper("ZohoCliq")
def _zoho_cliq(c):
    (url,) = need(c, "webhookUrl")
    parts = urlsplit(url)
    token = (parse_qs(parts.query).get("zapikey") or [""])[0]
    segments = [p for p in parts.path.split("/") if p]
    channel = segments[segments.index("channelsbyname") + 1] if "channelsbyname" in segments else (
        segments[-2] if len(segments) >= 2 else "")
    if not token or not channel:
        raise NotificationError("Zoho Cliq webhook URL must contain the channel name and zapikey")
    return f"cliq://{q(token)}/{q(channel)}"


@mapper("stackfield")
def _stackfield(c):
    (url,) = need(c, "stackfieldwebhookURL")
    return f"stackfield://{q(last_segment(url))}"


@mapper("fluxer")
def _fluxer(c):
    (url,) = need(c, "fluxerWebhookUrl")
    secure, netloc, path = host_of(url)
    segments = [p for p in path.split("/") if p]
    if len(segments) < 2:
        raise NotificationError("Fluxer webhook URL must end with /<id>/<token>")
    prefix = "/".join(segments[:-2])
    return f"fluxer{'s' if secure else ''}://{netloc}/{prefix + '/' if prefix else ''}{segments[-2]}/{segments[-1]}"


@mapper("OneBot")
def _onebot(c):
    address, receiver = need(c, "httpAddr", "recieverId")
    secure, netloc, _ = host_of(address if "://" in address else "http://" + address)
    token = text(c.get("accessToken")).strip()
    target = f"%23{q(receiver)}" if c.get("msgType") == "group" else q(receiver)
    return f"onebot{'s' if secure else ''}://{q(token) + '@' if token else ''}{netloc}/{target}"


@mapper("nostr")
def _nostr(c):
    sender, recipients = need(c, "sender", "recipients")
    relays = split_list(text(c.get("relays")).replace("\n", ","))
    url = f"nostr://{q(sender)}/" + "/".join(q(r) for r in split_list(recipients.replace("\n", ",")))
    return url + ("?" + "&".join(f"relay={q(r)}" for r in relays) if relays else "")


@mapper("evolution")
def _evolution(c):
    api, token, instance, recipient = need(c, "evolutionApiUrl", "evolutionAuthToken", "evolutionInstanceName",
                                           "evolutionRecipient")
    secure, netloc, _ = host_of(api)
    return f"evolution{'s' if secure else ''}://{q(token)}@{netloc}/{q(instance)}/{q(recipient)}"


@mapper("whapi")
def _whapi(c):
    token, recipient = need(c, "whapiAuthToken", "whapiRecipient")
    return f"whapi://{q(token)}/{q(recipient)}"


@mapper("threema")
def _threema(c):
    gateway, secret, recipient = need(c, "threemaSenderIdentity", "threemaSecret", "threemaRecipient")
    return f"threema://{q(gateway)}@{q(secret)}/{q(recipient)}"


# -- push services -------------------------------------------------------------------------------------

@mapper("Bark")
def _bark(c):
    (endpoint,) = need(c, "barkEndpoint")
    secure, netloc, path = host_of(endpoint)
    key = last_segment(endpoint)
    if not key:
        raise NotificationError("Bark endpoint must end with the device key")
    return f"bark{'s' if secure else ''}://{netloc}/{q(key)}" + query(group=c.get("barkGroup"),
                                                                        sound=c.get("barkSound"))


@mapper("gorush")
def _gorush(c):
    server, device = need(c, "gorushServerURL", "gorushDeviceToken")
    secure, netloc, _ = host_of(server)
    platform = {"ios": "ios", "android": "android", "huawei": "huawei"}.get(text(c.get("gorushPlatform")).lower())
    return f"gorush{'s' if secure else ''}://{netloc}/{q(device)}" + query(
        platform=platform, priority=c.get("gorushPriority"), topic=c.get("gorushTopic"))


@mapper("PushDeer")
def _pushdeer(c):
    (key,) = need(c, "pushdeerKey")
    server = text(c.get("pushdeerServer")).strip()
    if server:
        secure, netloc, _ = host_of(server)
        return f"pushdeer{'s' if secure else ''}://{netloc}/{q(key)}"
    return f"pushdeer://{q(key)}"


@mapper("PushPlus")
def _pushplus(c):
    (key,) = need(c, "pushPlusSendKey")
    return f"pushplus://{q(key)}"


@mapper("pushy")
def _pushy(c):
    key, token = need(c, "pushyAPIKey", "pushyToken")
    return f"pushy://{q(key)}/{q(token)}"


@mapper("ServerChan")
def _serverchan(c):
    (key,) = need(c, "serverChanSendKey")
    return f"schan://{q(key)}"


@mapper("SpugPush")
def _spugpush(c):
    (key,) = need(c, "templateKey")
    return f"spugpush://{q(key)}"


@mapper("PushByTechulus")
def _techulus(c):
    (key,) = need(c, "pushAPIKey")
    return f"push://{q(key)}"


@mapper("WPush")
def _wpush(c):
    (key,) = need(c, "wpushAPIkey")
    return f"wpush://{q(key)}" + query(channel=c.get("wpushChannel"))


@mapper("pinglet")
def _pinglet(c):
    url, token = need(c, "pingletPublishUrl", "pingletApiKey")
    secure, netloc, path = host_of(url)
    segments = [p for p in path.split("/") if p]
    if len(segments) < 2:
        raise NotificationError("Pinglet publish URL must end with /<namespace>/<topic>")
    prefix = "/".join(segments[:-2])
    return (f"pinglet{'s' if secure else ''}://{q(token)}@{netloc}/{prefix + '/' if prefix else ''}"
            f"{q(segments[-2])}/{q(segments[-1])}")


# -- incident / on-call ----------------------------------------------------------------------------------

@mapper("GoAlert")
def _goalert(c):
    base, token = need(c, "goAlertBaseURL", "goAlertToken")
    secure, netloc, path = host_of(base)
    prefix = path.strip("/")
    return f"goalert{'s' if secure else ''}://{netloc}/{prefix + '/' if prefix else ''}{q(token)}"


@mapper("PagerTree")
def _pagertree(c):
    (url,) = need(c, "pagertreeIntegrationUrl")
    urgency = text(c.get("pagertreeUrgency")).lower() or None
    return f"pagertree://{q(last_segment(url))}" + query(urgency=urgency)


@mapper("SIGNL4")
def _signl4(c):
    (url,) = need(c, "webhookURL")
    return f"signl4://{q(last_segment(url))}"


@mapper("squadcast")
def _squadcast(c):
    (url,) = need(c, "squadcastWebhookURL")
    return f"squadcast://{q(last_segment(url))}"


@mapper("Splunk")
def _splunk(c):
    rest, routing = need(c, "splunkRestURL", "pagerdutyIntegrationKey")
    segments = [p for p in urlsplit(rest).path.split("/") if p]
    api_key = segments[segments.index("alert") + 1] if "alert" in segments and \
        segments.index("alert") + 1 < len(segments) else last_segment(rest)
    return f"splunk://{q(routing)}@{q(api_key)}"


@mapper("JiraServiceManagement")
def _jira(c):
    (token,) = need(c, "jsmApiToken")
    priority = text(c.get("jsmPriority")).strip() or None
    return f"jira://{q(token)}" + query(priority=priority)


@mapper("Flowtriq")
def _flowtriq(c):
    url, key = need(c, "flowtriqWebhookUrl", "flowtriqApiKey")
    secure, netloc, path = host_of(url)
    return f"flowtriq{'s' if secure else ''}://{q(key)}@{netloc}/{path.strip('/') or 'webhook'}/"


# -- SMS ---------------------------------------------------------------------------------------------------

@mapper("Elks")
def _elks(c):
    user, token, sender, to = need(c, "elksUsername", "elksAuthToken", "elksFromNumber", "elksToNumber")
    return f"46elks://{q(user)}:{q(token)}@{q(sender)}/{phones(to)}"


@mapper("clicksendsms")
def _clicksend(c):
    user, key, to = need(c, "clicksendsmsLogin", "clicksendsmsPassword", "clicksendsmsToNumber")
    return f"clicksend://{q(user)}:{q(key)}@{phones(to)}"


@mapper("FreeMobile")
def _freemobile(c):
    user, password = need(c, "freemobileUser", "freemobilePass")
    return f"freemobile://{q(user)}@{q(password)}"


@mapper("octopush")
def _octopush(c):
    version = text(c.get("octopushVersion")) or "2"
    fields = ("octopushLogin", "octopushAPIKey", "octopushPhoneNumber", "octopushSenderName") if version == "2" \
        else ("octopushDMLogin", "octopushDMAPIKey", "octopushDMPhoneNumber", "octopushDMSenderName")
    login, key, phone = need(c, *fields[:3])
    sender = text(c.get(fields[3])).strip()
    return f"octopush://{address(login)}/{q(key)}/{phones(phone)}" + query(sender=sender)


@mapper("plivo")
def _plivo(c):
    auth_id, token, sender, to = need(c, "plivoAuthID", "plivoAuthToken", "plivoFromNumber", "plivoToNumber")
    return f"plivo://{q(auth_id)}@{q(token)}/{q(sender)}/{phones(to)}"


@mapper("serwersms")
def _serwersms(c):
    user, password, sender, to = need(c, "serwersmsUsername", "serwersmsPassword", "serwersmsSenderName",
                                      "serwersmsPhoneNumber")
    return f"serwersms://{q(user)}:{q(password)}@{q(sender)}/{phones(to)}"


@mapper("SevenIO")
def _seven(c):
    key, to = need(c, "sevenioApiKey", "sevenioReceiver")
    return f"seven://{q(key)}/{phones(to)}" + query(**{"from": c.get("sevenioSender")})


@mapper("smsc")
def _smsc(c):
    user, password, to = need(c, "smscLogin", "smscPassword", "smscToNumber")
    return f"smsc://{q(user)}:{q(password)}@{phones(to)}" + query(sender=c.get("smscSenderName"),
                                                                  translit=c.get("smscTranslit"))


@mapper("SMSEagle")
def _smseagle(c):
    url, token = need(c, "smseagleUrl", "smseagleToken")
    secure, netloc, _ = host_of(url)
    kind = text(c.get("smseagleRecipientType")) or "smseagle-to"
    recipients = c.get("smseagleRecipient") or c.get("smseagleRecipientTo") or c.get("smseagleRecipientContact") \
        or c.get("smseagleRecipientGroup")
    prefix = {"smseagle-contact": "@", "smseagle-group": "#"}.get(kind, "")
    targets = "/".join(prefix + q(r) for r in split_list(recipients))
    if not targets:
        raise NotificationError("Missing required field(s): smseagleRecipient")
    return f"smseagle{'s' if secure else ''}://{q(token)}@{netloc}/{targets}" + query(
        priority=c.get("smseaglePriority"))


@mapper("SMSManager")
def _smsmanager(c):
    key, numbers = need(c, "smsmanagerApiKey", "numbers")
    gateway = text(c.get("messageType")).lower() or None
    return f"smsmgr://{q(key)}@{phones(numbers)}" + query(gateway=gateway)


@mapper("telnyx")
def _telnyx(c):
    key, sender, to = need(c, "telnyxApiKey", "telnyxPhoneNumber", "telnyxToNumber")
    return f"telnyx://{q(key)}@{q(sender)}/{phones(to)}" + query(profile=c.get("telnyxMessagingProfileId"))


@mapper("twilio")
def _twilio(c):
    sid, token, sender, to = need(c, "twilioAccountSID", "twilioAuthToken", "twilioFromNumber", "twilioToNumber")
    return f"twilio://{q(sid)}:{q(token)}@{q(sender)}/{phones(to)}"


# -- e-mail APIs ---------------------------------------------------------------------------------------------

@mapper("SendGrid")
def _sendgrid(c):
    key, sender, to = need(c, "sendgridApiKey", "sendgridFromEmail", "sendgridToEmail")
    return f"sendgrid://{q(key)}:{address(sender)}/{emails(to)}" + query(cc=emails(c.get("sendgridCcEmail")),
                                                                   bcc=emails(c.get("sendgridBccEmail")))


@mapper("Brevo")
def _brevo(c):
    key, sender, to = need(c, "brevoApiKey", "brevoFromEmail", "brevoToEmail")
    return f"brevo://{q(key)}:{address(sender)}/{emails(to)}" + query(cc=emails(c.get("brevoCcEmail")),
                                                                bcc=emails(c.get("brevoBccEmail")))


@mapper("Resend")
def _resend(c):
    key, sender, to = need(c, "resendApiKey", "resendFromEmail", "resendToEmail")
    return f"resend://{q(key)}:{address(sender)}/{emails(to)}" + query(name=c.get("resendFromName"))


# -- the provider class ----------------------------------------------------------------------------------------

def apprise_url(config: dict[str, Any]) -> str:
    fn = MAPPERS.get(config.get("type"))
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
