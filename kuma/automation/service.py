"""Applying a config file to a data folder: check it, hold the folder, plan, apply (the one path that
`kuma apply` and `kuma serve --apply` share)."""

from __future__ import annotations

import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import trio

from kuma.automation.apply import ApplyError, Run, apply_plan
from kuma.automation.config_file import ConfigError, load, resolve_env
from kuma.automation.document import read_state
from kuma.automation.folder import FolderInUse, hold
from kuma.automation.offline_app import stopped_server_app
from kuma.automation.plan import Plan, make_plan, render
from kuma.automation.preflight import check_plan
from kuma.config import Config
from kuma.domain.monitors import SILENT, MonitorChanges
from kuma.store import users

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)


class ApplyRefused(RuntimeError):
    """The folder is in use, has no account, or the domain refused an object of the file (`touched`: the
    kinds of lists changed before it stopped)."""

    def __init__(self, msg: str, touched: set[str] | None = None) -> None:
        super().__init__(msg)
        self.touched = touched or set()


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


@dataclass
class Outcome:
    """What a plan (and apply) did: the plan, as printed, and the kinds of lists it changed."""

    plan: Plan
    text: str
    applied: bool
    touched: set[str] = field(default_factory=set)


async def run_config(
    app: App,
    wanted: dict,
    *,
    plan_only: bool = False,
    prune: bool = False,
    user_id: int | None = None,
    changes: MonitorChanges = SILENT,
) -> Outcome:
    """Plan the checked document against the App's database for the account (the first one when not
    given) and, unless `plan_only`, apply it. The one path of `kuma apply`, `serve --apply` and REST."""
    if plan_only:
        return await _run(app, wanted, prune, user_id, changes, plan_only=True)
    async with app.config_lock:  # plan and apply as one: a second apply plans against the first's result
        return await _run(app, wanted, prune, user_id, changes, plan_only=False)


async def _run(
    app: App, wanted: dict, prune: bool, user_id: int | None, changes: MonitorChanges, *, plan_only: bool
) -> Outcome:
    if user_id is None:
        user = await app.db.read(users.first_user)
        if user is None:
            raise ApplyRefused(
                f"{app.config.data_dir} has no account yet: start kuma once and create the admin account"
            )
        user_id = user["id"]
    state = await app.db.read(lambda db: read_state(db, user_id))
    plan = make_plan(state["document"], state["ids"], wanted, prune)
    text = render(plan)
    if plan.empty:
        return Outcome(plan, text, False)
    await app.db.read(lambda db: check_plan(db, plan, state["document"], wanted))  # ConfigError: nothing stored
    if plan_only:
        return Outcome(plan, text, False)
    run = Run(app, user_id, plan, state["document"], wanted, changes)
    try:
        await apply_plan(run)
    except ApplyError as exc:
        raise ApplyRefused(f"stopped: {exc} (the objects before it were applied)", run.touched) from None
    return Outcome(plan, text + "Applied.\n", True, run.touched)


async def plan_and_apply(app: App, wanted: dict, plan_only: bool = False, prune: bool = False) -> str:
    """Plan the checked file against the App's database and (unless `plan_only`) apply it; the plan as printed."""
    return (await run_config(app, wanted, plan_only=plan_only, prune=prune)).text


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
