"""The login burst built once for many logins (`kuma.api.burst_cache`, issue #15).

- The cache's rules on their own (Trio, no network): concurrent logins share one build; a build serves a
  login only when nothing it shows changed since it began, or when it began after that login's socket
  joined the room; a failed build is not kept.
- Through a real server: logins of one user get byte-identical bursts, and a change (a monitor added, a
  beat pushed) is in the next login's burst.
"""
from __future__ import annotations

import json

import httpx
import pytest
import trio

from kuma.api.burst_cache import BurstCache
from tests.helpers.raw_socket import frames_up_to_ack
from tests.realtime.util import RecordingClient

PASSWORD = "burst-cache-1"


async def test_concurrent_logins_share_one_build(autojump_clock):
    cache = BurstCache(app=None)
    release, builds, results = trio.Event(), [], []

    async def build():
        builds.append(trio.current_time())
        await release.wait()
        return ["frames", len(builds)]

    async def login():
        results.append(await cache.get("lists", ("k", 1), trio.current_time(), build, len))

    async with trio.open_nursery() as nursery:
        for _ in range(5):
            nursery.start_soon(login)
        await trio.sleep(1)
        release.set()
    assert len(builds) == 1 and all(r is results[0] for r in results)
    assert cache.built == 1 and cache.shared == 4
    # kept: a later login with the same key (nothing changed) gets the very same object
    assert await cache.get("lists", ("k", 1), trio.current_time(), build, len) is results[0]
    # something changed (a new key): the next login builds anew
    fresh = await cache.get("lists", ("k", 2), trio.current_time(), build, len)
    assert fresh is not results[0] and len(builds) == 2


async def test_a_build_serves_a_changed_key_only_when_it_began_after_the_join(autojump_clock):
    cache = BurstCache(app=None)
    release, builds = trio.Event(), []

    async def build():
        builds.append(trio.current_time())
        number = len(builds)
        await release.wait()
        return [number]

    got: dict[str, list] = {}

    async def login(name, key, joined_at):
        got[name] = await cache.get("part", key, joined_at, build, len)

    t0 = trio.current_time()
    async with trio.open_nursery() as nursery:
        await trio.sleep(1)
        nursery.start_soon(login, "first", "k1", trio.current_time())  # build 1 begins at t=1
        await trio.sleep(1)
        # at t=2 something changed (key k2): a socket that joined at t=0.5, before build 1 began, may use it
        # (what changed after its join reaches it as change events); one that joined at t=1.5 may not
        nursery.start_soon(login, "joined before", "k2", t0 + 0.5)
        await trio.sleep(0.1)
        nursery.start_soon(login, "joined after", "k2", t0 + 1.5)
        await trio.sleep(1)
        release.set()
    assert got["first"] == [1] and got["joined before"] == [1]
    assert got["joined after"] == [2] and len(builds) == 2


async def test_a_failed_build_is_not_kept(autojump_clock):
    cache = BurstCache(app=None)
    calls = []

    async def broken():
        calls.append(1)
        raise RuntimeError("read failed")

    with pytest.raises(RuntimeError):
        await cache.get("part", "k", trio.current_time(), broken, len)
    assert await cache.get("part", "k", trio.current_time(), lambda: _value([7]), len) == [7]
    assert calls == [1]


async def _value(value):
    return value


# -- through a real server ------------------------------------------------------------------------------------
def _admin(url: str) -> tuple[str, list[str]]:
    """Admin set up, two push monitors; the admin's JWT and the push tokens."""
    client = RecordingClient(url, ["websocket"])
    try:
        assert client.call("setup", "admin", PASSWORD)["ok"]
        token = client.call("login", {"username": "admin", "password": PASSWORD, "token": ""})["token"]
        push_tokens = []
        for n in range(2):
            push_token = f"burstcache{n}"
            reply = client.call("add", {"type": "push", "name": f"push {n}", "interval": 3600, "retryInterval": 3600,
                                        "pushToken": push_token, "accepted_statuscodes": ["200-299"],
                                        "notificationIDList": {}})
            assert reply["ok"], reply
            push_tokens.append(push_token)
        return token, push_tokens
    finally:
        client.close()


def _burst(url: str, token: str) -> list[str]:
    """The exact text frames a `loginByToken` gets before its ack."""
    frames, ack = frames_up_to_ack(url, "loginByToken", token, after='42["loginRequired"')
    assert ack["ok"], ack
    return frames


def _event(frames: list[str], name: str) -> list:
    return [json.loads(f[2:])[1:] for f in frames if f.startswith(f'42["{name}"')]


def test_logins_get_identical_bursts_and_a_change_shows_in_the_next(kuma_server):
    url = kuma_server.url
    token, push_tokens = _admin(url)
    bursts = [_burst(url, token) for _ in range(3)]
    assert bursts[0] == bursts[1] == bursts[2]
    assert len(_event(bursts[0], "monitorList")[0][0]) == 2

    client = RecordingClient(url, ["websocket"])
    try:
        client.call("loginByToken", token)
        assert client.call("add", {"type": "push", "name": "third", "interval": 3600, "retryInterval": 3600,
                                   "pushToken": "burstcache2", "accepted_statuscodes": ["200-299"],
                                   "notificationIDList": {}})["ok"]
    finally:
        client.close()
    after_add = _burst(url, token)
    names = sorted(m["name"] for m in _event(after_add, "monitorList")[0][0].values())
    assert names == ["push 0", "push 1", "third"]

    assert httpx.get(f"{url}/api/push/{push_tokens[0]}", params={"status": "up", "msg": "pushed-once"}).json()["ok"]
    after_push = _burst(url, token)
    beats = {args[0]: args[1] for args in _event(after_push, "heartbeatList")}
    assert [b["msg"] for b in beats["1"]] == ["pushed-once"]
    assert beats["2"] == [] and beats["3"] == []
    assert _burst(url, token) == after_push  # and the next login shares that build again


