"""Applying a config file to a data folder: check it, hold the folder, plan, apply (the one path that
`kuma apply` and `kuma serve --apply` share)."""

from __future__ import annotations

from kuma.automation.apply import ApplyError, apply_plan
from kuma.automation.config_file import load, resolve_env
from kuma.automation.document import read_state
from kuma.automation.folder import FolderInUse, hold
from kuma.automation.offline_app import stopped_server_app
from kuma.automation.plan import make_plan, render
from kuma.config import Config
from kuma.store import users


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
        user = await app.db.read(users.first_user)
        if user is None:
            raise ApplyRefused(f"{config.data_dir} has no account yet: start kuma once and create the admin account")
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
