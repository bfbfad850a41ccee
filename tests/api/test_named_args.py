"""One object of named fields in place of positional arguments (kuma/api/named_args.py, as pykumaapi2 sends
them) is read only where it cannot mean anything else; Uptime Kuma's own argument lists pass unchanged."""
from __future__ import annotations

from kuma.accounts.api_keys import bearer_key
from kuma.api import named_args as na


def test_positional_arguments_pass_unchanged():
    assert na.monitor_period(3, 24) == (3, 24)
    assert na.title_slug("Demo", "demo") == ("Demo", "demo")
    config = {"slug": "demo", "title": "Demo"}
    assert na.status_page_save("demo", config, "/icon.svg", []) == ("demo", config, "/icon.svg", [])
    assert na.settings_password({"keepDataPeriodDays": 90}, "pw") == ({"keepDataPeriodDays": 90}, "pw")
    passwords = {"currentPassword": "a", "newPassword": "b"}
    assert na.passwords(passwords) is passwords


def test_one_object_of_named_fields_is_read():
    assert na.monitor_period({"monitorID": 3, "period": 24}, None) == (3, 24)
    assert na.title_slug({"title": "Demo", "slug": "demo"}, None) == ("Demo", "demo")
    groups = [{"name": "A", "monitorList": []}]
    assert na.status_page_save({"slug": "demo", "config": {"title": "T"}, "publicGroupList": groups}, None, None,
                               None) == ("demo", {"title": "T"}, None, groups)
    assert na.settings_password({"settings": {"keepDataPeriodDays": 77}, "currentPassword": "pw"}, None) == (
        {"keepDataPeriodDays": 77}, "pw")
    assert na.passwords({"passwords": {"currentPassword": "a", "newPassword": "b"}}) == {
        "currentPassword": "a", "newPassword": "b"}


def test_anything_else_is_left_for_the_usual_validation():
    # a later argument present, an unknown key, the identifying key missing, a wrapped value of the wrong type
    assert na.monitor_period({"monitorID": 3, "period": 24}, 1) == ({"monitorID": 3, "period": 24}, 1)
    assert na.monitor_period({"monitorID": 3, "other": 1}, None) == ({"monitorID": 3, "other": 1}, None)
    assert na.title_slug({"title": "Demo"}, None) == ({"title": "Demo"}, None)
    assert na.settings_password({"settings": "x"}, None) == ({"settings": "x"}, None)
    assert na.passwords({"passwords": "x"}) == {"passwords": "x"}
    assert na.status_page_save({"slug": "demo"}, None, None, None) == ({"slug": "demo"}, None, None, None)


def test_bearer_key():
    assert bearer_key("Bearer uk1_abc") == "uk1_abc" and bearer_key("bearer  uk1_abc ") == "uk1_abc"
    assert bearer_key("Basic dTpw") is None and bearer_key("Bearer ") is None and bearer_key(None) is None
