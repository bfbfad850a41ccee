"""The HTTP request shared by `http`, `keyword` and `json-query` (spec §4.1).

Building the request is pure functions; `perform()` does the I/O with httpx on Trio. Its parts live
beside it: `_http_auth` (the Authorization header, OAuth2 token), `_http_tls` (contexts, certificate info)
and `_http_errors` (Node/axios error texts such as `connect ECONNREFUSED 127.0.0.1:3024`); this module adds
`Request failed with status code 503` and `timeout of 16000ms exceeded`.
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import trio

from kuma.monitors import _http_lean
from kuma.monitors._common import as_bool, effective_timeout
from kuma.monitors._http_auth import USER_AGENT, auth_header, basic_auth
from kuma.monitors._http_errors import error_message
from kuma.monitors._http_pool import poolable, shared_client
from kuma.monitors._http_tls import chain_trusted, ssl_context, tls_from_response
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult

ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.9"
)
MAX_BODY_BYTES = 10 * 1024 * 1024

_CONTENT_TYPES = {
    "json": "application/json",
    "form": "application/x-www-form-urlencoded",
    "xml": "text/xml; charset=utf-8",
}


@dataclass
class HttpOutcome:
    """What one HTTP request brought back, as the http, keyword and json-query checks judge it."""

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


def _accepted(raw: Any) -> tuple[tuple[int, int], ...]:
    """`parse_accepted`, read once per text (a row's codes do not change between checks)."""
    return _accepted_text(raw) if isinstance(raw, str) else tuple(parse_accepted(raw))


@functools.lru_cache(maxsize=256)
def _accepted_text(raw: str) -> tuple[tuple[int, int], ...]:
    return tuple(parse_accepted(raw))


def status_accepted(code: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def parse_headers(raw: Any) -> dict[str, str]:
    """The monitor's `headers` JSON object text; anything else is an error the user must fix."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    value = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(value, dict):
        raise CheckFailed("Headers must be a JSON object")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def build_body(monitor: Mapping[str, Any]) -> tuple[bytes | None, str | None]:
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


def saved_response(monitor: Mapping[str, Any], outcome: HttpOutcome, *, failed: bool) -> str | None:
    """Errors keep the body when save_error_response (default on); successes only when both flags are on."""
    save_error = as_bool(monitor.get("save_error_response", 1))
    wanted = save_error if failed else (save_error and as_bool(monitor.get("save_response")))
    if not wanted or not outcome.body:
        return None
    return encode_response(response_text(outcome.text), monitor.get("response_max_length"))


def failure(message: str, monitor: Mapping[str, Any], outcome: HttpOutcome) -> CheckFailed:
    """A DOWN that still carries what the request saw: TLS info and (maybe) the saved body."""
    exc = CheckFailed(message)
    exc.tls_info = outcome.tls_info
    exc.response = saved_response(monitor, outcome, failed=True)
    return exc


def success(message: str, monitor: Mapping[str, Any], outcome: HttpOutcome) -> CheckResult:
    return CheckResult(
        msg=message,
        ping=outcome.ping,
        tls_info=outcome.tls_info,
        response=saved_response(monitor, outcome, failed=False),
    )


# ---------------------------------------------------------------- I/O


def _local_address(monitor: Mapping[str, Any]) -> str | None:
    family = (monitor.get("ip_family") or "").lower()
    return {"ipv4": "0.0.0.0", "ipv6": "::"}.get(family)


async def _request_headers(
    client: Any, monitor: Mapping[str, Any], content_type: str | None, user_headers: dict[str, str]
) -> dict[str, str]:
    """Uptime Kuma's defaults, the body's type, the auth header (OAuth may fetch a token), then the user's."""
    headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
    if content_type:
        headers["Content-Type"] = content_type
    auth = await auth_header(client, monitor)
    if auth:
        headers["Authorization"] = auth
    headers.update(user_headers)
    return headers


async def perform(monitor: Mapping[str, Any], ctx: CheckContext) -> HttpOutcome:
    """One HTTP request for the monitor row; raises CheckFailed with Uptime Kuma's message on failure.

    A status outside `accepted_statuscodes_json` fails with `Request failed with status code <N>`.
    """
    plan = lean_plan(monitor) if proxy_url(ctx.proxy) is None else None
    if plan is not None and plan.url not in _http_lean.pool().redirecting:
        return await _perform_lean(plan, monitor, ctx)
    return await _perform_httpx(monitor, ctx)


async def _perform_httpx(monitor: Mapping[str, Any], ctx: CheckContext) -> HttpOutcome:
    """`perform` for every request the lean path does not take (bodies, proxies, TLS, OAuth, redirects)."""
    import httpx

    url = str(monitor.get("url") or "").strip()
    if not url:
        raise CheckFailed("Invalid URL")
    timeout = effective_timeout(monitor)
    content, content_type = build_body(monitor)
    user_headers = _user_headers(monitor)
    max_redirects = _max_redirects(monitor)
    context = ssl_context(monitor)
    proxy = proxy_url(ctx.proxy)
    if proxy and proxy.startswith("socks"):
        try:
            import socksio  # noqa: F401  (only whether it can be imported)
        except ImportError:
            raise CheckFailed("SOCKS proxies are not supported by this build") from None
    outcome: HttpOutcome | None = None
    with trio.move_on_after(timeout) as scope:
        try:
            if poolable(url, proxy, monitor):
                client = shared_client(max_redirects, _local_address(monitor), context)
                outcome = await _exchange(client, monitor, url, timeout, content, content_type, user_headers, ctx)
            else:
                transport = httpx.AsyncHTTPTransport(
                    verify=context, local_address=_local_address(monitor), proxy=proxy, retries=0
                )
                async with httpx.AsyncClient(
                    transport=transport,
                    timeout=httpx.Timeout(timeout),
                    follow_redirects=max_redirects > 0,
                    max_redirects=max(max_redirects, 0),
                    trust_env=False,
                ) as client:
                    outcome = await _exchange(client, monitor, url, timeout, content, content_type, user_headers, ctx)
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError) as exc:
            raise _request_error(exc, url, timeout) from None
    return await _finish(monitor, outcome, scope, timeout, proxy is None)


def _user_headers(monitor: Mapping[str, Any]) -> dict[str, str]:
    try:
        return parse_headers(monitor.get("headers"))
    except ValueError as exc:
        raise CheckFailed(f"Headers are not valid JSON: {exc}") from None


def _max_redirects(monitor: Mapping[str, Any]) -> int:
    raw_redirects = monitor.get("maxredirects")
    return 10 if raw_redirects is None else int(raw_redirects)


def _request_error(exc: Exception, url: str, timeout: float) -> CheckFailed:
    """A transport error as Uptime Kuma words it (a CheckFailed raised inside passes as it is)."""
    import httpx

    if isinstance(exc, CheckFailed):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        return CheckFailed(f"timeout of {round(timeout * 1000)}ms exceeded")
    return CheckFailed(error_message(exc, url))


async def _finish(
    monitor: Mapping[str, Any], outcome: HttpOutcome | None, scope: trio.CancelScope, timeout: float, direct: bool
) -> HttpOutcome:
    """The request's end: a timeout, the trusted-chain probe when errors were ignored, the accepted codes."""
    if scope.cancelled_caught or outcome is None:
        raise CheckFailed(f"timeout of {round(timeout * 1000)}ms exceeded")
    if outcome.tls_info is not None and as_bool(monitor.get("ignore_tls")) and direct:
        # Node reports whether the chain is trusted even when errors are ignored; one verifying handshake
        outcome.tls_info["valid"] = await chain_trusted(str(outcome.url), min(timeout, 5.0))
    if not status_accepted(outcome.status_code, _accepted(monitor.get("accepted_statuscodes_json"))):
        raise failure(f"Request failed with status code {outcome.status_code}", monitor, outcome)
    return outcome


async def _exchange(
    client: Any,
    monitor: Mapping[str, Any],
    url: str,
    timeout: float,
    content: Any,
    content_type: str | None,
    user_headers: dict[str, str],
    ctx: CheckContext,
) -> HttpOutcome:
    """Send the monitor's request on `client` and read the answer (the body up to MAX_BODY_BYTES)."""
    import httpx

    start = trio.current_time()
    headers = await _request_headers(client, monitor, content_type, user_headers)
    method = str(monitor.get("method") or "GET").upper()
    request = client.build_request(
        method,
        build_url(url, as_bool(monitor.get("cache_bust"))),
        headers=headers,
        content=content,
        timeout=httpx.Timeout(timeout),
    )
    response = await client.send(request, stream=True)
    try:
        info = tls_from_response(response, not as_bool(monitor.get("ignore_tls")), url, ctx.utcnow())
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > MAX_BODY_BYTES:
                break
    finally:
        await response.aclose()
    reason = response.reason_phrase or _standard_reason(response.status_code)
    ping = round((trio.current_time() - start) * 1000)
    return HttpOutcome(response.status_code, reason, bytes(body), dict(response.headers), ping, info, str(response.url))


# ---------------------------------------------------------------- the lean path, planned once per row

_REDIRECTS = frozenset({301, 302, 303, 307, 308})  # httpx's `has_redirect_location` codes
#: The columns a lean request is made of: a row with the same values gets the same plan (an edit changes
#: one of them, so it gets a new plan; nothing stale can be served).
_PLAN_COLUMNS = (
    "url", "method", "headers", "auth_method", "basic_auth_user", "basic_auth_pass", "ip_family", "body",
    "http_body_encoding", "cache_bust", "maxredirects", "ignore_tls", "timeout", "interval",
)  # fmt: skip
#: ~1.7 KB each; past this many distinct rows the oldest plans are made again when needed.
_MAX_PLANS = 16384
_PLANS: dict[tuple, LeanPlan | None] = {}


@dataclass(frozen=True, slots=True)
class LeanPlan:
    """What every lean check of a row sends and needs: parsed once, not per check (issue #14)."""

    url: str
    timeout: float
    max_redirects: int
    local_address: str | None
    key: _http_lean.Key
    request: Any  # the h11.Request, validated once
    target: str  # str(httpx.URL): the outcome's url


def lean_plan(monitor: Mapping[str, Any]) -> LeanPlan | None:
    """The row's plan when its check can go the lean way (plain-HTTP GET/HEAD without body, proxy, OAuth
    or cache buster), else None; cached by the values of `_PLAN_COLUMNS`."""
    key = tuple([monitor.get(column) for column in _PLAN_COLUMNS])
    try:
        return _PLANS[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value (a test's dict row holding a list): no cache
        return _make_plan(monitor)
    plan = _make_plan(monitor)
    if len(_PLANS) >= _MAX_PLANS:
        del _PLANS[next(iter(_PLANS))]
    _PLANS[key] = plan
    return plan


def _make_plan(monitor: Mapping[str, Any]) -> LeanPlan | None:
    import h11
    import httpx

    url = str(monitor.get("url") or "").strip()
    method = str(monitor.get("method") or "GET").upper()
    if not url or method not in ("GET", "HEAD") or as_bool(monitor.get("cache_bust")):
        return None
    if not poolable(url, None, monitor):
        return None
    try:
        if build_body(monitor)[0] is not None:
            return None
        user_headers = _user_headers(monitor)
        max_redirects = _max_redirects(monitor)
        target = httpx.URL(url)
    except (CheckFailed, ValueError, httpx.InvalidURL):
        return None  # the httpx path reports it as it always did
    local = _local_address(monitor)
    client = shared_client(max_redirects, local, ssl_context(monitor))
    headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
    if (monitor.get("auth_method") or "basic") == "basic" and monitor.get("auth_method"):
        headers["Authorization"] = basic_auth(monitor.get("basic_auth_user"), monitor.get("basic_auth_pass"))
    headers.update(user_headers)
    built = client.build_request(method, target, headers=headers)
    raw = [(k, v) for k, v in built.headers.raw if k.lower() != b"cookie"]
    request = h11.Request(method=method.encode(), target=target.raw_path, headers=raw)
    key = (target.host, target.port or 80, local)
    return LeanPlan(url, effective_timeout(monitor), max_redirects, local, key, request, str(target))


async def _perform_lean(plan: LeanPlan, monitor: Mapping[str, Any], ctx: CheckContext) -> HttpOutcome:
    """`perform` through `_http_lean` with the row's plan; a redirect goes on through httpx (same timeout)."""
    import httpx

    outcome: HttpOutcome | None = None
    with trio.move_on_after(plan.timeout) as scope:
        try:
            outcome = await _lean_exchange(plan)
            if outcome is None:
                client = shared_client(plan.max_redirects, plan.local_address, ssl_context(monitor))
                outcome = await _exchange(
                    client, monitor, plan.url, plan.timeout, None, None, _user_headers(monitor), ctx
                )
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError) as exc:
            raise _request_error(exc, plan.url, plan.timeout) from None
    return await _finish(monitor, outcome, scope, plan.timeout, True)


async def _lean_exchange(plan: LeanPlan) -> HttpOutcome | None:
    """The planned GET/HEAD through `_http_lean` (None: it redirected, use httpx from now on)."""
    lean = _http_lean.pool()
    start = trio.current_time()
    status, reason, answer_headers, body = await lean.fetch(plan.key, plan.request, MAX_BODY_BYTES)
    if plan.max_redirects > 0 and status in _REDIRECTS and any(n.lower() == b"location" for n, _ in answer_headers):
        lean.redirecting.add(plan.url)  # httpx follows it, now and from now on
        return None
    body = _http_lean.decoded_body(status, answer_headers, body)
    ping = round((trio.current_time() - start) * 1000)
    text_reason = reason.decode("ascii", errors="ignore") or _standard_reason(status)
    return HttpOutcome(status, text_reason, body, _http_lean.header_dict(answer_headers), ping, None, plan.target)


def _standard_reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""
