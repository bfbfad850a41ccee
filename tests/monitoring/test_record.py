"""A running monitor's compact row (kuma/monitoring/record.py) reads exactly as the stored row's dict."""
from __future__ import annotations

import sqlite3

import pytest

from kuma.monitoring.record import MonitorRecord
from kuma.store import Database, monitors


def _stored_rows(tmp_path) -> list[dict]:
    Database.open(tmp_path / "kuma.db").close()
    conn = sqlite3.connect(tmp_path / "kuma.db")
    conn.execute("INSERT INTO user (username, password, active) VALUES ('u', 'x', 1)")
    for i in range(2):
        conn.execute(
            "INSERT INTO monitor (name, type, url, interval, active, user_id, headers) VALUES (?, 'http', ?, 60, 1, 1, ?)",
            (f"m{i}", "http://127.0.0.1:1/" + "x" * 600 * i, None),
        )
    conn.commit()
    conn.close()
    db = Database.open(tmp_path / "kuma.db")
    try:
        return monitors.active_rows(db._writer)
    finally:
        db.close()


def test_a_record_reads_as_the_row_it_was_made_of(tmp_path):
    rows = _stored_rows(tmp_path)
    first, second = (MonitorRecord.of(row) for row in rows)
    row = rows[0]
    assert len(row) > 100
    assert dict(first) == row and first == row
    assert list(first) == list(row) and len(first) == len(row)
    assert list(first.items()) == list(row.items())
    for key in row:
        assert key in first and first[key] == row[key] and first.get(key, "default") == row[key]
    assert first.get("headers", "default") is None  # a NULL column is None, not the caller's default
    assert first.get("no_such_column") is None and first.get("no_such_column", 7) == 7
    assert "no_such_column" not in first
    with pytest.raises(KeyError):  # as the dict does
        first["no_such_column"]
    assert MonitorRecord.of(first) is first
    # rows of the same columns share one key table and their short texts; a long one is kept as it is
    assert first._layout is second._layout
    assert first["type"] is second["type"] and first["method"] is second["method"]
    assert second["url"] == rows[1]["url"] and len(second["url"]) > 512


def test_updated_changes_only_known_columns_and_leaves_the_original(tmp_path):
    record = MonitorRecord.of(_stored_rows(tmp_path)[0])
    changed = record.updated({"dns_last_result": "1.2.3.4", "not_a_column": 1})
    assert changed["dns_last_result"] == "1.2.3.4" and "not_a_column" not in changed
    assert record["dns_last_result"] is None
    assert {k: v for k, v in changed.items() if k != "dns_last_result"} == {
        k: v for k, v in record.items() if k != "dns_last_result"
    }


def test_the_kept_latest_beat_has_what_the_rules_read():
    from kuma.monitoring.beat import Previous
    from kuma.monitoring.record import LastBeat

    row = {"id": 9, "status": 0, "time": "2026-11-26 10:00:00.000", "retries": 2, "down_count": 1, "msg": "x"}
    kept = LastBeat.of(row)
    assert dict(kept) == {"status": 0, "time": "2026-11-26 10:00:00.000", "retries": 2, "down_count": 1}
    assert Previous.from_row(kept) == Previous.from_row(row) == Previous(0, 2, 1)
    assert LastBeat.of(kept) is kept and LastBeat.of(None) is None
    assert LastBeat.of({"status": 1, "time": "t", "retries": None})["retries"] == 0
    assert kept.get("msg") is None and "msg" not in kept
    with pytest.raises(KeyError):
        kept["msg"]
