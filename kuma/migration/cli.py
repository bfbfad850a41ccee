"""`kuma migrate --data-dir …`: the migration `kuma serve` runs at start, offline and in the foreground
(progress bar on a terminal, log lines otherwise). Rerun it after a kill: it resumes."""

from __future__ import annotations

import argparse
import sys

from kuma.cli import _add_data_dir, command


def _configure(parser: argparse.ArgumentParser) -> None:
    _add_data_dir(parser)
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (env KUMA_LOG_LEVEL; default INFO)")
    parser.add_argument("--batch-rows", type=int, help="heartbeats per transaction (default 100000)")


@command("migrate", "migrate an Uptime Kuma 1.x data folder to 2.x (offline; resumable)")(_configure)
def _migrate(args: argparse.Namespace) -> int:
    from kuma.clock import WallClock
    from kuma.config import Config
    from kuma.logs import setup_logging
    from kuma.migration.runner import migrate
    from kuma.store.schema import SchemaError

    config = Config.from_sources(data_dir=args.data_dir, log_level=args.log_level)
    setup_logging(config.log_level)
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
