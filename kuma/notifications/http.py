"""Outgoing HTTP for providers: Uptime Kuma's request headers, NOTIFICATION_PROXY, readable errors.

Every provider sends through `request()`, so each call looks like Uptime Kuma's (User-Agent
`Uptime-Kuma/2.5.3`, `Accept: application/json, text/plain, */*`, compact JSON bodies that keep key
order and raw UTF-8) and every failure becomes one NotificationError message in the spec's format:
`<message> (code=<code>) (HTTP <status> <statusText>) <body>`.
"""

from __future__ import annotations

import functools
import json
import os
import ssl
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from kuma.notifications.common import NotificationError

USER_AGENT = "Uptime-Kuma/2.5.3"
ACCEPT = "application/json, text/plain, */*"
DEFAULT_TIMEOUT = 30.0


def dumps(obj: Any) -> str:
    """JSON.stringify's bytes: compact, key order kept, non-ASCII raw."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def proxy_url() -> str | None:
    return os.environ.get("NOTIFICATION_PROXY") or None


@functools.lru_cache(maxsize=2)
def _ssl_context(verify: bool) -> ssl.SSLContext:
    """Built once: loading the CA bundle costs more than a whole local request."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _client(timeout: float, verify: bool = True) -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        proxy=proxy_url(), timeout=timeout, verify=_ssl_context(verify), follow_redirects=True, trust_env=False
    )
    client.headers.clear()  # only the headers Uptime Kuma (axios) sends
    return client


def _status_text(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def http_error(response: httpx.Response) -> NotificationError:
    """A refused answer as axios words it in Uptime Kuma's notification errors (code, status, body)."""
    code = "ERR_BAD_REQUEST" if response.status_code < 500 else "ERR_BAD_RESPONSE"
    body = response.text
    try:
        body = dumps(response.json())
    except ValueError:
        pass
    reason = response.reason_phrase or _status_text(response.status_code)
    message = (
        f"Request failed with status code {response.status_code} (code={code}) (HTTP {response.status_code} {reason})"
    )
    if body:
        message += f" {body}"
    return NotificationError(message)


def transport_error(exc: BaseException, url: str) -> NotificationError:
    """A timeout or refused connection in axios's wording, so the error text matches Uptime Kuma's."""
    if isinstance(exc, httpx.TimeoutException):
        return NotificationError(f"timeout of {DEFAULT_TIMEOUT:g}s exceeded (code=ECONNABORTED)")
    if isinstance(exc, httpx.ConnectError):
        host = httpx.URL(url).host if url else ""
        port = httpx.URL(url).port if url else None
        target = f"{host}:{port}" if port else host
        return NotificationError(f"connect ECONNREFUSED {target} (code=ECONNREFUSED) - caused by: {exc}")
    return NotificationError(f"{exc or type(exc).__name__}")


async def request(
    method: str,
    url: str,
    *,
    json_body: Any = None,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
    content: str | bytes | None = None,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    verify: bool = True,
    raise_for_status: bool = True,
) -> httpx.Response:
    """Send one request as Uptime Kuma would; raise NotificationError on transport or HTTP errors."""
    if not url or not isinstance(url, str):
        raise NotificationError("Invalid URL")
    if params:  # keep a query the form's URL already has (httpx would replace it)
        try:
            url = str(httpx.URL(url).copy_merge_params({k: str(v) for k, v in params.items()}))
        except (httpx.InvalidURL, TypeError) as exc:
            raise NotificationError(f"Invalid URL: {exc}") from exc
        params = None
    send_headers: dict[str, str] = {"Accept": ACCEPT}
    body: bytes | None = None
    if json_body is not None:
        send_headers["Content-Type"] = "application/json"
        body = dumps(json_body).encode()
    elif content is not None:
        body = content.encode() if isinstance(content, str) else content
    send_headers["User-Agent"] = USER_AGENT
    if headers:
        send_headers.update({k: str(v) for k, v in headers.items()})
    try:
        async with _client(timeout, verify) as client:
            if data is not None or files is not None:
                response = await client.request(
                    method.upper(), url, data=dict(data or {}), files=files, params=params, headers=send_headers
                )
            else:
                response = await client.request(method.upper(), url, content=body, params=params, headers=send_headers)
    except httpx.InvalidURL as exc:
        raise NotificationError(f"Invalid URL: {exc}") from exc
    except httpx.UnsupportedProtocol as exc:
        raise NotificationError(f"Unsupported protocol: {exc}") from exc
    except (httpx.HTTPError, OSError) as exc:
        raise transport_error(exc, url) from exc
    except ImportError as exc:  # e.g. a socks:// NOTIFICATION_PROXY without socksio
        raise NotificationError(f"Proxy not usable: {exc}") from exc
    if raise_for_status and response.status_code >= 400:
        raise http_error(response)
    return response


async def post_json(url: str, payload: Any, **kwargs: Any) -> httpx.Response:
    return await request("POST", url, json_body=payload, **kwargs)
