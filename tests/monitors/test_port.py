"""port checks against real local TCP/TLS listeners."""
from __future__ import annotations

import re
import socket

import pytest
import trio

from kuma.monitors._http_tls import client_tls_context
from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port, make_cert, tcp_listener, tls_listener


async def check(port, **row):
    row.setdefault("hostname", "127.0.0.1")
    return await get_monitor_type("port").check(monitor_row(type="port", port=port, **row), CheckContext())


async def test_port_up_message_is_connect_ms():
    with tcp_listener() as port:
        result = await check(port)
    assert result.status == 1
    assert re.fullmatch(r"\d+ ms", result.msg)
    assert result.msg == f"{result.ping} ms"
    assert isinstance(result.ping, int)


async def test_port_refused_is_connection_failed():
    with pytest.raises(CheckFailed, match="^Connection failed$"):
        await check(closed_port())
    with pytest.raises(CheckFailed, match="^Connection failed$"):
        await check(closed_port(), hostname="no-such-host.invalid")


async def test_port_connect_that_hangs_is_cut_by_the_timeout():
    """A listener whose accept queue is full drops SYNs, so connect() hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    try:
        start = trio.current_time()
        with pytest.raises(CheckFailed, match="^Connection failed$"):
            await check(port, timeout=0.5)
        assert trio.current_time() - start < 5
    finally:
        for filler in fillers:
            filler.close()
        server.close()


async def test_port_expected_tls_alert(tmp_path):
    cert = make_cert(self_signed=False, directory=tmp_path)
    with tls_listener(cert, require_client_cert=True) as port:
        result = await check(port, expected_tls_alert="certificate_required")
        assert result.msg == "TLS alert received as expected: certificate_required"
        with pytest.raises(CheckFailed, match="^Expected TLS alert 'bad_certificate' but received 'certificate_required'$"):
            await check(port, expected_tls_alert="bad_certificate")
    with tls_listener(cert) as port:
        with pytest.raises(CheckFailed, match="but the TLS handshake succeeded$"):
            await check(port, expected_tls_alert="certificate_required")


async def test_port_tls_certificate_checked_when_asked(tmp_path, monkeypatch):
    self_signed = make_cert(directory=tmp_path / "self")
    with tls_listener(self_signed) as port:
        with pytest.raises(CheckFailed, match="^self-signed certificate$"):
            await check(port, smtp_security="secure", expiry_notification=1)
        assert (await check(port, smtp_security="secure", expiry_notification=0)).tls_info is None

    chain = make_cert(self_signed=False, days=30, directory=tmp_path / "chain")
    monkeypatch.setenv("SSL_CERT_FILE", chain.ca_path)
    client_tls_context.cache_clear()
    try:
        with tls_listener(chain, smtp=True) as port:
            result = await check(port, smtp_security="starttls", expiry_notification=1)
        assert re.fullmatch(r"\d+ ms", result.msg)
        assert result.tls_info["valid"] is True
        assert result.tls_info["certInfo"]["daysRemaining"] == 30
        assert result.tls_info["certInfo"]["issuerCertificate"]["certType"] == "intermediate CA"
    finally:
        monkeypatch.delenv("SSL_CERT_FILE")
        client_tls_context.cache_clear()
