"""The `Authorization` header of an HTTP check: basic, bearer, or an OAuth2 client-credentials token
fetched first (NTLM is refused with a clear message rather than sent without credentials).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from kuma.monitors.base import CheckFailed

USER_AGENT = "Uptime-Kuma/2.5.3"


def basic_auth(user: Any, password: Any) -> str:
    token = f"{user or ''}:{password or ''}".encode()
    return "Basic " + base64.b64encode(token).decode()


async def oauth_token(client: Any, monitor: Mapping[str, Any]) -> str:
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


async def auth_header(client: Any, monitor: Mapping[str, Any]) -> str | None:
    """The header value per `auth_method`, or None when the request goes without one."""
    method = (monitor.get("auth_method") or "").lower()
    if method == "basic":
        return basic_auth(monitor.get("basic_auth_user"), monitor.get("basic_auth_pass"))
    if method == "bearer":
        return f"Bearer {monitor.get('bearer_token') or ''}"
    if method == "oauth2-cc":
        return f"Bearer {await oauth_token(client, monitor)}"
    if method == "ntlm":
        raise CheckFailed("NTLM authentication is not supported")
    return None
