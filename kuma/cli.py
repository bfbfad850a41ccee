"""Command line: `kuma serve`, `kuma --version`, `kuma migrate`, and maintenance commands on a stopped data folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kuma.config import Config

COMMANDS: dict[str, Command] = {}


class Command:
    """A sub-command: a name, how to add its arguments, and what to run."""

    def __init__(self, name: str, help: str, configure, run) -> None:
        self.name, self.help, self.configure, self.run = name, help, configure, run


def command(name: str, help: str):
    def decorator(configure):
        def register(run):
            COMMANDS[name] = Command(name, help, configure, run)
            return run

        return register

    return decorator


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="data folder holding kuma.db (env DATA_DIR; default ./data)")


def _configure_serve(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, help="TCP port (env UPTIME_KUMA_PORT or PORT; default 3001)")
    parser.add_argument("--host", help="address to listen on (env UPTIME_KUMA_HOST or HOST; default all)")
    _add_data_dir(parser)
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (env KUMA_LOG_LEVEL; default INFO)")
    parser.add_argument("--apply", metavar="FILE", help="apply this config file (kuma apply) at start and on SIGHUP")


@command("serve", "run the server")(_configure_serve)
def _serve(args: argparse.Namespace) -> int:
    from kuma.automation.folder import FolderInUse
    from kuma.config import Config
    from kuma.logs import setup_logging
    from kuma.server import run_server
    from kuma.store.schema import SchemaError

    config = Config.from_sources(host=args.host, port=args.port, data_dir=args.data_dir, log_level=args.log_level)
    setup_logging(config.log_level)
    try:
        if args.apply and not _apply_at_start(config, args.apply):
            return 1
        run_server(config, Path(args.apply) if args.apply else None)
    except (SchemaError, FolderInUse) as exc:
        print(f"Cannot serve {config.db_path}: {exc}", file=sys.stderr)
        return 1
    return 0


def _apply_at_start(config: Config, path: str) -> bool:
    """`kuma serve --apply FILE`: the file is applied to the folder before the server opens it."""
    import trio

    from kuma.automation.config_file import ConfigError
    from kuma.automation.service import ApplyRefused, apply_text

    try:
        sys.stderr.write(trio.run(apply_text, config, Path(path).read_text(encoding="utf-8")))
    except (OSError, ConfigError, ApplyRefused) as exc:
        print(f"Cannot apply {path}: {exc}", file=sys.stderr)
        return False
    return True


class _VersionAction(argparse.Action):
    """`--version`, worked out only when asked for (from source it runs git, which no other command needs)."""

    def __init__(self, option_strings: list[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: object, values: object, option: object = None
    ) -> None:
        from kuma.build_info import version_line

        print(version_line())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kuma", description="Self-hosted uptime monitor, Uptime Kuma compatible.")
    parser.add_argument("--version", action=_VersionAction, help="show version, commit, build date, architecture")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _load_extra_commands()
    for cmd in COMMANDS.values():
        cmd.configure(sub.add_parser(cmd.name, help=cmd.help, description=cmd.help))
    return parser


def _load_extra_commands() -> None:
    """Modules that add sub-commands register them on import (here, not at the top: they import `command`)."""
    import kuma.accounts.cli  # noqa: F401  (registers reset-password, remove-2fa)
    import kuma.automation.cli  # noqa: F401  (registers export, apply)
    import kuma.automation.report_cli  # noqa: F401  (registers report)
    import kuma.backup  # noqa: F401  (registers backup, restore)
    import kuma.migration.cli  # noqa: F401  (registers migrate)
    import kuma.selfcheck  # noqa: F401  (registers self-check)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    try:
        return COMMANDS[args.command].run(args) or 0
    except KeyboardInterrupt:
        return 130
