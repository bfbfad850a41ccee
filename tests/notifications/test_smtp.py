"""smtp provider against a local aiosmtpd server: envelope, headers, body, STARTTLS and auth."""
from __future__ import annotations

import datetime
import email
import ssl
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from kuma.notifications.base import NotificationError, send_notification
from tests.helpers.server import free_port


class Inbox:
    def __init__(self):
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "c.pem", tmp_path / "k.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


async def test_event_mail(smtp_server):
    controller, inbox = smtp_server
    config = {"type": "smtp", "smtpHost": "127.0.0.1", "smtpPort": controller.port, "smtpSecure": False,
              "smtpFrom": "kuma@example.org", "smtpTo": "ops@example.org, dev@example.org", "smtpCC": "cc@example.org",
              "smtpBCC": "audit@example.org", "smtpAdditionalHeaders": '{"X-Kuma": "1"}'}
    heartbeat = {"status": 0, "msg": "boom", "timezone": "UTC", "localDateTime": "2026-11-26 10:07:14"}
    result = await send_notification(config, "[Web] [🔴 Down] boom", {"name": "Web", "type": "http"}, heartbeat)
    assert result == "Sent Successfully."
    ((sender, rcpts, message),) = inbox.messages
    assert sender == "kuma@example.org"
    assert rcpts == ["ops@example.org", "dev@example.org", "cc@example.org", "audit@example.org"]
    assert message["Subject"] == "[Web] [🔴 Down] boom"
    assert message["To"] == "ops@example.org, dev@example.org" and message["Cc"] == "cc@example.org"
    assert message["Bcc"] is None and message["X-Kuma"] == "1"
    assert message.get_content().replace("\r\n", "\n") == "[Web] [🔴 Down] boom\nTime (UTC): 2026-11-26 10:07:14\n"


async def test_custom_subject_and_html_body(smtp_server):
    controller, inbox = smtp_server
    config = {"type": "smtp", "smtpHost": "127.0.0.1", "smtpPort": controller.port, "smtpFrom": "a@b.c",
              "smtpTo": "d@e.f", "customSubject": "{{ STATUS }} {{ NAME }}",
              "customBody": "<b>{{ msg }}</b> {{ hostnameOrURL }}", "htmlBody": True}
    await send_notification(config, "m", {"name": "Web", "type": "http", "url": "https://x.test"},
                            {"status": 1, "msg": "ok"})
    ((_, _, message),) = inbox.messages
    assert message["Subject"] == "✅ Up Web"
    assert message.get_content_type() == "text/html"
    assert message.get_content().strip() == "<b>m</b> https://x.test"


async def test_starttls_with_auth(tmp_path):
    inbox = Inbox()
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((mechanism, auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"pw", handled=False)

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=_self_signed(tmp_path),
                            require_starttls=True, authenticator=authenticator)
    controller.start()
    try:
        base = {"type": "smtp", "smtpHost": "127.0.0.1", "smtpPort": controller.port, "smtpFrom": "a@b.c",
                "smtpTo": "d@e.f", "smtpUsername": "user", "smtpIgnoreTLSError": True}
        await send_notification({**base, "smtpPassword": "pw"}, "Mail Testing")
        with pytest.raises(NotificationError, match=r"\(code=535\)"):
            await send_notification({**base, "smtpPassword": "wrong"}, "Mail Testing")
        with pytest.raises(NotificationError):  # certificate not trusted without smtpIgnoreTLSError
            await send_notification({**base, "smtpPassword": "pw", "smtpIgnoreTLSError": False}, "Mail Testing")
    finally:
        controller.stop()
    ((_, _, message),) = inbox.messages
    assert message["Subject"] == "Mail Testing" and message.get_content().strip() == "Mail Testing"
    assert seen[0][1:] == (b"user", b"pw")
