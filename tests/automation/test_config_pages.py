"""Status pages and maintenance windows in `kuma export` / `kuma apply` on real data folders (the CLI as a
subprocess). UI edits go through the kuma.domain functions the Socket.IO handlers call (the live
Socket.IO edits are in test_config_remote.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kuma.domain import maintenance, status_pages
from tests.automation.helpers import kuma, make_folder
from tests.automation.test_config_as_code import apply, as_ui, export, write

PAGES_FILE = """\
kuma: 1
monitors:
  - {key: web, name: Web, type: http, url: "http://127.0.0.1:9/", active: false}
  - {key: api, name: API, type: http, url: "http://127.0.0.1:9/api", active: false}
statusPages:
  - key: main
    slug: status
    title: Status
    description: All our services
    theme: dark
    footerText: Run by ops
    customCSS: "body { color: #333; }"
    showTags: true
    showPoweredBy: false
    showCertificateExpiry: true
    domainNameList: [status.example.test]
    groups:
      - name: Services
        monitors: [web, {monitor: api, sendUrl: true, url: "http://127.0.0.1:9/api"}]
      - name: Empty
        monitors: []
  - key: internal
    slug: internal
    title: Internal
    published: false
maintenance:
  - {key: manual, title: Manual, strategy: manual, monitors: [web]}
  - key: once
    title: Once
    strategy: single
    dateRange: ["2026-12-24 10:00", "2026-12-24 12:00"]
    timezone: Europe/Berlin
    statusPages: [main]
  - key: every
    title: Every 3 days
    strategy: recurring-interval
    intervalDay: 3
    timeRange: [{hours: 2, minutes: 0}, {hours: 3, minutes: 30}]
    dateRange: ["2026-12-01 00:00"]
  - key: weekly
    title: Weekly
    strategy: recurring-weekday
    weekdays: [1, 5]
    timeRange: [{hours: 22, minutes: 0}, {hours: 23, minutes: 0}]
    timezone: UTC
  - key: monthly
    title: Monthly
    strategy: recurring-day-of-month
    daysOfMonth: [1, 15, lastDay1]
    timeRange: [{hours: 4, minutes: 0}, {hours: 5, minutes: 0}]
    active: false
  - key: nightly
    title: Nightly
    description: Backups
    strategy: cron
    cron: "0 3 * * *"
    durationMinutes: 45
    timezone: America/New_York
    monitors: [api, web]
    statusPages: [main, internal]
