"""`kuma export` / `kuma apply` on real data folders, the CLI run as a subprocess.

Edits "as the UI would make them" go through the same kuma.domain functions the Socket.IO handlers call.
"""
from __future__ import annotations

import signal
from pathlib import Path

import pytest
import trio

from kuma.automation.offline_app import stopped_server_app
from kuma.config import Config
from kuma.domain import monitors, tags
from kuma.store import config_keys
from kuma.store.offline import open_existing
from tests.automation.helpers import kuma, make_folder, ok
from tests.helpers.server import start_kuma
from tests.helpers.waiting import wait_until

FILE = """\
kuma: 1
settings:
  keepDataPeriodDays: 90
  primaryBaseURL: https://status.example.test
tags:
  - key: prod
    name: prod
    color: "#ff0000"
  - key: team
    name: Team
    color: "#00ff00"
notifications:
  - key: hook
    name: Ops hook
    type: webhook
    isDefault: false
    config:
      webhookURL: http://127.0.0.1:9/hook
      webhookContentType: json
monitors:
  - key: shop
    name: Shop
    type: group
  - key: web
    name: Web
    type: http
    url: http://127.0.0.1:9/
    interval: 60
    group: shop
    notifications: [hook]
    tags: [{tag: prod, value: eu}, {tag: team, value: ""}]
  - key: api
    name: API
    type: keyword
    url: http://127.0.0.1:9/api
    keyword: ok
    interval: 30
    active: false
"""


@pytest.fixture
def folder(tmp_path) -> Path:
    return make_folder(tmp_path / "data")


def export(folder: Path, *extra: str) -> str:
    return ok("export", "--data-dir", str(folder), *extra)


def apply(folder: Path, path: Path, *extra: str, **kwargs) -> str:
    return ok("apply", str(path), "--data-dir", str(folder), *extra, **kwargs)


