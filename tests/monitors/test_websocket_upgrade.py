"""websocket-upgrade checks against real websocket servers (trio-websocket) and raw TCP peers on 127.0.0.1."""
from __future__ import annotations

import base64
import functools
import hashlib

import pytest
import trio
from trio_websocket import serve_websocket

from kuma.monitors.base import UP, CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port, silent_listener


async def check(url, **row):
    row.setdefault("accepted_statuscodes_json", '["1000"]')
    return await get_monitor_type("websocket-upgrade").check(monitor_row(type="websocket-upgrade", url=url, **row),
                                                             CheckContext())


async def ws_server(nursery, *, subprotocol=None, reject=None, seen=None):
    async def handler(request):
        if seen is not None:
            seen.append((request.path, dict(request.headers), request.proposed_subprotocols))
        if reject is not None:
            await request.reject(reject)
            return
        ws = await request.accept(subprotocol=subprotocol)
        try:
            while True:
                await ws.get_message()
        except Exception:
            return

    listeners = await nursery.start(serve_websocket, handler, "127.0.0.1", 0, None)
    return listeners.port


async def raw_server(nursery, answer):
    """A TCP peer that reads the request and answers with `answer(key)` bytes, then drops the connection."""
    async def handle(stream):
        data = b""
        while b"\r\n\r\n" not in data:
            data += await stream.receive_some(4096)
        key = [line.split(b":", 1)[1].strip() for line in data.split(b"\r\n") if line.lower().startswith(
            b"sec-websocket-key:")][0].decode()
        await stream.send_all(answer(key))
        await stream.aclose()

    listeners = await nursery.start(functools.partial(trio.serve_tcp, handle, 0, host="127.0.0.1"))
    return listeners[0].socket.getsockname()[1]


def switching(token):
    return (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + token.encode() + b"\r\n\r\n")


def good_token(key):
    return base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()


async def test_upgrade_and_clean_close_is_up_with_headers_and_subprotocol_sent():
    seen = []
    async with trio.open_nursery() as nursery:
        port = await ws_server(nursery, subprotocol="chat.v2", seen=seen)
        result = await check(f"ws://127.0.0.1:{port}/live?x=1", ws_subprotocol="chat.v1, chat.v2",
                             headers='{"X-Token": "abc"}', auth_method="bearer", bearer_token="t0k")
        nursery.cancel_scope.cancel()
    assert (result.status, result.msg) == (UP, "1000 - OK")
    path, headers, proposed = seen[0]
    assert path == "/live?x=1"
    assert list(proposed) == ["chat.v1", "chat.v2"]
    assert headers[b"x-token"] == b"abc" and headers[b"authorization"] == b"Bearer t0k"


async def test_rejected_upgrade_and_missing_subprotocol_are_down_with_ws_wording():
    async with trio.open_nursery() as nursery:
        rejecting = await ws_server(nursery, reject=403)
        plain = await ws_server(nursery)
        with pytest.raises(CheckFailed, match="^Unexpected server response: 403$"):
            await check(f"ws://127.0.0.1:{rejecting}/")
        with pytest.raises(CheckFailed, match="^Server sent no subprotocol$"):
            await check(f"ws://127.0.0.1:{plain}/", ws_subprotocol="mqtt")
        nursery.cancel_scope.cancel()


async def test_close_code_must_be_accepted():
    async with trio.open_nursery() as nursery:
        port = await ws_server(nursery)
        with pytest.raises(CheckFailed, match="^Unexpected status code: 1000$"):
            await check(f"ws://127.0.0.1:{port}/", accepted_statuscodes_json='["1001"]')
        nursery.cancel_scope.cancel()


async def test_peer_that_drops_after_101_is_abnormal_closure():
    async with trio.open_nursery() as nursery:
        port = await raw_server(nursery, lambda key: switching(good_token(key)))
        with pytest.raises(CheckFailed, match="^Abnormal Closure$"):
            await check(f"ws://127.0.0.1:{port}/")
        nursery.cancel_scope.cancel()


async def test_bad_accept_header_is_down_unless_ignored():
    async with trio.open_nursery() as nursery:
        port = await raw_server(nursery, lambda key: switching("bm90IHRoZSByaWdodCB0b2tlbg=="))
        with pytest.raises(CheckFailed, match="^Invalid Sec-WebSocket-Accept header$"):
            await check(f"ws://127.0.0.1:{port}/")
        result = await check(f"ws://127.0.0.1:{port}/", ws_ignore_sec_websocket_accept_header=1)
        assert (result.status, result.msg) == (UP, "1000 - OK")
        nursery.cancel_scope.cancel()


async def test_refused_timeout_and_bad_scheme():
    port = closed_port()
    with pytest.raises(CheckFailed, match=f"^connect ECONNREFUSED 127.0.0.1:{port}$"):
        await check(f"ws://127.0.0.1:{port}/")
    with silent_listener() as silent:
        with pytest.raises(CheckFailed, match="^Opening handshake has timed out$"):
            await check(f"ws://127.0.0.1:{silent}/", timeout=0.5)
    with pytest.raises(CheckFailed, match="protocol must be one of"):
        await check("ftp://127.0.0.1/")
