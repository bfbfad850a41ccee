"""Issue #20: `kuma serve` on a copy of the real 1.23 data folder says what it found, backs up, migrates,
then serves it: the fixture's user logs in and sees every monitor with its 1.23 history — from source and
from the frozen binary. While it migrates, the port answers with a progress page, not a refused connection."""

from __future__ import annotations

import httpx
import pytest
import trio

from kuma.migration.page import headline, progress_app
from kuma.migration.progress import Progress, Snapshot, describe
from kuma.migration.runner import backup_path, needs_migration
from tests.helpers.binary import built_binary
from tests.helpers.legacy_db import MIGRATED_AT, copy_legacy
from tests.helpers.server import start_kuma
from tests.helpers.sessions import login_burst
from tests.helpers.waiting import wait_until

pytestmark = pytest.mark.timeout(1500)  # the binary variant may have to wait for a build


def _serving(url: str) -> bool:
    """200 from the real app (the progress page answers 503; between the two the port is briefly closed)."""
    try:
        return httpx.get(f"{url}/api/entry-page", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _start(variant: str, data_dir, tmp_path, request):
    if variant == "binary":
        elsewhere = tmp_path / "cwd"
        elsewhere.mkdir()
        return start_kuma(
            data_dir,
            command=[str(built_binary())],
            cwd=elsewhere,
            env={"PYTHONPATH": ""},
            ready_timeout=90,
            clock_start=MIGRATED_AT,
        )
    return start_kuma(data_dir, clock_start=MIGRATED_AT)


@pytest.mark.parametrize("variant", ["source", "binary"])
def test_serve_migrates_a_1_23_folder_and_its_user_sees_everything(variant, tmp_path, request):
    db = copy_legacy(tmp_path / "data")
    server = _start(variant, tmp_path / "data", tmp_path, request)
    try:
        wait_until(lambda: _serving(server.url), timeout=60, what="the server after its migration")
        log = server.log()
        assert "found an Uptime Kuma 1.x database" in log and "12 monitors" in log, log
        assert f"backup written: {backup_path(db)}" in log, log
        assert "aggregate tables: 100.0 % (261 of 261 heartbeats" in log, log
        monitors, lists = login_burst(server.url)
        assert sorted(int(i) for i in monitors) == list(range(1, 13))
        assert monitors["9"]["pushToken"] == "M1feIWaQ1f" and monitors["6"]["parent"] == 5
        assert len([b for b in lists["1"] if b["time"] <= "2026-12-01 08:07:20.620"]) == 25  # all 1.23 beats
        page = httpx.get(f"{server.url}/api/status-page/main").json()
        assert page["config"]["title"] == "Main Status"
    finally:
        assert server.stop() == 0, server.log()
    assert not needs_migration(db)


def test_the_progress_page_says_how_far_it_is():
    progress = Progress()
    progress.begin_rows(0, 8_000_000)
    progress._snap = Snapshot("stats", 5_040_000, 8_000_000, 42_000.0, 70.5)  # as the runner's thread leaves it
    assert headline(progress.snapshot) == "migrating: 63 %, about 1 min 10 s left"
    assert (
        describe(progress.snapshot)
        == "63.0 % (5,040,000 of 8,000,000 heartbeats, 42,000 rows/s, about 1 min 10 s left)"
    )

    async def ask():
        transport = httpx.ASGITransport(app=progress_app(progress))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get("/dashboard"), await client.get("/api/migration")

    page, api = trio.run(ask)
    assert page.status_code == 503 and page.headers["retry-after"] == "3"
    assert "kuma is migrating: 63 %, about 1 min 10 s left" in page.text and 'http-equiv="refresh"' in page.text
    assert api.json() == {
        "migrating": True,
        "phase": "stats",
        "percent": 63.0,
        "done": 5_040_000,
        "total": 8_000_000,
        "rowsPerSecond": 42000,
        "etaSeconds": 70,
        "msg": "migrating: 63 %, about 1 min 10 s left",
    }


def test_serve_refuses_a_pre_1_23_folder_clearly_and_leaves_it(tmp_path):
    import sqlite3
    import subprocess
    import sys

    from tests.helpers.paths import REPO

    db = copy_legacy(tmp_path / "data")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE setting SET value = '{}' WHERE key = 'databasePatchedFiles'")
    done = subprocess.run([sys.executable, "-m", "kuma", "serve", "--host", "127.0.0.1", "--port", "0",
                           "--data-dir", str(tmp_path / "data")], env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "Cannot serve" in done.stderr and "open it once with Uptime Kuma 1.23 first" in done.stderr
    assert "Traceback" not in done.stderr
    assert not backup_path(db).exists()


def _migration_status(url: str) -> dict | None:
    try:
        answer = httpx.get(f"{url}/api/migration", timeout=2)
    except httpx.HTTPError:
        return None
    return answer.json() if answer.status_code == 503 else None


def test_serve_shows_progress_stops_on_sigterm_and_resumes(tmp_path):
    from tests.helpers.legacy_db import extend_history

    db = copy_legacy(tmp_path / "data")
    extend_history(db, days=4, interval=20)  # ≈ 207,000 beats: seconds of work
    server = start_kuma(tmp_path / "data", clock_start=MIGRATED_AT)
    statuses = []

    def folding() -> bool:
        status = _migration_status(server.url)
        if status is not None:
            statuses.append(status)
        return status is not None and status["phase"] == "stats" and status["done"] > 0

    wait_until(folding, timeout=120, interval=0.02, what="the stats phase under way")
    page = httpx.get(f"{server.url}/", timeout=2)
    assert page.status_code == 503 and "kuma is migrating" in page.text
    assert server.stop() == 0, server.log()  # SIGTERM: stops after the batch in flight, cleanly
    assert "start again to resume" in server.log()
    status = statuses[-1]
    assert {s["phase"] for s in statuses} <= {"starting", "backup", "schema", "stats"}
    assert status["migrating"] is True and 0 < status["percent"] < 100 and status["total"] > 200_000, status

    again = start_kuma(tmp_path / "data", clock_start=MIGRATED_AT)
    try:
        wait_until(lambda: _serving(again.url), timeout=120, what="the server after resuming")
        assert "resuming where it stopped" in again.log()
    finally:
        assert again.stop() == 0, again.log()
    assert not needs_migration(db)
