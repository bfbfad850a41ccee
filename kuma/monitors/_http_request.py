"""The HTTP request shared by `http`, `keyword` and `json-query` (spec §4.1).

Building the request and naming errors are pure functions; `perform()` does the I/O with httpx on Trio.
Error texts follow what Uptime Kuma (Node + axios) shows, e.g. `connect ECONNREFUSED 127.0.0.1:3024`,
`Request failed with status code 503`, `timeout of 16000ms exceeded`.
"""
from __future__ import annotations

import base64
import errno as errno_module
import functools
import ipaddress
import json
import os
import re
import secrets
import socket
import ssl
import tempfile
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import trio

from kuma.monitors._common import as_bool, effective_timeout
from kuma.monitors._tls_info import chain_from_ssl_object, tls_info
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult

USER_AGENT = "Uptime-Kuma/2.5.3"
ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.9")
MAX_BODY_BYTES = 10 * 1024 * 1024

_CONTENT_TYPES = {"json": "application/json", "form": "application/x-www-form-urlencoded",
                  "xml": "text/xml; charset=utf-8"}


@dataclass
class HttpOutcome:
    status_code: int
    reason: str
    body: bytes
    headers: dict[str, str]
    ping: int
    tls_info: dict[str, Any] | None
    url: str = ""

    @property
    def status_msg(self) -> str:
        """`200 - OK`: the beat message of a plain HTTP success."""
        return f"{self.status_code} - {self.reason}"

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- pure parts

def parse_accepted(raw: Any) -> list[tuple[int, int]]:
    """`["200-299", "418"]` (JSON text or list) → inclusive ranges; broken input accepts nothing."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    ranges: list[tuple[int, int]] = []
    for entry in raw if isinstance(raw, list) else []:
        text = str(entry).strip()
        low, _, high = text.partition("-")
        try:
            ranges.append((int(low), int(high)) if high else (int(low), int(low)))
        except ValueError:
            continue
    return ranges


def status_accepted(code: int, ranges: list[tuple[int, int]]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def parse_headers(raw: Any) -> dict[str, str]:
    """The monitor's `headers` JSON object text; anything else is an error the user must fix."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    value = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(value, dict):
        raise CheckFailed("Headers must be a JSON object")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def build_body(monitor: dict[str, Any]) -> tuple[bytes | None, str | None]:
    """(request body, Content-Type) per `http_body_encoding`; JSON bodies are validated and sent compact."""
    raw = monitor.get("body")
    encoding = (monitor.get("http_body_encoding") or "json").lower()
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None
    if encoding == "json":
        try:
            parsed = json.loads(raw)
        except ValueError as exc:
            raise CheckFailed(f"Your JSON body is invalid. {exc}") from None
        return json.dumps(parsed, separators=(",", ":"), ensure_ascii=False).encode(), _CONTENT_TYPES["json"]
    return str(raw).encode(), _CONTENT_TYPES.get(encoding)


def basic_auth(user: Any, password: Any) -> str:
    token = f"{user or ''}:{password or ''}".encode()
    return "Basic " + base64.b64encode(token).decode()


def build_url(url: str, cache_bust: bool) -> str:
    if not cache_bust:
        return url
    return url + ("&" if "?" in url else "?") + "uptime_kuma_cachebuster=" + secrets.token_hex(8)


def proxy_url(proxy: dict[str, Any] | None) -> str | None:
    """An active proxy row → URL with credentials; None when no proxy applies."""
    if not proxy or not as_bool(proxy.get("active", 1)):
        return None
    from urllib.parse import quote

    auth = ""
    if as_bool(proxy.get("auth")) and proxy.get("username"):
        auth = f"{quote(str(proxy['username']), safe='')}:{quote(str(proxy.get('password') or ''), safe='')}@"
    return f"{proxy.get('protocol') or 'http'}://{auth}{proxy['host']}:{proxy['port']}"


