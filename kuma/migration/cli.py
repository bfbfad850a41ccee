"""`kuma migrate --data-dir …`: the migration `kuma serve` runs at start, offline and in the foreground
(progress bar on a terminal, log lines otherwise). Rerun it after a kill: it resumes."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kuma.cli import _add_data_dir, command

if TYPE_CHECKING:
    from kuma.config import Config


def _configure(parser: argparse.ArgumentParser) -> None:
    _add_data_dir(parser)
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (env KUMA_LOG_LEVEL; default INFO)")
    parser.add_argument("--batch-rows", type=int, help="heartbeats (rows with --from) per transaction")
    parser.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        help="copy an Uptime Kuma 2.x MariaDB/MySQL database (mysql://user:pass@host[:port]/db) into a new data folder",
    )


@command("migrate", "migrate an Uptime Kuma 1.x data folder to 2.x, or copy a MariaDB one (offline; resumable)")(
    _configure
)
def _migrate(args: argparse.Namespace) -> int:
    from kuma.clock import WallClock
    from kuma.config import Config
    from kuma.logs import setup_logging
    from kuma.migration.runner import migrate
    from kuma.store.schema import SchemaError

    config = Config.from_sources(data_dir=args.data_dir, log_level=args.log_level)
    setup_logging(config.log_level)
    if args.source:
        return _from_mysql(args.source, config, args.batch_rows)
    if not config.db_path.exists():
        print(f"No database at {config.db_path}: nothing to migrate.", file=sys.stderr)
        return 1
    try:
        outcome = migrate(config.db_path, now=WallClock(config.clock_start).time(), batch_rows=args.batch_rows)
    except SchemaError as exc:
        print(f"Cannot migrate {config.db_path}: {exc}", file=sys.stderr)
        return 1
    if not outcome.migrated:
        print(f"{config.db_path} is already an Uptime Kuma 2.x database: nothing to do.", file=sys.stderr)
    return 0


def _from_mysql(url: str, config: Config, batch_rows: int | None) -> int:
    from kuma.clock import WallClock
    from kuma.migration.from_mysql import copy_from_mysql
    from kuma.migration.runner import MigrationBusy
    from kuma.store.mysql_source import SourceError
    from kuma.store.schema import SchemaError

    try:
        copy_from_mysql(url, config.db_path, now=WallClock(config.clock_start).time(), batch_rows=batch_rows)
    except (SourceError, MigrationBusy, SchemaError) as exc:
        print(f"Cannot migrate from MySQL: {exc}", file=sys.stderr)
        return 1
    return 0
