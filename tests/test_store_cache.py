"""SQLite page caches per connection role (kuma/store/db.py, issue #14): the writer keeps its 12 MB, the
readers (the OS caches the file for all of them) take 2 MB each, so four connections no longer hold 48 MB."""
from __future__ import annotations

from kuma.store import Database


def test_readers_take_a_smaller_page_cache_than_the_writer(tmp_path):
    db = Database.open(tmp_path / "kuma.db")
    try:
        assert db._writer.conn.execute("PRAGMA cache_size").fetchone()[0] == -12000
        assert [r.conn.execute("PRAGMA cache_size").fetchone()[0] for r in db._readers] == [-2000] * 3
    finally:
        db.close()