def _node_address(host: str, port: int | None) -> str:
    return f"{host}:{port}" if port is not None else host


_ADDRESS_IN_TEXT = re.compile(r"\('([^']+)', (\d+)")


def _iter_causes(exc: BaseException):
    """The exception, its causes/contexts and the members of exception groups, depth first."""
    stack, seen = [exc], set()
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.append(current.__cause__)
        stack.append(current.__context__)


_TLS_VERIFY_TEXT = {
    9: "certificate is not yet valid",
    10: "certificate has expired",
    18: "self-signed certificate",
    19: "self-signed certificate in certificate chain",
    20: "unable to get local issuer certificate",
    21: "unable to verify the first certificate",
    23: "certificate revoked",
}


def error_message(exc: BaseException, url: str) -> str:
    """Name a transport failure the way Node/axios would (the user compares these with Uptime Kuma)."""
    import httpx

    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    if isinstance(exc, httpx.TooManyRedirects):
        return "Maximum number of redirects exceeded"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"Unsupported protocol {parts.scheme}:" if parts.scheme else "Invalid URL"
    if isinstance(exc, httpx.InvalidURL):
        return "Invalid URL"
    causes = list(_iter_causes(exc))
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            code = getattr(cause, "verify_code", None)
            if code in (62, 64):  # hostname / IP address mismatch
                prefix = "Hostname/IP does not match certificate's altnames: "
                if _is_ip(host):
                    return f"{prefix}IP: {host.strip('[]')} is not in the cert's list"
                return f"{prefix}Host: {host}. is not in the cert's altnames"
            return _TLS_VERIFY_TEXT.get(code, str(getattr(cause, "verify_message", "") or cause))
    for cause in causes:
        if isinstance(cause, ssl.SSLError):
            reason = getattr(cause, "reason", None) or str(cause)
            return f"SSL routines: {reason}".replace("_", " ").lower() if reason else "SSL error"
    for cause in causes:
        if isinstance(cause, socket.gaierror):
            code = "EAI_AGAIN" if cause.errno == -3 else "ENOTFOUND"
            return f"getaddrinfo {code} {host}"
    for cause in causes:
        if isinstance(cause, OSError) and cause.errno:
            name = errno_module.errorcode.get(cause.errno, f"E{cause.errno}")
            match = _ADDRESS_IN_TEXT.search(str(cause))
            address = _node_address(match.group(1), int(match.group(2))) if match else _node_address(host, port)
            if isinstance(exc, httpx.ConnectError):
                return f"connect {name} {address}"
            return f"read {name}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "socket hang up"
    if isinstance(exc, httpx.ProxyError):
        return f"Proxy error: {exc}"
    return str(exc) or exc.__class__.__name__


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def response_text(raw: str) -> str:
    """A body as Uptime Kuma sees it after axios: JSON objects/arrays/numbers re-serialised compactly."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(parsed, str):
        return parsed
    return json.dumps(parsed, separators=(",", ":"), ensure_ascii=False)


TRUNCATED = "... (truncated)"


def encode_response(text: str, max_length: Any) -> str:
    """heartbeat.response: the text cut to `response_max_length` chars (+ marker), brotli, base64."""
    import brotli

    try:
        limit = int(max_length if max_length is not None else 1024)
    except (TypeError, ValueError):
        limit = 1024
    if limit >= 0 and len(text) > limit:
        text = text[:limit] + TRUNCATED
    return base64.b64encode(brotli.compress(text.encode("utf-8"))).decode("ascii")


def saved_response(monitor: dict[str, Any], outcome: "HttpOutcome", *, failed: bool) -> str | None:
    """Errors keep the body when save_error_response (default on); successes only when both flags are on."""
    save_error = as_bool(monitor.get("save_error_response", 1))
    wanted = save_error if failed else (save_error and as_bool(monitor.get("save_response")))
    if not wanted or not outcome.body:
        return None
    return encode_response(response_text(outcome.text), monitor.get("response_max_length"))


def failure(message: str, monitor: dict[str, Any], outcome: "HttpOutcome") -> CheckFailed:
    """A DOWN that still carries what the request saw: TLS info and (maybe) the saved body."""
    exc = CheckFailed(message)
    exc.tls_info = outcome.tls_info  # type: ignore[attr-defined]
    exc.response = saved_response(monitor, outcome, failed=True)  # type: ignore[attr-defined]
    return exc


def success(message: str, monitor: dict[str, Any], outcome: "HttpOutcome") -> CheckResult:
    return CheckResult(msg=message, ping=outcome.ping, tls_info=outcome.tls_info,
                       response=saved_response(monitor, outcome, failed=False))


# ---------------------------------------------------------------- TLS contexts

@functools.lru_cache(maxsize=8)
def client_tls_context(verify: bool, cafile: str | None) -> ssl.SSLContext:
    """Contexts are costly to build (CA bundle parsing), so one per (verify, cafile) is reused."""
    if verify:
        context = ssl.create_default_context(cafile=cafile or _trusted_roots_file())
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0)
    return context


def ssl_context(monitor: dict[str, Any]) -> ssl.SSLContext:
    """Verification per `ignore_tls`; mTLS adds the client certificate and the CA from the row."""
    verify = not as_bool(monitor.get("ignore_tls"))
    if (monitor.get("auth_method") or "") != "mtls":
        return client_tls_context(verify, None)
    if verify:
        context = ssl.create_default_context(cafile=_trusted_roots_file())
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0)
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


# ---------------------------------------------------------------- I/O

async def _oauth_token(client: Any, monitor: dict[str, Any]) -> str:
    """Client-credentials grant: POST to `oauth_token_url`, credentials in basic auth or in the body."""
    data = {"grant_type": "client_credentials"}
    if monitor.get("oauth_scopes"):
        data["scope"] = str(monitor["oauth_scopes"])
    if monitor.get("oauth_audience"):
        data["audience"] = str(monitor["oauth_audience"])
    headers = {"User-Agent": USER_AGENT}
    if (monitor.get("oauth_auth_method") or "client_secret_basic") == "client_secret_basic":
        headers["Authorization"] = basic_auth(monitor.get("oauth_client_id"), monitor.get("oauth_client_secret"))
    else:
        data["client_id"] = str(monitor.get("oauth_client_id") or "")
        data["client_secret"] = str(monitor.get("oauth_client_secret") or "")
    response = await client.post(str(monitor.get("oauth_token_url") or ""), data=data, headers=headers)
    try:
        token = response.json().get("access_token")
    except (ValueError, AttributeError):
        token = None
    if response.status_code >= 400 or not token:
        raise CheckFailed(f"The oauth config is invalid. Token request failed with status code {response.status_code}")
    return str(token)


async def _auth_header(client: Any, monitor: dict[str, Any]) -> str | None:
    method = (monitor.get("auth_method") or "").lower()
    if method == "basic":
        return basic_auth(monitor.get("basic_auth_user"), monitor.get("basic_auth_pass"))
    if method == "bearer":
        return f"Bearer {monitor.get('bearer_token') or ''}"
    if method == "oauth2-cc":
        return f"Bearer {await _oauth_token(client, monitor)}"
    if method == "ntlm":
        raise CheckFailed("NTLM authentication is not supported")
    return None


def _local_address(monitor: dict[str, Any]) -> str | None:
    family = (monitor.get("ip_family") or "").lower()
    return {"ipv4": "0.0.0.0", "ipv6": "::"}.get(family)


async def perform(monitor: dict[str, Any], ctx: CheckContext) -> HttpOutcome:
    """One HTTP request for the monitor row; raises CheckFailed with Uptime Kuma's message on failure.

    A status outside `accepted_statuscodes_json` fails with `Request failed with status code <N>`.
    """
    import httpx

    url = str(monitor.get("url") or "").strip()
    if not url:
        raise CheckFailed("Invalid URL")
    timeout = effective_timeout(monitor)
    content, content_type = build_body(monitor)
    try:
        user_headers = parse_headers(monitor.get("headers"))
    except ValueError as exc:
        raise CheckFailed(f"Headers are not valid JSON: {exc}") from None
    max_redirects = int(monitor.get("maxredirects") if monitor.get("maxredirects") is not None else 10)
    verify_tls = not as_bool(monitor.get("ignore_tls"))
    context = ssl_context(monitor)
    proxy = proxy_url(ctx.proxy)
    if proxy and proxy.startswith("socks"):
        try:
            import socksio  # noqa: F401
        except ImportError:
            raise CheckFailed("SOCKS proxies are not supported by this build") from None
    transport = httpx.AsyncHTTPTransport(verify=context, local_address=_local_address(monitor), proxy=proxy,
                                         retries=0)
    start = trio.current_time()
    outcome: HttpOutcome | None = None
    with trio.move_on_after(timeout) as scope:
        try:
            async with httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(timeout),
                                         follow_redirects=max_redirects > 0, max_redirects=max(max_redirects, 0),
                                         trust_env=False) as client:
                headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
                if content_type:
                    headers["Content-Type"] = content_type
                auth = await _auth_header(client, monitor)
                if auth:
                    headers["Authorization"] = auth
                headers.update(user_headers)
                method = str(monitor.get("method") or "GET").upper()
                request = client.build_request(method, build_url(url, as_bool(monitor.get("cache_bust"))),
                                               headers=headers, content=content)
                response = await client.send(request, stream=True)
                try:
                    info = _tls_from_response(response, verify_tls, url, ctx.utcnow())
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body.extend(chunk)
                        if len(body) > MAX_BODY_BYTES:
                            break
                finally:
                    await response.aclose()
                reason = response.reason_phrase or _standard_reason(response.status_code)
                outcome = HttpOutcome(response.status_code, reason, bytes(body), dict(response.headers),
                                      round((trio.current_time() - start) * 1000), info, str(response.url))
        except CheckFailed:
            raise
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError) as exc:
            if isinstance(exc, httpx.TimeoutException):
                raise CheckFailed(f"timeout of {round(timeout * 1000)}ms exceeded") from None
            raise CheckFailed(error_message(exc, url)) from None
    if scope.cancelled_caught or outcome is None:
        raise CheckFailed(f"timeout of {round(timeout * 1000)}ms exceeded")
    if outcome.tls_info is not None and not verify_tls and proxy is None:
        # Node reports whether the chain is trusted even when errors are ignored; one verifying handshake
        outcome.tls_info["valid"] = await chain_trusted(str(outcome.url), min(timeout, 5.0))
    if not status_accepted(outcome.status_code, parse_accepted(monitor.get("accepted_statuscodes_json"))):
        raise failure(f"Request failed with status code {outcome.status_code}", monitor, outcome)
    return outcome


async def chain_trusted(url: str, timeout: float) -> bool:
    """Does the server's certificate chain verify against the trusted roots (host name not checked)?"""
    parts = urlsplit(url)
    context = chain_check_context(_trusted_roots_file())
    with trio.move_on_after(timeout):
        try:
            stream = await trio.open_ssl_over_tcp_stream(parts.hostname or "", parts.port or 443,
                                                         ssl_context=context, https_compatible=True)
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


@functools.lru_cache(maxsize=4)
def chain_check_context(cafile: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cafile=cafile)
    context.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0)
    return context


def _trusted_roots_file() -> str:
    import certifi

    return os.environ.get("SSL_CERT_FILE") or certifi.where()


def _standard_reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def _tls_from_response(response: Any, verified: bool, url: str, now: datetime) -> dict[str, Any] | None:
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
