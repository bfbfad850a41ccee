"""smtp checks against aiosmtpd (plain, STARTTLS, implicit TLS) and raw TCP peers on 127.0.0.1."""
from __future__ import annotations

import ssl

import pytest
from aiosmtpd.controller import Controller

from kuma.monitors._http_tls import client_tls_context
from kuma.monitors.base import UP, CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.server import free_port
from tests.helpers.targets import closed_port, make_cert, silent_listener, tcp_listener

PREFIX = "SMTP connection doesn't verify: Error: "


class Sink:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return "250 OK"


class Recorder(Sink):
    def __init__(self):
        self.commands = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.commands.append(("EHLO", session.ssl is not None))
        session.host_name = hostname
        return responses

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        self.commands.append(("QUIT", session.ssl is not None))
        return "221 Bye"


@pytest.fixture
def trusted_cert(monkeypatch, tmp_path):
    """A leaf signed by a test root that the check trusts like a system CA (SSL_CERT_FILE)."""
    cert = make_cert(("localhost", "127.0.0.1"), self_signed=False, directory=tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", cert.ca_path)
    client_tls_context.cache_clear()
    yield cert
    monkeypatch.delenv("SSL_CERT_FILE")
    client_tls_context.cache_clear()


def server_context(cert):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert.chain_path, cert.key_path)
    return context


def smtp_server(handler, **kwargs):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller


async def check(port, security=None, **row):
    row.setdefault("hostname", "127.0.0.1")
    monitor = monitor_row(type="smtp", port=port, smtp_security=security, **row)
    return await get_monitor_type("smtp").check(monitor, CheckContext())


async def test_plain_server_verifies():
    recorder = Recorder()
    controller = smtp_server(recorder)
    try:
        result = await check(controller.port)
    finally:
        controller.stop()
    assert (result.status, result.msg, result.tls_info) == (UP, "SMTP connection verifies successfully", None)
    assert recorder.commands == [("EHLO", False), ("QUIT", False)]


async def test_starttls_advertised_is_used_and_reports_the_certificate(trusted_cert):
    recorder = Recorder()
    controller = smtp_server(recorder, tls_context=server_context(trusted_cert), require_starttls=True)
    try:
        result = await check(controller.port)  # default: upgrade when advertised
        required = await check(controller.port, "starttls")
    finally:
        controller.stop()
    assert result.msg == required.msg == "SMTP connection verifies successfully"
    assert recorder.commands[:3] == [("EHLO", False), ("EHLO", True), ("QUIT", True)]
    assert result.tls_info["valid"] is True
    assert result.tls_info["certInfo"]["subject"]["CN"] == "localhost"


async def test_starttls_required_but_not_offered_is_down():
    controller = smtp_server(Sink())
    try:
        with pytest.raises(CheckFailed, match=f"^{PREFIX}Error upgrading connection with STARTTLS: 454 TLS not available$"):
            await check(controller.port, "starttls")
        assert (await check(controller.port, "nostarttls")).status == UP
    finally:
        controller.stop()


async def test_untrusted_certificate_fails_the_upgrade(tmp_path):
    self_signed = make_cert(("localhost", "127.0.0.1"), directory=tmp_path)
    controller = smtp_server(Sink(), tls_context=server_context(self_signed))
    try:
        with pytest.raises(CheckFailed, match=f"^{PREFIX}Error initiating TLS - self-signed certificate$"):
            await check(controller.port, "starttls")
    finally:
        controller.stop()


async def test_implicit_tls(trusted_cert):
    controller = smtp_server(Sink(), ssl_context=server_context(trusted_cert))
    try:
        result = await check(controller.port, "secure")
        with pytest.raises(CheckFailed, match=f"^{PREFIX}"):  # plain text against a TLS port
            await check(controller.port, "nostarttls", timeout=2)
    finally:
        controller.stop()
    assert result.msg == "SMTP connection verifies successfully"
    assert result.tls_info["valid"] is True


async def test_refused_bad_greeting_and_timeouts():
    port = closed_port()
    with pytest.raises(CheckFailed, match=f"^{PREFIX}connect ECONNREFUSED 127.0.0.1:{port}$"):
        await check(port)
    with tcp_listener(answer=b"554 5.3.2 go away\r\n") as rude:
        with pytest.raises(CheckFailed, match=f"^{PREFIX}Invalid greeting. response=554 5.3.2 go away: 554"):
            await check(rude)
    with silent_listener() as silent:
        with pytest.raises(CheckFailed, match=f"^{PREFIX}Greeting never received$"):
            await check(silent, timeout=0.5)
