"""An idle server must not have loaded the heavy libraries: they are imported inside the functions that
use them (idle RSS budget 60 MB; scripts/bench/startup.py prints the figure). This checks the module set
after the server's full set-up, in a fresh interpreter, so it fails as soon as one area imports one of
them at module level."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers.paths import REPO

#: Top-level packages that only the code paths needing them may import (CONTRACTS.md, "Heavy imports").
HEAVY = ["apprise", "jsonata", "liquid", "babel", "prometheus_client", "dns", "cryptography", "jwt",
         "socketio", "engineio", "requests", "websocket", "yaml", "markdown"]

PROBE = """
import json, sys, tempfile
from pathlib import Path
from kuma.config import Config
from kuma.server import setup_app
from kuma.store import Database
from kuma.web_app import create_web_app

config = Config.from_sources(data_dir=tempfile.mkdtemp())
config.data_dir.mkdir(parents=True, exist_ok=True)
app = setup_app(config, Database.open(config.db_path))
create_web_app(app)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_server_setup_leaves_heavy_libraries_unloaded():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=REPO, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stderr
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "kuma" in loaded and "quart" in loaded  # the probe really built the server
    assert sorted(loaded & set(HEAVY)) == []
