"""The check modules (and what the first check loads lazily) are imported once, in a worker thread, never on
the event loop: by the boot when there are monitors, else by the first monitor task (a fresh server stays
small while idle)."""
from __future__ import annotations

import threading

from kuma.monitoring import service as service_module
from tests.monitoring.engine_harness import running_engine


def recording_warm_up(monkeypatch) -> list[str]:
    threads: list[str] = []
    real = service_module.warm_up

    def warm_up() -> None:
        threads.append(threading.current_thread().name)
        real()

    monkeypatch.setattr(service_module, "warm_up", warm_up)
    return threads


async def test_the_first_started_monitors_wait_for_one_import_in_a_worker_thread(tmp_path, autojump_clock, monkeypatch):
    threads = recording_warm_up(monkeypatch)
    async with running_engine(tmp_path) as eng:  # the boot: no monitor, nothing imported
        await eng.service.wait_booted()
        assert threads == []
        first, second = [await eng.add_monitor(interval=20, name=f"m{i}") for i in range(2)]
        await eng.service.start_monitor(first)
        await eng.service.start_monitor(second)
        await eng.wait_beats(first, 1)
        await eng.wait_beats(second, 1)
        assert len(threads) == 1 and threads[0] != threading.main_thread().name


async def test_the_boot_imports_before_starting_its_monitors(tmp_path, autojump_clock, monkeypatch):
    from kuma.store import Database

    threads = recording_warm_up(monkeypatch)
    db = Database.open(tmp_path / "kuma.db")
    db._writer.conn.execute("INSERT INTO monitor (name, type, interval, active) VALUES ('m', 'test-script', 20, 1)")
    db.close()
    async with running_engine(tmp_path) as eng:
        await eng.service.wait_booted()
        assert len(threads) == 1 and threads[0] != threading.main_thread().name
        await eng.wait_beats(1, 1)
        assert len(threads) == 1
