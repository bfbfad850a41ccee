"""A data folder with an account, and the kuma CLI run as a real subprocess (`python -m kuma …`)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kuma.store import Database, users
from kuma.store.offline import open_existing
from tests.helpers.paths import REPO


def make_folder(data_dir: Path) -> Path:
    """A new data folder whose database has its schema and one account (as after the setup page)."""
    Database.open(data_dir / "kuma.db").close()
    db = open_existing(data_dir / "kuma.db")
    users.create_user(db, "admin", "$2b$10$notarealhashnotarealhashnotarealhashnotarealhashnotar")
    db.conn.close()
    return data_dir


def kuma(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
         command: list[str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the CLI (source tree by default, or `command`, e.g. the frozen binary) and capture its output."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([*(command or [sys.executable, "-m", "kuma"]), *args], input=stdin, capture_output=True,
                          text=True, env=full_env, timeout=300, cwd=cwd)


def ok(*args: str, **kwargs) -> str:
    result = kuma(*args, **kwargs)
    assert result.returncode == 0, result.stderr
    return result.stdout
