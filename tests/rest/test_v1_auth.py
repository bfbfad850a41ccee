"""REST API v1 auth: no key, bad key, Basic, scopes, inactive/expired keys, the per-key rate limit."""
from __future__ import annotations

import httpx

from tests.helpers.server import start_kuma
from tests.helpers.sessions import make_keys

PUSH = {"type": "push", "name": "auth-probe"}


def test_no_key_and_bad_key_are_401_json(server):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Bearer uk1_wrongsecret"}):
        reply = httpx.get(f"{server.url}/api/v1/health", headers=headers)
        assert reply.status_code == 401, headers
        assert reply.json()["ok"] is False and reply.json()["msg"]
        assert reply.headers["www-authenticate"].startswith("Bearer")


def test_bearer_and_basic_with_the_key_as_password(server):
    bearer = httpx.get(f"{server.url}/api/v1/health", headers={"Authorization": f"Bearer {server.keys.read}"})
    assert bearer.status_code == 200 and bearer.json()["ok"] is True
    basic = httpx.get(f"{server.url}/api/v1/health", auth=("anyone", server.keys.read))
    assert basic.status_code == 200


def test_read_only_keys_cannot_write_and_nothing_is_stored(server, rw):
    before = rw.get("/monitors").json()["total"]
    for key in (server.keys.read, server.keys.legacy):
        headers = {"Authorization": f"Bearer {key}"}
        assert httpx.get(f"{server.url}/api/v1/monitors", headers=headers).status_code == 200
        reply = httpx.post(f"{server.url}/api/v1/monitors", json=PUSH, headers=headers)
        assert reply.status_code == 403 and reply.json()["msg"] == "This API key is read-only"
    assert rw.get("/monitors").json()["total"] == before


def test_inactive_and_expired_keys_are_refused(server):
    for key, msg in ((server.keys.inactive, "This API key is inactive"), (server.keys.expired, "This API key has expired")):
        reply = httpx.get(f"{server.url}/api/v1/health", headers={"Authorization": f"Bearer {key}"})
        assert reply.status_code == 403 and reply.json() == {"ok": False, "msg": msg}


def test_disabling_a_key_takes_effect_at_once(server, wire):
    key = wire.call("addAPIKey", {"name": "soon off", "expires": None, "active": True, "scope": "read"})[0]
    headers = {"Authorization": f"Bearer {key['key']}"}
    assert httpx.get(f"{server.url}/api/v1/health", headers=headers).status_code == 200
    assert wire.call("disableAPIKey", key["keyID"])[0]["ok"] is True
    assert httpx.get(f"{server.url}/api/v1/health", headers=headers).status_code == 403


def test_a_bad_scope_is_refused_over_socketio(wire):
    ack = wire.call("addAPIKey", {"name": "x", "expires": None, "active": True, "scope": "admin"})[0]
    assert ack == {"ok": False, "msg": "Scope must be read or write"}


def test_rate_limit_is_per_key(tmp_path):
    kuma = start_kuma(tmp_path / "data", env={"KUMA_API_RATE_PER_MINUTE": "3"})
    try:
        keys = make_keys(kuma.url)
        codes = [httpx.get(f"{kuma.url}/api/v1/health", auth=("", keys.read)).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        assert httpx.get(f"{kuma.url}/api/v1/health", auth=("", keys.read)).json()["ok"] is False
        assert httpx.get(f"{kuma.url}/api/v1/health", auth=("", keys.write)).status_code == 200  # its own bucket
    finally:
        kuma.stop()
