"""Small server handlers (socketio-events.md §3.5-§3.6): database size and shrink, game list, push examples,
the Web Push key, PM2 processes, the Chrome test, domain-expiry support (`kuma.domain.extras`), and the refusal
of `uploadBackup`, which Uptime Kuma 2.x removed but clients made for 1.x still send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import trio

from kuma import UPTIME_KUMA_VERSION, __version__
from kuma.api.common import Events, fail, ok
from kuma.domain import extras
from kuma.shapes.qr import MAX_TEXT, qr_svg
from kuma.store.db import vacuum

if TYPE_CHECKING:
    from kuma.app import App

events = Events()


@events.login("getDatabaseSize")
async def get_database_size(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    path = app.db.path
    size = await trio.to_thread.run_sync(lambda: path.stat().st_size if path.exists() else 0)
    return ok(size=size)


@events.login("shrinkDatabase")
async def shrink_database(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    await trio.to_thread.run_sync(vacuum, app.db.path)  # VACUUM runs on a connection of its own
    return ok()


@events.login("getGameList")
async def get_game_list(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    return ok(gameList=extras.game_list())


@events.login("getKumaInfo")
async def get_kuma_info(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    """kuma-only: what the About page shows (the `info` event keeps Uptime Kuma's `version`)."""
    return ok(version=__version__, uptimeKumaVersion=UPTIME_KUMA_VERSION)


@events.login("getQRCode")
async def get_qr_code(app: App, sock: Any, text: Any = None, *rest: Any) -> dict[str, Any]:
    """kuma-only: an SVG QR code of `text` (the 2FA otpauth URI), drawn on the server."""
    if not isinstance(text, str) or not text or len(text) > MAX_TEXT:
        return fail(f"text must be a string of 1 to {MAX_TEXT} characters")
    return ok(svg=qr_svg(text))


@events.login("getPushExample")
async def get_push_example(app: App, sock: Any, language: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(code=extras.push_example(language))


@events.public("getWebpushVapidPublicKey")
async def get_webpush_vapid_public_key(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    return ok(await extras.webpush_public_key(app))


@events.login("getPM2ProcessList")
async def get_pm2_process_list(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    return ok(processList=await extras.pm2_process_list())


@events.login("testChrome")
async def test_chrome(app: App, sock: Any, executable: Any = None, *rest: Any) -> dict[str, Any]:
    version = await extras.chrome_version(executable)
    return ok({"key": "foundChromiumVersion", "values": [version]}, msgi18n=True)


#: Uptime Kuma 2.0 removed the JSON backup import (its handler is gone, so 2.5.3 never answers and the caller
#: waits for its timeout); kuma says so at once.
BACKUP_REMOVED = (
    "Importing a JSON backup was removed in Uptime Kuma 2.0: stop the server and copy its data folder instead"
)


@events.login("uploadBackup")
async def upload_backup(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    return fail(BACKUP_REMOVED)


@events.login("checkDomain")
async def check_domain(app: App, sock: Any, partial: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(**extras.check_domain(partial))


def register(hub: Any, app: App) -> None:
    """The database events on the hub."""
    events.register(hub, app)
