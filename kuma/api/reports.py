"""kuma-only Socket.IO events for the dashboard's reports and backup download (issue #21). Uptime Kuma's
clients never send these.

- `getMonitorReport(monitorID, {month: "YYYY-MM", timezone})` → `{ok, month, timezone, report}`: the
  report of `kuma report` / `GET /api/v1/monitors/{id}/report` for that calendar month (default: the current
  one in `timezone`, by the server's clock)
- `getBackupDownloadToken()` → `{ok, token, url}`: a one-time token (60 s) for `GET /api/v1/backup?token=…`
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kuma.api.common import Events, ok, require_login
from kuma.domain import backups
from kuma.domain import reports as domain

if TYPE_CHECKING:
    from kuma.app import App

events = Events()


@events.login("getMonitorReport")
async def get_monitor_report(
    app: App, sock: Any, monitor_id: Any = None, options: Any = None, *rest: Any
) -> dict[str, Any]:
    return ok(**await domain.month_report(app, require_login(sock), monitor_id, options))


@events.login("getBackupDownloadToken")
async def get_backup_download_token(app: App, sock: Any, *rest: Any) -> dict[str, Any]:
    token = backups.issue_token(app, require_login(sock))
    return ok(token=token, url=f"/api/v1/backup?token={quote(token)}")


def register(hub: Any, app: App) -> None:
    """The report and backup events on the hub."""
    events.register(hub, app)
