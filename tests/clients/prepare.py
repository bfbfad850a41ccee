"""A kuma prepared over the raw Socket.IO API for the clients that cannot set one up themselves: the admin, a
push monitor and a public status page `demo` that shows it."""
from __future__ import annotations

from tests.helpers.sessions import connected

PUSH_TOKEN = "pushTokenForClients1"


def prepare(url: str, password: str) -> dict[str, int]:
    with connected(url) as client:
        assert client.call("setup", "admin", password)[0]["ok"] is True
        assert client.call("login", {"username": "admin", "password": password, "token": ""})[0]["ok"] is True
        push = {"type": "push", "name": "agent", "pushToken": PUSH_TOKEN, "interval": 60,
                "accepted_statuscodes": ["200-299"], "notificationIDList": {}}
        added = client.call("add", push)[0]
        assert added["ok"] is True, added
        assert client.call("addStatusPage", "Demo", "demo")[0]["ok"] is True
        config = {"slug": "demo", "title": "Demo", "description": None, "theme": "auto", "published": True,
                  "showTags": False, "domainNameList": [], "customCSS": "", "footerText": None,
                  "showPoweredBy": True, "icon": "/icon.svg", "autoRefreshInterval": 300}
        groups = [{"name": "Agents", "monitorList": [{"id": added["monitorID"]}]}]
        saved = client.call("saveStatusPage", "demo", config, "/icon.svg", groups)[0]
        assert saved["ok"] is True, saved
        return {"push": added["monitorID"]}