"""


@pytest.fixture
def folder(tmp_path) -> Path:
    return make_folder(tmp_path / "data")


def exported(folder: Path) -> dict:
    return yaml.safe_load(export(folder))


def by_key(document: dict, section: str) -> dict[str, dict]:
    return {item["key"]: item for item in document[section]}


def test_every_field_and_strategy_is_exported(folder, tmp_path):
    out = apply(folder, write(tmp_path, PAGES_FILE))
    assert "Plan: 10 to create, 0 to update, 0 to delete." in out
    document = exported(folder)
    main = by_key(document, "statusPages")["main"]
    assert main | {"groups": None} == {
        "key": "main", "slug": "status", "title": "Status", "description": "All our services", "theme": "dark",
        "autoRefreshInterval": 300, "published": True, "showTags": True, "showPoweredBy": False,
        "showCertificateExpiry": True, "showOnlyLastHeartbeat": False, "footerText": "Run by ops",
        "customCSS": "body { color: #333; }", "rssTitle": None, "analyticsType": None, "analyticsId": None,
        "analyticsScriptUrl": None, "domainNameList": ["status.example.test"], "groups": None,
    }
    assert main["groups"] == [
        {"name": "Services", "monitors": ["web", {"monitor": "api", "sendUrl": True, "url": "http://127.0.0.1:9/api"}]},
        {"name": "Empty", "monitors": []},
    ]
    assert by_key(document, "statusPages")["internal"]["published"] is False
    windows = by_key(document, "maintenance")
    assert {k: w["strategy"] for k, w in windows.items()} == {
        "every": "recurring-interval", "manual": "manual", "monthly": "recurring-day-of-month", "nightly": "cron",
        "once": "single", "weekly": "recurring-weekday",
    }
    assert windows["once"]["dateRange"] == ["2026-12-24 10:00", "2026-12-24 12:00"]
    assert windows["once"]["timezone"] == "Europe/Berlin" and windows["once"]["statusPages"] == ["main"]
    assert windows["every"]["intervalDay"] == 3 and windows["every"]["timeRange"][1] == {"hours": 3, "minutes": 30}
    assert windows["weekly"]["weekdays"] == [1, 5] and windows["weekly"]["timezone"] == "UTC"
    assert windows["monthly"]["daysOfMonth"] == [1, 15, "lastDay1"] and windows["monthly"]["active"] is False
    nightly = windows["nightly"]
    assert (nightly["cron"], nightly["durationMinutes"], nightly["timezone"]) == ("0 3 * * *", 45, "America/New_York")
    assert nightly["monitors"] == ["api", "web"] and nightly["statusPages"] == ["internal", "main"]
    assert windows["manual"]["monitors"] == ["web"] and windows["manual"]["timezone"] is None


def test_round_trip_with_pages_and_maintenance_is_byte_for_byte(folder, tmp_path):
    apply(folder, write(tmp_path, PAGES_FILE))
    first = export(folder)
    empty = make_folder(tmp_path / "other")
    apply(empty, write(tmp_path, first, "exported.yaml"))
    assert export(empty) == first
    assert apply(empty, tmp_path / "exported.yaml") == "No changes: the folder matches the file.\n"
    assert apply(folder, write(tmp_path, PAGES_FILE)) == "No changes: the folder matches the file.\n"


def test_ui_edits_of_a_page_and_a_window_show_as_those_fields(folder, tmp_path):
    path = write(tmp_path, PAGES_FILE)
    apply(folder, path)
    windows = by_key(exported(folder), "maintenance")

    async def edit(app, user_id):
        config = await status_pages.get(app, "status")
        page = by_key(exported(folder), "statusPages")["main"]
        groups = [{"name": g["name"], "monitorList": []} for g in page["groups"]]  # the UI emptied the groups
        await status_pages.save(app, "status", {**config, "footerText": "Edited in the UI"}, None, groups)
        ids = {w["title"]: w for w in (await maintenance_rows(app))}
        nightly = await maintenance.get(app, ids["Nightly"]["id"])
        await maintenance.edit(app, user_id, {**nightly, "durationMinutes": 60, "timezoneOption": "America/New_York"})

    as_ui(folder, edit)
    assert windows["nightly"]["durationMinutes"] == 45
    assert apply(folder, path, "--plan").splitlines() == [
        "~ status page main (update)",
        '    footerText: "Edited in the UI" -> "Run by ops"',
        '    groups: [{"name": "Services", "monitors": []}, {"name": "Empty", "monitors": []}] -> '
        '[{"name": "Services", "monitors": ["web", {"monitor": "api", "sendUrl": true, '
        '"url": "http://127.0.0.1:9/api"}]}, {"name": "Empty", "monitors": []}]',
        "~ maintenance nightly (update)",
        "    durationMinutes: 60 -> 45",
        "Plan: 0 to create, 2 to update, 0 to delete.",
    ]
    apply(folder, path)
    assert apply(folder, path) == "No changes: the folder matches the file.\n"


async def maintenance_rows(app):
    return await app.db.read(maintenance.store.all_maintenance)


def test_a_page_keeps_its_key_when_its_slug_and_title_change(folder, tmp_path):
    apply(folder, write(tmp_path, PAGES_FILE))
    renamed = PAGES_FILE.replace("slug: status\n    title: Status\n", "slug: status-2\n    title: Status (new)\n")
    out = apply(folder, write(tmp_path, renamed, "renamed.yaml"))
    assert out.splitlines()[:3] == ["~ status page main (update)", '    slug: "status" -> "status-2"',
                                    '    title: "Status" -> "Status (new)"']
    pages = by_key(exported(folder), "statusPages")
    assert sorted(pages) == ["internal", "main"] and pages["main"]["slug"] == "status-2"
    assert pages["main"]["groups"][0]["monitors"][0] == "web"  # the groups stayed with the page
    assert by_key(exported(folder), "maintenance")["once"]["statusPages"] == ["main"]  # and its maintenance link


def test_prune_deletes_only_the_pages_and_windows_the_file_lacks(folder, tmp_path):
    path = write(tmp_path, PAGES_FILE)
    apply(folder, path)

    async def add_extra(app, user_id):
        await status_pages.add(app, "Made in the UI", "ui-page")
        await maintenance.add(app, user_id, {"title": "UI window", "strategy": "manual"})

    as_ui(folder, add_extra)
    assert "(delete)" not in apply(folder, path, "--plan")
    assert apply(folder, path, "--plan", "--prune").splitlines() == [
        "- status page ui-page (delete)",
        "- maintenance ui-window (delete)",
        "Plan: 0 to create, 0 to update, 2 to delete.",
    ]
    apply(folder, path, "--prune")
    document = exported(folder)
    assert sorted(by_key(document, "statusPages")) == ["internal", "main"]
    assert sorted(by_key(document, "maintenance")) == ["every", "manual", "monthly", "nightly", "once", "weekly"]
    assert len(document["monitors"]) == 2


@pytest.mark.parametrize("text, message", [
    ("statusPages:\n  - {key: p, slug: p, title: P, colour: red}\n", "statusPages 'p': unknown key(s): colour"),
    ("statusPages:\n  - {key: p, title: P}\n", "statusPages 'p': `slug` (text) is required"),
    ("statusPages:\n  - {key: p, slug: p, title: P, groups: [{name: G, monitors: [nowhere]}]}\n",
     "statusPages[0].groups[0].monitors[0]: monitor 'nowhere' is not in the file"),
    ("statusPages:\n  - {key: p, slug: p, title: P}\n  - {key: q, slug: P, title: Q}\n", "slug 'P' is also 'p''s"),
    ("maintenance:\n  - {key: m, title: M, strategy: manual, monitors: [nowhere]}\n",
     "maintenance 'm': monitor 'nowhere' is not in the file"),
    ("maintenance:\n  - {key: m, title: M, strategy: manual, statusPages: [nowhere]}\n",
     "maintenance 'm': status page 'nowhere' is not in the file"),
])
def test_a_bad_page_or_window_is_refused_whole(folder, tmp_path, text, message):
    apply(folder, write(tmp_path, PAGES_FILE))
    before = export(folder)
    result = kuma("apply", str(write(tmp_path, "kuma: 1\n" + text, "bad.yaml")), "--data-dir", str(folder), "--prune")
    assert result.returncode == 1 and message in result.stderr and "Nothing was changed." in result.stderr
    assert export(folder) == before


def test_the_domain_rules_refuse_the_whole_file_with_the_dashboards_text(folder, tmp_path):
    """Checked with the domain's rules before anything is written: the good objects before the bad one
    are not stored either."""
    cases = [
        ("maintenance:\n  - {key: ok, title: OK, strategy: manual}\n  - {key: m, title: M, strategy: cron, cron: nope}\n",
         "maintenance 'm': CronPattern: invalid configuration format ('nope')"),
        ("maintenance:\n  - {key: m, title: M, strategy: single, dateRange: ['2026-12-02 00:00', '2026-12-01 00:00']}\n",
         "maintenance 'm': Invalid end date"),
        ("statusPages:\n  - {key: ok, slug: ok, title: OK}\n  - {key: p, slug: 'not a slug', title: P}\n",
         "statusPages 'p': Invalid Slug"),
        ("statusPages:\n  - {key: p, slug: p, title: P, analyticsType: nope}\n", "statusPages 'p': Invalid analytics type"),
        ("monitors:\n  - {key: ok, name: OK, type: group}\n  - {key: m, name: M, type: http, interval: 0}\n",
         "monitors 'm': "),
    ]
    for number, (text, message) in enumerate(cases):
        result = kuma("apply", str(write(tmp_path, "kuma: 1\n" + text, f"bad{number}.yaml")), "--data-dir", str(folder))
        assert result.returncode == 1 and message in result.stderr and "Nothing was changed." in result.stderr
    document = exported(folder)
    assert document["monitors"] == [] and document["statusPages"] == [] and document["maintenance"] == []
