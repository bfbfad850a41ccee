"""The first socket that must log in has PyJWT imported for it in a worker thread (`kuma.accounts.jwt.preload`),
so the first login's ack signs its token without an import on the event loop; an idle server still has not
imported it (tests/test_idle_imports.py). A fresh interpreter, since the test process imported PyJWT long ago."""
from __future__ import annotations

import subprocess
import sys

from tests.helpers.paths import REPO

PROBE = """
import sys, tempfile
from pathlib import Path
import trio
from tests.accounts.test_burst_cache import _BurstSocket
from tests.api.inprocess import api_app

async def main():
    async with api_app(Path(tempfile.mkdtemp()), modules=()) as (app, _hub, _monitoring):
        from kuma.api.auth import on_connect
        before = "jwt" in sys.modules
        sock = _BurstSocket()
        await on_connect(app, sock)
        assert sock.frames[-1] == '["loginRequired"]', sock.frames
        for _ in range(300):  # the import runs in a worker thread; wait for it (at most 30 s)
            if "jwt" in sys.modules and "jwt.api_jwt" in sys.modules:
                break
            await trio.sleep(0.1)
        print(before, "jwt.api_jwt" in sys.modules)

trio.run(main)
"""


def test_a_connect_that_must_log_in_loads_the_token_codec_beforehand():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]