class _BurstSocket:
    """What the burst uses of a socket: its session, room joins and sends (recorded as frames)."""

    def __init__(self) -> None:
        self.session: dict = {}
        self.auth: dict = {}
        self.sid = "burst-test"
        self.rooms: set[str] = set()
        self.frames: list = []

    def join(self, room: str) -> None:
        self.rooms.add(room)

    def leave(self, room: str) -> None:
        self.rooms.discard(room)

    async def send_encoded(self, frames: list) -> None:
        self.frames.extend(frames)

    async def emit(self, event: str, *args) -> None:
        self.frames.append(json.dumps([event, *args]))


def _count_reads(app) -> list:
    """From now on, every reader job of `app.db` is appended to the returned list (then run as before)."""
    reads: list = []
    original = app.db.read

    async def counting(fn):
        reads.append(fn)
        return await original(fn)

    app.db.read = counting
    return reads


async def test_a_login_served_by_the_cache_reads_its_own_lists_in_one_reader_job(tmp_path):
    """What a login reads for itself (maintenance, info, API keys, the time zone flag) is one reader job: a
    thousand logins at once are a thousand thread hops, not five thousand; the rest comes from the cache."""
    from kuma.api.burst import LIST_ORDER, after_login
    from kuma.realtime.wire import flatten
    from tests.api.inprocess import api_app

    async with api_app(tmp_path, modules=()) as (app, _hub, _monitoring):
        user = {"id": 1, "username": "admin"}
        first, second = _BurstSocket(), _BurstSocket()
        await after_login(app, first, user)  # builds the shared lists
        reads = _count_reads(app)
        await after_login(app, second, user)
        assert len(reads) == 1
        events = [json.loads(f[2:] if f.startswith("42") else f)[0] for f in flatten(second.frames)]
        assert events[: len(LIST_ORDER)] == list(LIST_ORDER)
        assert flatten(second.frames) == flatten(first.frames)  # the same burst, byte for byte


async def test_connects_read_their_settings_once_until_a_write_changes_them(tmp_path):
    """A connect's `info` settings and `disableAuth` are read once for all the connects that come while the
    database has no new non-beat write; a changed setting is in the very next connect's `info`."""
    from kuma.api.auth import on_connect
    from kuma.store.settings import set_setting
    from tests.api.inprocess import api_app

    async with api_app(tmp_path, modules=()) as (app, _hub, _monitoring):
        reads = _count_reads(app)
        socks = [_BurstSocket() for _ in range(3)]
        for sock in socks:
            await on_connect(app, sock)
        assert len(reads) == 1
        assert all(json.loads(s.frames[0])[:2] == ["info", json.loads(socks[0].frames[0])[1]] for s in socks)
        assert json.loads(socks[0].frames[-1]) == ["loginRequired"]
        await app.db.write(lambda db: set_setting(db, "primaryBaseURL", "https://kuma.example", "general"))
        later = _BurstSocket()
        await on_connect(app, later)
        assert len(reads) == 2
        assert json.loads(later.frames[0])[1]["primaryBaseURL"] == "https://kuma.example"


async def test_two_logins_share_their_list_frames_encoded_once(tmp_path, monkeypatch):
    """The lists of two logins (nothing changed between them) are encoded once, as JSON and as websocket
    bytes: the second login hands its socket the very `Wire` objects of the first, whose websocket messages
    (Engine.IO/Socket.IO prefix and RFC 6455 header included) were made once, off the event loop."""
    from kuma.api import burst
    from kuma.realtime import wire as wire_module
    from kuma.realtime.wire import Wire
    from tests.api.inprocess import api_app

    encoded: list[str] = []
    serialized: list[int] = []
    pieces, messages = burst.encode_event_in_pieces, wire_module.ws_messages

    def counting_pieces(event, payload, *rest):
        encoded.append(event)
        return pieces(event, payload, *rest)

    def counting_messages(frames):
        serialized.append(1)
        return messages(frames)

    monkeypatch.setattr(burst, "encode_event_in_pieces", counting_pieces)
    monkeypatch.setattr(wire_module, "ws_messages", counting_messages)
    async with api_app(tmp_path, modules=()) as (app, _hub, _monitoring):
        user = {"id": 1, "username": "admin"}
        first, second = _BurstSocket(), _BurstSocket()
        await burst.after_login(app, first, user)
        shared = [item for item in first.frames if isinstance(item, Wire) and item.held]
        assert {"monitorList", "notificationList", "statusPageList"} <= set(encoded)
        assert len(encoded) == len(set(encoded))  # each list encoded once in the first build
        lists_encoded, wires_serialized = len(encoded), len(serialized)
        await burst.after_login(app, second, user)
        assert len(encoded) == lists_encoded and len(serialized) == wires_serialized  # nothing encoded again
        again = [item for item in second.frames if isinstance(item, Wire) and item.held]
        assert len(again) == len(shared) and all(a is b for a, b in zip(again, shared))
        assert all(a.websocket_bytes() is b.websocket_bytes() for a, b in zip(again, shared))
        assert len(serialized) == wires_serialized  # their websocket bytes were made once, in the build
