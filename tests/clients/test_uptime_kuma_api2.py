"""uptime-kuma-api2, a 2.x fork of uptime-kuma-api, in a venv of its own (it is the module `uptime_kuma_api`
too): every method of `UptimeKumaApi` against a running kuma, one test each (tests/clients/family.py)."""
from __future__ import annotations

import pytest

from tests.clients import family
from tests.clients.envs import client_python

PACKAGE, VERSION = "uptime-kuma-api2", "2.9.0"
REQUIREMENTS = [f"{PACKAGE}=={VERSION}", "python-socketio==5.18.1", "python-engineio==4.15.1", "requests==2.34.2",
                "websocket-client==1.9.2"]
KNOWN: dict = {}  # every method works (upload_backup: kuma refuses it at once, see family.CHECKS)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> family.Run:
    python = client_python(f"{PACKAGE}-{VERSION}", REQUIREMENTS)
    return family.run_family(python, tmp_path_factory.mktemp("api2"))


def test_every_public_method_is_driven(run):
    assert run.methods == sorted(family.CHECKS) and len(run.methods) == 89


@pytest.mark.parametrize("method", sorted(family.CHECKS))
def test_method(run, method):
    family.check(run, method, KNOWN)
