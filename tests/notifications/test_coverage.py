"""Every provider key of the spec: natively registered, or mapped to an apprise URL apprise accepts."""
from __future__ import annotations

import re

from kuma.notifications import apprise_bridge
from kuma.notifications.base import get_provider_class, is_native
from kuma.notifications.keys import SPEC_KEYS
from tests.helpers.paths import SHARED
from tests.notifications.samples import BRIDGED_SAMPLES


def spec_keys() -> set[str]:
    table = (SHARED / "spec" / "notification-providers.md").read_text()
    return set(re.findall(r"^\| `([^`]+)` \|", table, flags=re.M))


def test_key_list_matches_spec():
    assert spec_keys() == set(SPEC_KEYS) and len(SPEC_KEYS) == 105


def test_bridged_keys_produce_urls_apprise_accepts():
    import apprise

    assert set(BRIDGED_SAMPLES) == set(apprise_bridge.MAPPERS)
    rejected = {}
    for key, sample in BRIDGED_SAMPLES.items():
        url = apprise_bridge.apprise_url({"type": key, **sample})
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None or len(plugin) < 1:  # refused, or every target dropped
            rejected[key] = url
    assert rejected == {}


def test_at_least_100_spec_keys_can_send():
    sendable = {k for k in spec_keys() if get_provider_class(k) is not None}
    unsupported = sorted(spec_keys() - sendable)
    print(f"\nsendable {len(sendable)}/105; native {sum(is_native(k) for k in sendable)}; "
          f"through apprise {sum(not is_native(k) for k in sendable)}; not yet: {unsupported}")
    assert len(sendable) >= 100, unsupported
