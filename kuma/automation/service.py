"""Applying a config file to a data folder: check it, hold the folder, plan, apply (the one path that
`kuma apply` and `kuma serve --apply` share)."""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import trio

from kuma.automation.apply import ApplyError, apply_plan
from kuma.automation.config_file import ConfigError, load, resolve_env
from kuma.automation.document import read_state
from kuma.automation.folder import FolderInUse, hold
from kuma.automation.offline_app import stopped_server_app
from kuma.automation.plan import make_plan, render
from kuma.config import Config
from kuma.store import users

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)


class ApplyRefused(RuntimeError):
    """The folder is in use, has no account, or the domain refused an object of the file."""


async def apply_text(config: Config, text: str, plan_only: bool = False, prune: bool = False) -> str:
    """Apply (or with `plan_only` just plan) the file's text; returns the plan as printed.
    A bad file raises ConfigError before the folder is opened."""
    wanted = resolve_env(load(text))
    try:
        with hold(config.data_dir):
            return await _apply_held(config, wanted, plan_only, prune)
    except FolderInUse as exc:
        raise ApplyRefused(str(exc)) from None


async def _apply_held(config: Config, wanted: dict, plan_only: bool, prune: bool) -> str:
    async with stopped_server_app(config) as app:
        return await plan_and_apply(app, wanted, plan_only, prune)


async def plan_and_apply(app: App, wanted: dict, plan_only: bool = False, prune: bool = False) -> str:
    """Plan the checked file against the App's database and (unless `plan_only`) apply it."""
    user = await app.db.read(users.first_user)
    if user is None:
        raise ApplyRefused(f"{app.config.data_dir} has no account yet: start kuma once and create the admin account")
    state = await app.db.read(lambda db: read_state(db, user["id"]))
    plan = make_plan(state["document"], state["ids"], wanted, prune)
    text = render(plan)
    if plan_only:
        return text
    try:
        await apply_plan(app, user["id"], plan, state["document"], wanted)
    except ApplyError as exc:
        raise ApplyRefused(f"stopped: {exc} (the objects before it were applied)") from None
    return text + ("" if plan.empty else "Applied.\n")


async def reapply_on_sighup(app: App, path: Path) -> None:
    """`kuma serve --apply FILE`: on SIGHUP apply the file again to the running server (its engine starts,
    restarts and stops monitors as the domain functions tell it). A bad file is logged and changes nothing."""
    with trio.open_signal_receiver(signal.SIGHUP) as signals:
        async for _ in signals:
            try:
                wanted = resolve_env(load(path.read_text(encoding="utf-8")))
                log.info("SIGHUP: applied %s\n%s", path, await plan_and_apply(app, wanted))
            except (OSError, ConfigError, ApplyRefused) as exc:
                log.error("SIGHUP: cannot apply %s: %s", path, exc)
