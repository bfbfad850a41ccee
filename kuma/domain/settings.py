"""`getSettings` / `setSettings` (socketio-events.md §3.5; data-model.md §6).

Only `general` settings are read and written: a key whose existing row has another type (jwtSecret,
apiKeysEnabled …) is silently left alone, so a client can never overwrite the server's secrets.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kuma.accounts.info import server_timezone
from kuma.domain.accounts import verify_current_password
from kuma.domain.errors import DomainError
from kuma.store import settings as store
from kuma.timezones import valid_timezone

if TYPE_CHECKING:
    from kuma.app import App


#: The `general` settings a client may write (data-model.md §6, plus the 1.x `dnsCache` the published clients
#: still send). Anything else is ignored (issue #13: Uptime Kuma stores any key, `__proto__` included).
KNOWN_KEYS = frozenset(
    {
        "serverTimezone",
        "primaryBaseURL",
        "entryPage",
        "disableAuth",
        "trustProxy",
        "searchEngineIndex",
        "checkUpdate",
        "checkBeta",
        "keepDataPeriodDays",
        "tlsExpiryNotifyDays",
        "domainExpiryNotifyDays",
        "nscd",
        "chromeExecutable",
        "steamAPIKey",
        "globalpingApiToken",
        "dnsCache",
    }
)
MAX_VALUE_BYTES = 64 * 1024


async def general(app: App) -> dict[str, Any]:
    """Every stored `general` setting, plus the effective `serverTimezone` when none is stored."""
    data = await app.db.read(store.general_settings)
    if "serverTimezone" not in data:
        data["serverTimezone"] = await server_timezone(app)
    return data


async def save(app: App, user_id: int, data: Any, current_password: Any) -> bool:
    """Store the client's `general` settings. Turning auth off needs the current password. Returns True
    when auth was just turned back on (the caller then logs the user's other sessions out)."""
    if not isinstance(data, dict):
        raise DomainError("Wrong data type?")
    data = {key: value for key, value in data.items() if key in KNOWN_KEYS}
    for key, value in data.items():
        if len(json.dumps(value, ensure_ascii=False, default=str)) > MAX_VALUE_BYTES:
            raise DomainError(f"{key} is too large")
    auth_disabled = bool(await app.db.read(lambda db: store.get_setting(db, "disableAuth", False)))
    if not auth_disabled and data.get("disableAuth"):
        await verify_current_password(app, user_id, current_password)
    # Uptime Kuma applies a time zone only when the value is non-empty (`if (data.serverTimezone)`):
    # uptime-kuma-api sends `serverTimezone: ""` with every set_settings() call
    if data.get("serverTimezone") and not valid_timezone(data["serverTimezone"]):
        raise DomainError("Invalid timezone")
    if "serverTimezone" in data and not data["serverTimezone"]:
        data = {key: value for key, value in data.items() if key != "serverTimezone"}  # the zone stays as it is
    await app.db.write(lambda db: store.save_general_settings(db, data))
    return auth_disabled and not data.get("disableAuth")
