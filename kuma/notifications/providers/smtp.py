"""smtp (email): stdlib smtplib in a worker thread — implicit TLS or STARTTLS, auth, CC/BCC, templates.

DKIM signing fields are stored but not applied (no DKIM library in kuma's dependencies).
"""

from __future__ import annotations

import json
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import trio

from kuma.notifications.base import (
    SENT,
    NotificationError,
    Provider,
    as_bool,
    as_int,
    register,
    split_list,
    text,
    time_field,
)
from kuma.notifications.templates import render

TIMEOUT = 30.0


def build_message(config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> EmailMessage:
    """The e-mail as Uptime Kuma builds it: the custom subject and body templates when set, else the message
    and the beat's time."""
    subject = msg
    if text(config.get("customSubject")).strip():
        subject = render(text(config["customSubject"]), msg, monitor, heartbeat).strip() or msg
    body = msg
    if heartbeat is not None:
        name, value = time_field(heartbeat)
        body += f"\n{name}: {value}"
    html = False
    if text(config.get("customBody")).strip():
        body = render(text(config["customBody"]), msg, monitor, heartbeat)
        html = as_bool(config.get("htmlBody"))
    message = EmailMessage()
    message["From"] = text(config.get("smtpFrom"))
    message["To"] = ", ".join(split_list(config.get("smtpTo")))
    if split_list(config.get("smtpCC")):
        message["Cc"] = ", ".join(split_list(config.get("smtpCC")))
    message["Subject"] = subject.replace("\n", " ")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="uptime-kuma")
    extra = config.get("smtpAdditionalHeaders")
    if extra:
        try:
            headers = json.loads(extra) if isinstance(extra, str) else extra
        except ValueError:
            raise NotificationError("Additional Headers is not a valid JSON") from None
        if isinstance(headers, dict):
            for key, value in headers.items():
                message[str(key)] = text(value)
    if html:
        message.set_content(body, subtype="html")
    else:
        message.set_content(body)
    return message


def _deliver(config: dict, message: EmailMessage) -> None:
    host = text(config.get("smtpHost"))
    port = as_int(config.get("smtpPort"), 465 if as_bool(config.get("smtpSecure")) else 587)
    context = ssl.create_default_context()
    if as_bool(config.get("smtpIgnoreTLSError")):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if as_bool(config.get("smtpSecure")):
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=TIMEOUT)
    with client:
        client.ehlo()
        if (
            not as_bool(config.get("smtpSecure"))
            and not as_bool(config.get("smtpIgnoreSTARTTLS"))
            and client.has_extn("starttls")
        ):
            client.starttls(context=context)
            client.ehlo()
        if text(config.get("smtpUsername")) or text(config.get("smtpPassword")):
            _login(client, text(config.get("smtpUsername")), text(config.get("smtpPassword")))
        recipients = (
            split_list(config.get("smtpTo")) + split_list(config.get("smtpCC")) + split_list(config.get("smtpBCC"))
        )
        client.send_message(message, from_addr=text(config.get("smtpFrom")) or None, to_addrs=recipients)


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """One attempt with the first offered of PLAIN, LOGIN (a failed login is not retried per mechanism)."""
    offered = (client.esmtp_features.get("auth") or "").upper().split()
    for mechanism, method in (("PLAIN", client.auth_plain), ("LOGIN", client.auth_login)):
        if mechanism in offered:
            client.user, client.password = user, password
            client.auth(mechanism, method)
            return
    client.login(user, password)


@register("smtp")
class Smtp(Provider):
    async def send(self, config: dict, msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        message = build_message(config, msg, monitor, heartbeat)
        try:
            await trio.to_thread.run_sync(_deliver, config, message, abandon_on_cancel=True)
        except smtplib.SMTPResponseException as exc:
            detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
            raise NotificationError(f"{detail} (code={exc.smtp_code})") from exc
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            raise NotificationError(str(exc) or type(exc).__name__) from exc
        return SENT
