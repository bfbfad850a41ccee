"""Maintenance commands on a STOPPED server's data folder: `kuma reset-password`, `kuma remove-2fa`.

They act on the first user (Uptime Kuma has one account) and refuse clearly when there is none.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

from kuma.cli import _add_data_dir, command
from kuma.store import offline, users


def _db_path(args: argparse.Namespace) -> Path:
    from kuma.config import Config

    return Config.from_sources(data_dir=args.data_dir).db_path


def _open_existing(path: Path) -> sqlite_utils.Database | None:
    """The stopped server's database, or None (and a message) when there is no file: never create one."""
    if not path.exists():
        print(f"No database at {path}: nothing to change (start kuma once and set up an account).", file=sys.stderr)
        return None
    return offline.open_existing(path)


def _read_new_password(args: argparse.Namespace) -> str | None:
    from kuma.accounts.passwords import is_too_weak

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("New password: ")
        again = getpass.getpass("Repeat new password: ")
        if password != again:
            print("The passwords do not match; nothing changed.", file=sys.stderr)
            return None
    if is_too_weak(password):
        print(
            "Password too weak: use at least 8 characters of at least two kinds "
            "(lower case, upper case, digits, symbols); nothing changed.",
            file=sys.stderr,
        )
        return None
    return password


def _on_first_user(
    args: argparse.Namespace, no_user: str, change: Callable[[sqlite_utils.Database, dict[str, Any]], int]
) -> int:
    """Both commands' frame: open the stopped server's database, find the one account, run `change` on it
    (its result is the exit code); 1 with a message when there is no database or no user."""
    db = _open_existing(_db_path(args))
    if db is None:
        return 1
    try:
        user = offline.first_user_or_none(db)
        if user is None:
            print(no_user, file=sys.stderr)
            return 1
        return change(db, user)
    finally:
        db.conn.close()


def _configure_reset_password(parser: argparse.ArgumentParser) -> None:
    _add_data_dir(parser)
    parser.add_argument("--password-stdin", action="store_true", help="read the new password from one line of stdin")


@command("reset-password", "set a new password for the account (server stopped)")(_configure_reset_password)
def reset_password(args: argparse.Namespace) -> int:
    from kuma.accounts.passwords import hash_password

    def change(db: sqlite_utils.Database, user: dict[str, Any]) -> int:
        password = _read_new_password(args)
        if password is None:
            return 1
        users.set_password_hash(db, user["id"], hash_password(password))
        print(f"Password of {user['username']!r} changed. Log in again everywhere (old sessions are invalid).")
        return 0

    return _on_first_user(args, "No user exists yet: open kuma in a browser to set up the account.", change)


def _configure_remove_2fa(parser: argparse.ArgumentParser) -> None:
    _add_data_dir(parser)


@command("remove-2fa", "turn off two-factor authentication for the account (server stopped)")(_configure_remove_2fa)
def remove_2fa(args: argparse.Namespace) -> int:
    def change(db: sqlite_utils.Database, user: dict[str, Any]) -> int:
        users.remove_twofa(db, user["id"])
        print(f"Two-factor authentication removed for {user['username']!r}.")
        return 0

    return _on_first_user(args, "No user exists yet: there is no two-factor authentication to remove.", change)
