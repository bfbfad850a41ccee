"""TLS for the HTTP checks: client contexts (cached, or per row for mTLS), the certificate info of the
connection that carried the response, and the extra verifying handshake that tells whether a chain is
trusted when the monitor ignores TLS errors (Node reports `authorized` either way).
"""

from __future__ import annotations

import functools
import os
import ssl
import tempfile
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import trio

from kuma.monitors._common import as_bool
from kuma.monitors._tls_info import chain_from_ssl_object, tls_info
from kuma.monitors.base import CheckFailed


def trusted_roots_file() -> str:
    """The CA bundle: `SSL_CERT_FILE` when set, else certifi's."""
    import certifi

    return os.environ.get("SSL_CERT_FILE") or certifi.where()


def _new_client_context(verify: bool, cafile: str | None) -> ssl.SSLContext:
    """A client context that verifies against `cafile` (default: the trusted roots), or checks nothing."""
    if verify:
        context = ssl.create_default_context(cafile=cafile or trusted_roots_file())
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0)
    return context


@functools.lru_cache(maxsize=8)
def client_tls_context(verify: bool, cafile: str | None) -> ssl.SSLContext:
    """Contexts are costly to build (CA bundle parsing), so one per (verify, cafile) is reused."""
    return _new_client_context(verify, cafile)


def ssl_context(monitor: Mapping[str, Any]) -> ssl.SSLContext:
    """Verification per `ignore_tls`; mTLS adds the client certificate and the CA from the row."""
    verify = not as_bool(monitor.get("ignore_tls"))
    if (monitor.get("auth_method") or "") != "mtls":
        return client_tls_context(verify, None)
    context = _new_client_context(verify, None)  # its own: the row's certificates are loaded into it
    ca = (monitor.get("tls_ca") or "").strip()
    if ca and verify:
        context.load_verify_locations(cadata=ca)
    cert, key = (monitor.get("tls_cert") or "").strip(), (monitor.get("tls_key") or "").strip()
    if cert:
        with tempfile.TemporaryDirectory(prefix="kuma-mtls-") as folder:
            cert_path, key_path = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
            with open(cert_path, "w") as handle:
                handle.write(cert + "\n")
            with open(key_path, "w") as handle:
                handle.write((key or cert) + "\n")
            try:
                context.load_cert_chain(cert_path, key_path)
            except (ssl.SSLError, ValueError) as exc:
                raise CheckFailed(f"Invalid client certificate or key: {exc}") from None
    return context


@functools.lru_cache(maxsize=4)
def chain_check_context(cafile: str) -> ssl.SSLContext:
    """Verifies the chain only: the host name is not what `chain_trusted` asks about."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cafile=cafile)
    context.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0)
    return context


async def chain_trusted(url: str, timeout: float) -> bool:
    """Does the server's certificate chain verify against the trusted roots (host name not checked)?"""
    parts = urlsplit(url)
    context = chain_check_context(trusted_roots_file())
    with trio.move_on_after(timeout):
        try:
            stream = await trio.open_ssl_over_tcp_stream(
                parts.hostname or "", parts.port or 443, ssl_context=context, https_compatible=True
            )
        except OSError:
            return False
        try:
            await stream.do_handshake()
            return True
        except (OSError, ssl.SSLError, trio.BrokenResourceError):
            return False
        finally:
            await trio.aclose_forcefully(stream)
    return False


def tls_from_response(response: Any, verified: bool, url: str, now: datetime) -> dict[str, Any] | None:
    """Certificate info of the connection that carried the final response (HTTPS only)."""
    if response.url.scheme != "https":
        return None
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is None:
        return None
    try:
        chain = chain_from_ssl_object(ssl_object, verified)
    except Exception:  # certificate decoding must never turn a good check into a failure
        return None
    return tls_info(chain, verified, urlsplit(url).hostname, now)
