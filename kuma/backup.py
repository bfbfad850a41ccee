"""`kuma backup FILE` (while the server runs) and `kuma restore FILE` (into a stopped data folder)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kuma.cli import _add_data_dir, command


def _data_dir(args: argparse.Namespace) -> Path:
    from kuma.config import Config

    return Config.from_sources(data_dir=args.data_dir).data_dir


def _configure_backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="where to write the copy (a single SQLite file)")
    _add_data_dir(parser)


@command("backup", "copy the database to FILE, consistently, while the server runs")(_configure_backup)
def _backup(args: argparse.Namespace) -> int:
    from kuma.store.online_backup import BackupError, backup

    try:
        size = backup(_data_dir(args) / "kuma.db", Path(args.file))
    except BackupError as exc:
        print(f"kuma backup: {exc}", file=sys.stderr)
        return 1
    print(f"backup written to {args.file} ({size} bytes, integrity ok)")
    return 0


def _configure_restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a file made by `kuma backup`")
    _add_data_dir(parser)


@command("restore", "replace a STOPPED server's database with FILE (integrity checked)")(_configure_restore)
def _restore(args: argparse.Namespace) -> int:
    from kuma.store.online_backup import BackupError, restore

    data_dir = _data_dir(args)
    try:
        kept = restore(Path(args.file), data_dir, time.strftime("%Y%m%d-%H%M%S"))
    except BackupError as exc:
        print(f"kuma restore: {exc}", file=sys.stderr)
        return 1
    print(f"restored {args.file} into {data_dir / 'kuma.db'} (integrity ok)")
    if kept is not None:
        print(f"the replaced database is kept as {kept}")
    return 0