def write(tmp_path: Path, text: str, name: str = "kuma.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def monitor_id(folder: Path, key: str) -> int:
    """The id the stable key is pinned to (kuma_config_key)."""
    db = open_existing(folder / "kuma.db")
    try:
        return {k: i for i, k in config_keys.keys_of(db, "monitor").items()}[key]
    finally:
        db.conn.close()


def as_ui(folder: Path, change) -> None:
    """Run `change(app, user_id)` through the domain layer on the (stopped) folder."""

    async def run() -> None:
        async with stopped_server_app(Config.from_sources(data_dir=str(folder))) as app:
            await change(app, 1)

    trio.run(run)


def test_round_trip_is_byte_for_byte(folder, tmp_path):
    applied = apply(folder, write(tmp_path, FILE))
    assert "Plan: 6 to create, 1 to update, 0 to delete." in applied
    first = export(folder)
    assert "key: web" in first and "group: shop" in first and "webhookURL: http://127.0.0.1:9/hook" in first
    assert "heartbeat" not in first
    empty = make_folder(tmp_path / "other")
    apply(empty, write(tmp_path, first, "exported.yaml"))
    assert export(empty) == first


def test_applying_twice_changes_nothing_the_second_time(folder, tmp_path):
    path = write(tmp_path, FILE)
    apply(folder, path)
    before = export(folder)
    assert apply(folder, path) == "No changes: the folder matches the file.\n"
    assert export(folder) == before


def test_an_edit_in_the_ui_shows_up_as_exactly_that_field(folder, tmp_path):
    path = write(tmp_path, FILE)
    apply(folder, path)
    web_id = monitor_id(folder, "web")

    async def rename(app, user_id):
        await monitors.edit(app, user_id, {"id": web_id, "name": "Web (renamed)", "interval": 120,
                                           "accepted_statuscodes": ["200-299"]})

    as_ui(folder, rename)
    plan = apply(folder, write(tmp_path, export(folder), "edited.yaml"), "--plan")
    assert plan == "No changes: the folder matches the file.\n"  # the export carries the edit
    plan = apply(folder, path, "--plan")
    assert plan.splitlines() == [
        "~ monitor web (update)",
        '    name: "Web (renamed)" -> "Web"',
        "    interval: 120 -> 60",
        "Plan: 0 to create, 1 to update, 0 to delete.",
    ]
    apply(folder, path)
    exported = export(folder)
    assert exported.count("key: web\n") == 1 and "name: Web (renamed)" not in exported  # updated, not duplicated


def test_prune_deletes_only_what_the_file_lacks(folder, tmp_path):
    path = write(tmp_path, FILE)
    apply(folder, path)

    async def add_extra(app, user_id):
        extra = await monitors.add(app, user_id, {"name": "Made in the UI", "type": "http", "url": "http://127.0.0.1:9/x",
                                                  "interval": 60, "accepted_statuscodes": ["200-299"]})
        tag = await tags.add(app, {"name": "UI tag", "color": "#000000"})
        await tags.add_monitor_tag(app, tag["id"], extra, "")

    as_ui(folder, add_extra)
    assert "- monitor made-in-the-ui" not in apply(folder, path, "--plan")  # without --prune nothing goes
    plan = apply(folder, path, "--plan", "--prune")
    assert plan.splitlines() == [
        "- tag ui-tag (delete)",
        "- monitor made-in-the-ui (delete)",
        "Plan: 0 to create, 0 to update, 2 to delete.",
    ]
    apply(folder, path, "--prune")
    exported = export(folder)
    assert "Made in the UI" not in exported and "UI tag" not in exported
    for key in ("key: shop", "key: web", "key: api", "key: prod", "key: team", "key: hook"):
        assert key in exported


@pytest.mark.parametrize("text, message", [
    ("monitors: [\n  - key: a\n", "not valid YAML"),
    ("monitors:\n  - key: a\n    name: A\n    colour: red\n", "monitors 'a': unknown key(s): colour"),
    ("moniters: []\n", "unknown top-level key(s): moniters"),
    ("settings:\n  jwtSecret: x\n", "settings: unknown key(s): jwtSecret"),
    ("monitors:\n  - key: a\n    name: A\n    group: nowhere\n", "group 'nowhere' is not a monitor in the file"),
    ("monitors:\n  - key: a\n  - key: a\n", "key 'a' is used twice"),
])
def test_a_bad_file_is_a_clear_error_and_changes_nothing(folder, tmp_path, text, message):
    apply(folder, write(tmp_path, FILE))
    before = export(folder)
    result = kuma("apply", str(write(tmp_path, text, "bad.yaml")), "--data-dir", str(folder), "--prune")
    assert result.returncode == 1
    assert message in result.stderr and "Nothing was changed." in result.stderr
    assert export(folder) == before


def test_a_refusal_of_the_domain_is_reported(folder, tmp_path):
    result = kuma("apply", str(write(tmp_path, "monitors:\n  - key: a\n    name: A\n    type: http\n    interval: 0\n")),
                  "--data-dir", str(folder))
    assert result.returncode == 1 and "monitors 'a': " in result.stderr and "nterval" in result.stderr
    assert "Nothing was changed." in result.stderr


def test_secrets_as_env_references(folder, tmp_path):
    apply(folder, write(tmp_path, FILE))
    exported = export(folder, "--secrets", "env")
    assert "webhookURL: \"${KUMA_HOOK_WEBHOOKURL}\"" in exported and "127.0.0.1:9/hook" not in exported
    assert "webhookContentType: json" in exported
    other = make_folder(tmp_path / "other")
    path = write(tmp_path, exported, "env.yaml")
    missing = kuma("apply", str(path), "--data-dir", str(other), env={})
    assert missing.returncode == 1 and "needs $KUMA_HOOK_WEBHOOKURL (not set)" in missing.stderr
    apply(other, path, env={"KUMA_HOOK_WEBHOOKURL": "http://127.0.0.1:9/from-env"})
    assert "webhookURL: http://127.0.0.1:9/from-env" in export(other)


def test_apply_refuses_while_a_server_holds_the_folder(folder, tmp_path):
    path = write(tmp_path, FILE)
    server = start_kuma(folder)
    try:
        result = kuma("apply", str(path), "--data-dir", str(folder))
        assert result.returncode == 1 and "in use by a running kuma server" in result.stderr
        assert "key: web" not in export(folder)  # export reads beside the server
    finally:
        assert server.stop() == 0, server.log()


def test_serve_applies_the_file_at_start(folder, tmp_path):
    server = start_kuma(folder, extra_args=["--apply", str(write(tmp_path, FILE))])
    try:
        assert "key: web" in export(folder) and "keepDataPeriodDays: 90" in export(folder)
    finally:
        assert server.stop() == 0, server.log()


def test_sighup_applies_the_file_again_to_the_running_server(folder, tmp_path):
    path = write(tmp_path, FILE)
    server = start_kuma(folder, extra_args=["--apply", str(path)])
    try:
        assert "interval: 30" in export(folder)
        path.write_text(FILE.replace("interval: 30", "interval: 45") + "  - {key: new, name: New, type: group}\n")
        server.process.send_signal(signal.SIGHUP)
        wait_until(lambda: "interval: 45" in (text := export(folder)) and "key: new" in text, timeout=60,
                   what="the re-applied file in the folder")
        assert server.process.poll() is None
        assert "SIGHUP: applied" in server.log()
    finally:
        assert server.stop() == 0, server.log()
