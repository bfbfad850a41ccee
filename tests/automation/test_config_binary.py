"""Config as code and reports from the one-file binary (run outside the checkout, no PYTHONPATH): the
YAML library, the automation modules and the folder lock are all in the build."""
from __future__ import annotations

import json

import pytest

from tests.automation.helpers import make_folder, ok
from tests.automation.test_config_as_code import FILE
from tests.helpers.binary import built_binary

pytestmark = pytest.mark.timeout(1500)


def test_export_apply_report_with_the_binary(tmp_path):
    binary = [str(built_binary())]
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    frozen = {"command": binary, "env": {"PYTHONPATH": ""}, "cwd": elsewhere}
    folder = make_folder(tmp_path / "data")
    (tmp_path / "kuma.yaml").write_text(FILE)
    assert "Plan: 6 to create, 1 to update" in ok("apply", str(tmp_path / "kuma.yaml"), "--data-dir", str(folder),
                                                  **frozen)
    exported = ok("export", "--data-dir", str(folder), **frozen)
    assert exported == ok("export", "--data-dir", str(folder))  # the same bytes as from source
    other = make_folder(tmp_path / "other")
    (tmp_path / "exported.yaml").write_text(exported)
    ok("apply", str(tmp_path / "exported.yaml"), "--data-dir", str(other), **frozen)
    assert ok("export", "--data-dir", str(other), **frozen) == exported
    report = json.loads(ok("report", "--data-dir", str(folder), "--monitor", "1", "--from", "2026-11-01",
                           "--to", "2026-11-02", **frozen))
    assert report["name"] == "Shop" and report["unknownSeconds"] == 86400


def test_remote_apply_and_export_with_the_binary(tmp_path):
    """The frozen server's /api/v1/config and the frozen CLI's --url client (httpx) together; the bytes
    equal the source CLI's export of the same server."""
    from tests.automation.test_config_remote import COMBINED
    from tests.helpers.server import start_kuma
    from tests.helpers.sessions import make_keys

    binary = [str(built_binary())]
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    frozen = {"command": binary, "env": {"PYTHONPATH": ""}, "cwd": elsewhere}
    server = start_kuma(tmp_path / "data", command=binary, cwd=elsewhere, env={"PYTHONPATH": ""})
    try:
        target = ["--url", server.url, "--api-key", make_keys(server.url).write]
        (tmp_path / "kuma.yaml").write_text(COMBINED)
        applied = ok("apply", str(tmp_path / "kuma.yaml"), *target, **frozen)
        assert "+ status page main (create)" in applied and "Applied." in applied
        exported = ok("export", *target, **frozen)
        assert "strategy: recurring-day-of-month" in exported
        assert exported == ok("export", *target)
        assert ok("apply", str(tmp_path / "kuma.yaml"), *target, **frozen).startswith("No changes")
    finally:
        assert server.stop() == 0, server.log()
