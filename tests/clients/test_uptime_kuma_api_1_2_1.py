"""uptime-kuma-api 1.2.1, the client made for Uptime Kuma 1.x (under the Ansible collection and most
command-line tools), in a venv of its own (it is the module `uptime_kuma_api`, as -ng is): every method of
`UptimeKumaApi` against a running kuma, one test each (tests/clients/family.py)."""
from __future__ import annotations

import pytest

from tests.clients import family
from tests.clients.envs import client_python

PACKAGE, VERSION = "uptime-kuma-api", "1.2.1"
REQUIREMENTS = [f"{PACKAGE}=={VERSION}", "python-socketio==5.18.1", "python-engineio==4.15.1", "requests==2.34.2",
                "websocket-client==1.9.2"]
KNOWN = {
    "save_status_page": family.stale_status_page_keys,
    "post_incident": family.stale_status_page_keys,
    "unpin_incident": family.stale_status_page_keys,
}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> family.Run:
    python = client_python(f"{PACKAGE}-{VERSION}", REQUIREMENTS)
    return family.run_family(python, tmp_path_factory.mktemp("v121"))


def test_every_public_method_is_driven(run):
    assert run.methods == sorted(family.CHECKS) and len(run.methods) == 89


@pytest.mark.parametrize("method", sorted(family.CHECKS))
def test_method(run, method):
    family.check(run, method, KNOWN)
