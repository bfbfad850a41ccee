"""Certificate expiry warnings (monitoring-semantics §5): which thresholds fire for a TLS chain.

Pure: `due_warnings` gets the chain, the thresholds and a "was a warning ≤ N days already sent" check;
the notifier sends the messages and records the history rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEFAULT_DAYS = [7, 14, 21]


def thresholds(setting: Any) -> list[int]:
    """`tlsExpiryNotifyDays`, reset to the default when invalid."""
    if (
        isinstance(setting, list)
        and setting
        and all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in setting)
    ):
        return sorted(setting)
    return list(DEFAULT_DAYS)


def chain(tls_info: dict[str, Any]) -> list[dict[str, Any]]:
    """Certificates from the leaf up, stopping before a root CA."""
    out: list[dict[str, Any]] = []
    cert = tls_info.get("certInfo") if isinstance(tls_info, dict) else None
    seen = 0
    while isinstance(cert, dict) and seen < 10:
        if cert.get("certType") == "root CA":
            break
        out.append(cert)
        seen += 1
        cert = cert.get("issuerCertificate")
    return out


def common_name(cert: dict[str, Any]) -> str:
    subject = cert.get("subject")
    if isinstance(subject, dict):
        return str(subject.get("CN") or "")
    return str(subject or "")


def leaf_fingerprint(tls_info: dict[str, Any] | None) -> str | None:
    cert = tls_info.get("certInfo") if isinstance(tls_info, dict) else None
    return (cert.get("fingerprint256") or cert.get("fingerprint")) if isinstance(cert, dict) else None


def due_warnings(
    monitor_name: str, url: str, tls_info: dict[str, Any], days: list[int], already_sent: Callable[[int], bool]
) -> list[tuple[int, str]]:
    """(threshold, message) pairs to send now; each threshold at most once."""
    due: list[tuple[int, str]] = []
    fired: set[int] = set()
    for cert in chain(tls_info):
        remaining = cert.get("daysRemaining")
        if not isinstance(remaining, (int, float)):
            continue
        for target in days:
            if remaining > target or any(f <= target for f in fired) or already_sent(target):
                continue
            fired.add(target)
            cert_type = cert.get("certType") or "server"
            due.append(
                (
                    target,
                    f"[{monitor_name}][{url}] {cert_type} certificate {common_name(cert)} "
                    f"will expire in {int(remaining)} days",
                )
            )
    return due
