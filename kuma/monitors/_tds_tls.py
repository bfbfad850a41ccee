"""TLS for python-tds: its context is built from a CA file; `TrustServerCertificate=true` needs one that
accepts any certificate, which python-tds cannot express, so its context factory is wrapped once here.

A marker path stands for "trust any certificate"; every other path is python-tds's own verified context.
"""

from __future__ import annotations

from typing import Any

TRUST_ANY = "<kuma: trust server certificate>"
_installed = False


def cafile(trust_certificate: bool) -> str:
    """The CA bundle to verify against (certifi's), or the trust-any marker; installs the wrapper."""
    _install()
    if trust_certificate:
        return TRUST_ANY
    import certifi

    return certifi.where()


def _install() -> None:
    global _installed
    if _installed:
        return
    import OpenSSL.SSL
    import pytds
    import pytds.tls

    original = pytds.tls.create_context

    def create_context(path: str) -> Any:
        if path != TRUST_ANY:
            return original(path)
        context = OpenSSL.SSL.Context(OpenSSL.SSL.TLS_CLIENT_METHOD)
        context.set_verify(OpenSSL.SSL.VERIFY_NONE, lambda *args: True)
        return context

    pytds.tls.create_context = create_context
    pytds.tls = pytds.tls
    _installed = True
