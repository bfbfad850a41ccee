"""radius checks against Debian's freeradius started by the test."""
from __future__ import annotations

import socket

import pytest

from kuma.monitors.base import CheckContext, CheckFailed, get_monitor_type
from kuma.monitors.radius import hide_password
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.probe_daemons import (
    RADIUS_PASSWORD, RADIUS_SECRET, RADIUS_STATION, RADIUS_STATION_USER, RADIUS_USER, freeradius,
)


@pytest.fixture(scope="module")
def server():
    with freeradius() as port:
        yield port


async def check(port, **row):
    fields = dict(type="radius", hostname="127.0.0.1", port=port, interval=20, radius_username=RADIUS_USER,
                  radius_password=RADIUS_PASSWORD, radius_secret=RADIUS_SECRET, radius_called_station_id=None,
                  radius_calling_station_id=None)
    fields.update(row)
    return await get_monitor_type("radius").check(monitor_row(**fields), CheckContext())


async def test_accept_is_up(server):
    result = await check(server)
    assert (result.status, result.msg) == (1, "Access-Accept")
    assert isinstance(result.ping, int)


async def test_reject_is_down_with_uptime_kumas_message(server):
    with pytest.raises(CheckFailed, match=f"^RADIUS Access-Reject from 127.0.0.1:{server}$"):
        await check(server, radius_password="wrong")
    with pytest.raises(CheckFailed, match="^RADIUS Access-Reject from"):  # wrong secret: password decodes wrong
        await check(server, radius_secret="not-the-secret")


async def test_calling_station_id_is_sent(server):
    ok = await check(server, radius_username=RADIUS_STATION_USER, radius_calling_station_id=RADIUS_STATION,
                     radius_called_station_id="kuma-nas")
    assert ok.msg == "Access-Accept"
    with pytest.raises(CheckFailed, match="^RADIUS Access-Reject"):
        await check(server, radius_username=RADIUS_STATION_USER, radius_calling_station_id="02-00-00-00-00-99")


async def test_silent_server_times_out_after_two_attempts():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        with pytest.raises(CheckFailed, match=f"^RADIUS authentication failed for 127.0.0.1:{port}: "
                                              "RADIUS request timeout after 2 attempts$"):
            await check(port, interval=1)
        assert len([silent.recv(4096) for _ in range(2)]) == 2  # the request went out twice


def test_password_hiding_rfc2865():
    hidden = hide_password(b"abc", b"secret", bytes(16))
    assert len(hidden) == 16 and hide_password(b"x" * 17, b"s", bytes(16))[16:] != bytes(16)
    assert len(hide_password(b"", b"s", bytes(16))) == 16


async def test_accept_that_does_not_verify_is_down():
    import threading

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as fake:
        fake.bind(("127.0.0.1", 0))

        def answer():
            data, peer = fake.recvfrom(4096)
            fake.sendto(bytes([2, data[1], 0, 20]) + bytes(16), peer)  # Access-Accept, bogus authenticator

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        with pytest.raises(CheckFailed, match="^RADIUS response decoding failed: invalid response authenticator"):
            await check(fake.getsockname()[1], interval=1)
        thread.join()
