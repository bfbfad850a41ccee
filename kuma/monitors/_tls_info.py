"""TLS certificate info in the shape Uptime Kuma stores in `monitor_tls_info.info_json` (data-model §6).

`{"valid": bool, "certInfo": {subject, issuer, subjectaltname, valid_from, valid_to, serialNumber,
fingerprint, fingerprint256, fingerprint512, validTo, validFor, daysRemaining, certType, issuerCertificate},
"hostnameMatchMonitorUrl": bool}` — `issuerCertificate` nests the next certificate of the chain (null at the
end). Node's `raw`, `pubkey`, `modulus` members are left out: nothing reads them and they bloat the row.

Input is what Python's ssl layer gives: per certificate the decoded dict (`getpeercert()` shape) and the DER
bytes. Everything here is pure so it is tested without sockets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
from typing import Any

#: OpenSSL long attribute names → the short keys Node uses in `subject`/`issuer`.
_SHORT_NAMES = {
    "countryName": "C",
    "stateOrProvinceName": "ST",
    "localityName": "L",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "commonName": "CN",
    "emailAddress": "emailAddress",
    "serialNumber": "serialNumber",
    "domainComponent": "DC",
    "businessCategory": "businessCategory",
    "jurisdictionCountryName": "jurisdictionC",
    "streetAddress": "street",
    "postalCode": "postalCode",
}
_OPENSSL_TIME = "%b %d %H:%M:%S %Y %Z"


def _name(rdns: Any) -> dict[str, Any]:
    """Python's ((('commonName', 'x'),), …) → Node's {"CN": "x"}; repeated attributes become lists."""
    out: dict[str, Any] = {}
    for rdn in rdns or ():
        for key, value in rdn:
            short = _SHORT_NAMES.get(key, key)
            if short in out:
                out[short] = (out[short] if isinstance(out[short], list) else [out[short]]) + [value]
            else:
                out[short] = value
    return out


def _fingerprint(der: bytes, algorithm: str) -> str:
    digest = hashlib.new(algorithm, der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def parse_openssl_time(text: str) -> dt.datetime:
    """'Nov 26 10:00:00 2026 GMT' → aware UTC datetime."""
    return dt.datetime.strptime(" ".join(text.split()), _OPENSSL_TIME).replace(tzinfo=dt.UTC)


def js_iso(moment: dt.datetime) -> str:
    """JavaScript's Date.toJSON(): 2026-11-26T10:00:00.000Z."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def days_remaining(valid_to: dt.datetime, now: dt.datetime) -> int:
    """Whole days left, rounded to the nearest day, never negative (an expired cert has 0 days)."""
    days = (valid_to - now).total_seconds() / 86400
    return max(0, math.floor(days + 0.5))


def _san_text(info: dict[str, Any]) -> str | None:
    entries = info.get("subjectAltName") or ()
    return ", ".join(f"{kind}:{value}" for kind, value in entries) if entries else None


def cert_entry(info: dict[str, Any], der: bytes, now: dt.datetime) -> dict[str, Any]:
    """One certificate as Node's detailed peer certificate plus Uptime Kuma's added fields."""
    entry: dict[str, Any] = {"subject": _name(info.get("subject")), "issuer": _name(info.get("issuer"))}
    san = _san_text(info)
    if san is not None:
        entry["subjectaltname"] = san
    entry["valid_from"] = info.get("notBefore")
    entry["valid_to"] = info.get("notAfter")
    entry["serialNumber"] = info.get("serialNumber")
    entry["fingerprint"] = _fingerprint(der, "sha1")
    entry["fingerprint256"] = _fingerprint(der, "sha256")
    entry["fingerprint512"] = _fingerprint(der, "sha512")
    if info.get("notAfter"):
        valid_to = parse_openssl_time(info["notAfter"])
        entry["validTo"] = js_iso(valid_to)
        entry["validFor"] = [value for _, value in info.get("subjectAltName") or ()] or None
        entry["daysRemaining"] = days_remaining(valid_to, now)
    return entry


def build_cert_info(chain: list[tuple[dict[str, Any], bytes]], now: dt.datetime) -> dict[str, Any] | None:
    """The leaf with `issuerCertificate` links down the chain and `certType` on each link.

    The walk stops at a certificate that issued itself or repeats: that one is "self-signed" when it is the
    leaf, else "root CA"; links before it are "server" (leaf) and "intermediate CA".
    """
    if not chain:
        return None
    entries = [cert_entry(info, der, now) for info, der in chain]
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        seen.add(entry["fingerprint"])
        following = entries[index + 1] if index + 1 < len(entries) else None
        self_issued = entry["subject"] == entry["issuer"]
        if following is None or self_issued or following["fingerprint"] in seen:
            entry["certType"] = "self-signed" if index == 0 else "root CA"
            entry["issuerCertificate"] = None
            break
        entry["certType"] = "server" if index == 0 else "intermediate CA"
        entry["issuerCertificate"] = following
    return entries[0]


def hostname_matches(info: dict[str, Any], hostname: str | None) -> bool:
    """Does the leaf certificate cover `hostname` (SAN DNS with one-label wildcards, SAN IPs, else CN)?"""
    if not hostname:
        return False
    host = hostname.strip("[]").rstrip(".").lower()
    sans = info.get("subjectAltName") or ()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        for kind, value in sans:
            if kind == "IP Address":
                try:
                    if ipaddress.ip_address(value.strip()) == address:
                        return True
                except ValueError:
                    continue
        return False
    names = [value for kind, value in sans if kind == "DNS"]
    if not names:
        names = [value for rdn in info.get("subject") or () for key, value in rdn if key == "commonName"]
    return any(_dns_match(pattern.lower().rstrip("."), host) for pattern in names)


def _dns_match(pattern: str, host: str) -> bool:
    if pattern == host:
        return True
    if pattern.startswith("*.") and "." in host:
        label, rest = host.split(".", 1)
        return bool(label) and rest == pattern[2:]
    return False


def tls_info(
    chain: list[tuple[dict[str, Any], bytes]], valid: bool, hostname: str | None, now: dt.datetime
) -> dict[str, Any] | None:
    """The full `monitor_tls_info.info_json` object, or None when no certificate was seen.
    `now` (the check's wall clock) counts the days remaining."""
    cert_info = build_cert_info(chain, now)
    if cert_info is None:
        return None
    return {"valid": valid, "certInfo": cert_info, "hostnameMatchMonitorUrl": hostname_matches(chain[0][0], hostname)}


def chain_from_ssl_object(ssl_object: Any, verified: bool) -> list[tuple[dict[str, Any], bytes]]:
    """(decoded dict, DER) per certificate the peer presented (the verified chain, with root, if verified).

    Python 3.11 keeps the chain accessors on the private `_sslobj` (public from 3.13); fall back to the leaf.
    """
    import _ssl

    inner = getattr(ssl_object, "_sslobj", ssl_object)
    certs = None
    for getter in (("get_verified_chain",) if verified else ()) + ("get_unverified_chain",):
        method = getattr(inner, getter, None)
        if method is None:
            continue
        try:
            certs = method()
        except Exception:
            certs = None
        if certs:
            break
    if certs:
        return [(cert.get_info(), cert.public_bytes(_ssl.ENCODING_DER)) for cert in certs]
    der = ssl_object.getpeercert(binary_form=True)
    return [(ssl_object.getpeercert() or {}, der)] if der else []
