"""uptime-kuma-api-ng (pinned in the test extras, so it runs with the test venv's python): every method of
`UptimeKumaApi` against a running kuma, one test each (tests/clients/family.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.clients import family

PACKAGE, VERSION = "uptime-kuma-api-ng", "1.10.0"
KNOWN: dict = {}  # every method works (upload_backup: kuma refuses it at once, see family.CHECKS)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> family.Run:
    from importlib.metadata import version

    assert version(PACKAGE) == VERSION
    return family.run_family(Path(sys.executable), tmp_path_factory.mktemp("ng"))


def test_every_public_method_is_driven(run):
    assert run.methods == sorted(family.CHECKS) and len(run.methods) == 89


@pytest.mark.parametrize("method", sorted(family.CHECKS))
def test_method(run, method):
    family.check(run, method, KNOWN)
