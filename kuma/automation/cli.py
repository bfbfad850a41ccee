"""`kuma export` and `kuma apply`: configuration as code on a data folder (issue 21).

Export reads through a read-only connection (fine beside a running server). Apply changes the folder
through the domain functions and so needs the server stopped: it holds the folder's lock
(kuma/automation/folder.py) and refuses when a server holds it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import trio

from kuma.cli import _add_data_dir, command


def _configure_export(parser: argparse.ArgumentParser) -> None:
    _add_data_dir(parser)
    parser.add_argument(
        "--secrets", choices=("inline", "env"), default="inline",
        help="notification secrets inline (default) or as ${KUMA_<KEY>_<FIELD>} references",
    )  # fmt: skip


@command("export", "write the configuration (not the history) as YAML to stdout")(_configure_export)
def export(args: argparse.Namespace) -> int:
    from kuma.automation.config_file import dump, secrets_as_env
    from kuma.automation.document import read_document
    from kuma.automation.folder import db_path
    from kuma.store import offline

    path = db_path(args.data_dir)
    if not path.exists():
        print(f"No database at {path}", file=sys.stderr)
        return 1
    db = offline.open_read_only(path)
    try:
        user = offline.first_user_or_none(db)
        document = read_document(db, user["id"] if user else 0)
    finally:
        db.conn.close()
    sys.stdout.write(dump(secrets_as_env(document) if args.secrets == "env" else document))
    return 0


def _configure_apply(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the YAML file (- for stdin)")
    _add_data_dir(parser)
    parser.add_argument("--plan", action="store_true", help="only print what would change")
    parser.add_argument("--prune", action="store_true", help="also delete what the file does not declare")


@command("apply", "apply a YAML configuration to a stopped server's data folder (idempotent)")(_configure_apply)
def apply(args: argparse.Namespace) -> int:
    from kuma.automation.config_file import ConfigError
    from kuma.automation.service import ApplyRefused, apply_text
    from kuma.config import Config

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        print(f"kuma apply: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    config = Config.from_sources(data_dir=args.data_dir)
    try:
        report = trio.run(apply_text, config, text, args.plan, args.prune)
    except (ConfigError, ApplyRefused) as exc:
        print(f"kuma apply: {exc}", file=sys.stderr)
        print("Nothing was changed." if isinstance(exc, ConfigError) else "", file=sys.stderr, end="")
        return 1
    sys.stdout.write(report)
    return 0
