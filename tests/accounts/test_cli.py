"""`kuma reset-password` and `kuma remove-2fa` on a stopped server's data folder."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

from kuma.accounts.passwords import verify_password
from kuma.store import Database
from tests.helpers.paths import REPO
from tests.helpers.server import copy_fixture_db


def _kuma(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kuma", *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, timeout=60)


def _user(db_path):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM user ORDER BY id LIMIT 1").fetchone())
    finally:
        conn.close()


def test_reset_password_from_stdin(tmp_path):
    db_path = copy_fixture_db(tmp_path / "data")
    result = _kuma("reset-password", "--data-dir", str(tmp_path / "data"), "--password-stdin", stdin="n3w-Passw0rd\n")
    assert result.returncode == 0, result.stderr
    stored = _user(db_path)["password"]
    assert stored.startswith("$2b$10$") and verify_password("n3w-Passw0rd", stored)
    assert not verify_password("secret123", stored)


def test_reset_password_refuses_weak_password_and_missing_user(tmp_path):
    db_path = copy_fixture_db(tmp_path / "data")
    before = _user(db_path)["password"]
    weak = _kuma("reset-password", "--data-dir", str(tmp_path / "data"), "--password-stdin", stdin="abc\n")
    assert weak.returncode == 1 and "too weak" in weak.stderr and _user(db_path)["password"] == before

    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    Database.open(empty_dir / "kuma.db").close()  # a fresh schema without any user
    no_user = _kuma("reset-password", "--data-dir", str(empty_dir), "--password-stdin", stdin="n3w-Passw0rd\n")
    assert no_user.returncode == 1 and "No user exists yet" in no_user.stderr
    missing = _kuma("remove-2fa", "--data-dir", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "No database" in missing.stderr
    assert not (tmp_path / "nowhere" / "kuma.db").exists()


def test_remove_2fa(tmp_path):
    db_path = copy_fixture_db(tmp_path / "data")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE user SET twofa_status = 1, twofa_secret = 'x' , twofa_last_token = '123456'")
    conn.commit()
    conn.close()
    result = _kuma("remove-2fa", "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    user = _user(db_path)
    assert (user["twofa_status"], user["twofa_secret"], user["twofa_last_token"]) == (0, None, None)

    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    Database.open(empty_dir / "kuma.db").close()
    no_user = _kuma("remove-2fa", "--data-dir", str(empty_dir))
    assert no_user.returncode == 1 and "No user exists yet" in no_user.stderr
