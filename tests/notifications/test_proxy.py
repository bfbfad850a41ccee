"""NOTIFICATION_PROXY: provider HTTP requests go through the proxy named in the environment."""
from __future__ import annotations

from kuma.notifications.base import send_notification
from tests.helpers.server import free_port


async def test_requests_go_through_notification_proxy(recorder, monkeypatch):
    port = free_port()  # nothing listens there: only the proxy can answer
    monkeypatch.setenv("NOTIFICATION_PROXY", recorder.url)
    result = await send_notification({"type": "webhook", "webhookURL": f"http://127.0.0.1:{port}/hook"}, "via proxy")
    assert result == "Sent Successfully."
    (req,) = recorder.requests
    assert req.target == f"http://127.0.0.1:{port}/hook"  # absolute-form: a proxy request
    assert req.header("Host") == f"127.0.0.1:{port}"
    assert req.json() == {"heartbeat": None, "monitor": None, "msg": "via proxy"}


async def test_without_proxy_requests_go_direct(recorder, monkeypatch):
    monkeypatch.delenv("NOTIFICATION_PROXY", raising=False)
    await send_notification({"type": "webhook", "webhookURL": recorder.url + "/hook"}, "direct")
    (req,) = recorder.requests
    assert req.target == "/hook"
