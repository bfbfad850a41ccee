"""steam checks against a local HTTP stand-in for the Steam Web API's GetServerList (it cannot be reached here)."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import Reply, http_target

PATH = "/IGameServersService/GetServerList/v1/"
KNOWN = "addr\\127.0.0.1:27015"


def steam_api(req):
    """The real API's shape: {"response": {"servers": [...]}} filtered by addr; 403 for a bad key."""
    query = parse_qs(urlsplit(req.path).query)
    if query.get("key") != ["good-key"]:
        return Reply(403, "<html><body>Forbidden</body></html>", {"Content-Type": "text/html"})
    servers = [{"addr": "127.0.0.1:27015", "gameport": 27015, "appid": 440, "name": "Kuma TF2 #1",
                "players": 3, "max_players": 24}] if query.get("filter") == [KNOWN] else []
    return Reply(200, json.dumps({"response": {"servers": servers} if servers else {}}),
                 {"Content-Type": "application/json"})


async def check(web, key="good-key", **row):
    fields = dict(type="steam", hostname="127.0.0.1", port=27015, timeout=5)
    fields.update(row)
    ctx = CheckContext(settings=lambda k: key if k == "steamAPIKey" else None, steam_api_url=web.url + PATH)
    return await get_monitor_type("steam").check(monitor_row(**fields), ctx)


async def test_known_server_is_up_with_its_name():
    with http_target({PATH: steam_api}) as web:
        result = await check(web)
        assert (result.status, result.msg) == (1, "Kuma TF2 #1")
        assert result.ping is not None
        sent = parse_qs(urlsplit(web.requests[0].path).query)
        assert sent == {"filter": [KNOWN], "key": ["good-key"]}
        assert web.requests[0].headers["accept"] == "*/*"


async def test_hostname_is_resolved_for_the_filter():
    with http_target({PATH: steam_api}) as web:
        assert (await check(web, hostname="localhost")).msg == "Kuma TF2 #1"


async def test_unknown_server_and_bad_key_and_missing_key():
    with http_target({PATH: steam_api}) as web:
        with pytest.raises(CheckFailed, match="^Server not found on Steam$"):
            await check(web, port=27016)
        with pytest.raises(CheckFailed, match="^Request failed with status code 403$"):
            await check(web, key="bad-key")
        with pytest.raises(CheckFailed, match="^Steam API Key not found$"):
            await check(web, key=None)


async def test_api_timeout():
    with http_target({PATH: Reply(200, "{}", delay=2)}) as web:
        with pytest.raises(CheckFailed, match="^timeout of 500ms exceeded$"):
            await check(web, timeout=0.5)
