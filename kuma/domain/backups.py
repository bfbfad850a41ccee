"""The dashboard's backup download: the same online copy as `kuma backup` (`kuma.store.online_backup`: SQLite's
backup API in one step, one consistent snapshot while checks and pushes go on), made into a temporary file
beside the database and handed over as an open, already unlinked file, so nothing is left behind."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import trio

from kuma.domain.errors import DomainError
from kuma.store.online_backup import BackupError, backup

if TYPE_CHECKING:
    from kuma.app import App


def download_name(app: App) -> str:
    """`kuma-backup-YYYYMMDD-HHMMSS.db`, the server's clock in UTC."""
    return app.clock.utcnow().strftime("kuma-backup-%Y%m%d-%H%M%S.db")


def issue_token(app: App, user_id: int) -> str:
    """A one-time token for `GET /api/v1/backup?token=…` (60 s)."""
    return app.download_tokens.issue(user_id, time.monotonic())


def redeem_token(app: App, token: str) -> int | None:
    return app.download_tokens.redeem(token, time.monotonic())


def _snapshot(db_path: Path) -> BinaryIO:
    fd, name = tempfile.mkstemp(prefix=".kuma-download-", suffix=".db", dir=db_path.parent)
    os.close(fd)
    target = Path(name)
    try:
        backup(db_path, target)
        return target.open("rb")
    finally:
        target.unlink(missing_ok=True)


async def open_snapshot(app: App) -> BinaryIO:
    """A consistent copy of the database as an open file (read it, then close it); DomainError on failure."""
    try:
        return await trio.to_thread.run_sync(_snapshot, app.db.path)
    except BackupError as exc:
        raise DomainError(str(exc)) from None
