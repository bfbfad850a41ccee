"""`kuma export` and `kuma apply`: configuration as code on a data folder (issue 21).

Export reads through a read-only connection (fine beside a running server). Apply changes the folder
through the domain functions and so needs the server stopped: it holds the folder's lock
(kuma/automation/folder.py) and refuses when a server holds it. With `--url` both talk to a running
server's REST API instead (kuma/automation/remote.py), which plans and applies with the same code.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import trio

from kuma.cli import _add_data_dir, command


def _add_remote(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="a running server (http://host:port): work over its REST API, not a folder")
    parser.add_argument("--api-key", help="with --url: an API key (read-write to apply; env KUMA_API_KEY)")


def _api_key(args: argparse.Namespace) -> str | None:
    """The key for --url (flag, else KUMA_API_KEY); None after telling the user it is missing."""
    key = args.api_key or os.environ.get("KUMA_API_KEY")
    if not key:
        print(f"kuma {args.command}: --url needs --api-key (or KUMA_API_KEY)", file=sys.stderr)
    return key


def _configure_export(parser: argparse.ArgumentParser) -> None:
    _add_data_dir(parser)
    _add_remote(parser)
    parser.add_argument(
        "--secrets", choices=("inline", "env"), default="inline",
        help="notification secrets inline (default) or as ${KUMA_<KEY>_<FIELD>} references",
    )  # fmt: skip


@command("export", "write the configuration (not the history) as YAML to stdout")(_configure_export)
def export(args: argparse.Namespace) -> int:
    if args.url:
        return _export_remote(args)
    from kuma.automation.config_file import dump, secrets_as_env
    from kuma.automation.document import read_document
    from kuma.automation.folder import open_read_only
    from kuma.store import offline

    db = open_read_only(args.data_dir)
    if db is None:
        return 1
    try:
        user = offline.first_user_or_none(db)
        document = read_document(db, user["id"] if user else 0)
    finally:
        db.conn.close()
    sys.stdout.write(dump(secrets_as_env(document) if args.secrets == "env" else document))
    return 0


def _export_remote(args: argparse.Namespace) -> int:
    from kuma.automation import remote

    key = _api_key(args)
    if key is None:
        return 1
    try:
        sys.stdout.write(remote.export(args.url, key, args.secrets))
    except remote.RemoteRefused as exc:
        print(f"kuma export: {exc}", file=sys.stderr)
        return 1
    return 0


def _configure_apply(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the YAML file (- for stdin)")
    _add_data_dir(parser)
    _add_remote(parser)
    parser.add_argument("--plan", action="store_true", help="only print what would change")
    parser.add_argument("--prune", action="store_true", help="also delete what the file does not declare")


@command("apply", "apply a YAML configuration to a stopped server's data folder, or --url a running one")(
    _configure_apply
)
def apply(args: argparse.Namespace) -> int:
    from kuma.automation.config_file import ConfigError
    from kuma.automation.service import ApplyRefused, apply_text
    from kuma.config import Config

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        print(f"kuma apply: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    if args.url:
        return _apply_remote(args, text)
    config = Config.from_sources(data_dir=args.data_dir)
    try:
        report = trio.run(apply_text, config, text, args.plan, args.prune)
    except (ConfigError, ApplyRefused) as exc:
        print(f"kuma apply: {exc}", file=sys.stderr)
        print("Nothing was changed." if isinstance(exc, ConfigError) else "", file=sys.stderr, end="")
        return 1
    sys.stdout.write(report)
    return 0


def _apply_remote(args: argparse.Namespace, text: str) -> int:
    from kuma.automation import remote
    from kuma.automation.config_file import ConfigError, load, resolve_env

    key = _api_key(args)
    if key is None:
        return 1
    try:
        report = remote.apply(args.url, key, resolve_env(load(text)), args.plan, args.prune)
    except (ConfigError, remote.RemoteRefused) as exc:
        print(f"kuma apply: {exc}", file=sys.stderr)
        unchanged = isinstance(exc, ConfigError) or exc.unchanged
        print("Nothing was changed." if unchanged else "", file=sys.stderr, end="")
        return 1
    sys.stdout.write(report)
    return 0
