"""`GET /api/v1/monitors/{id}/report` and the dashboard's `getMonitorReport` on a running kuma with a pinned
clock (CAPTURE_CLOCK, 2026-11-26) and known beats: the JSON equals `kuma report`'s for the same range, the
CSV is `kuma report --format csv`'s and parses to the same outages, bad input is a 422 naming the field."""
from __future__ import annotations

import csv
import io
import json

import httpx
import pytest

from tests.automation.helpers import ok
from tests.helpers.report_beats import start_reporting_kuma
from tests.helpers.sessions import logged_in

RANGE = {"from": "2026-11-01", "to": "2026-11-01T01:00:00Z"}
CLI_RANGE = ("--from", "2026-11-01", "--to", "2026-11-01T01:00:00Z")


@pytest.fixture(scope="module")
def reporting(tmp_path_factory):
    kuma = start_reporting_kuma(tmp_path_factory.mktemp("reports") / "data")
    yield kuma
    kuma.stop()


@pytest.fixture
def rest(reporting):
    with httpx.Client(base_url=f"{reporting.url}/api/v1", auth=("", reporting.keys.read), timeout=15) as client:
        yield client


def cli(reporting, *args: str) -> str:
    return ok("report", "--data-dir", str(reporting.data_dir), "--monitor", str(reporting.web), *args)


def test_json_equals_kuma_report(reporting, rest):
    answer = rest.get(f"/monitors/{reporting.web}/report", params=RANGE)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body == json.loads(cli(reporting, *CLI_RANGE))
    assert (body["name"], body["uptimePercent"], body["downtimeCount"]) == ("Web", 68.0, 3)
    assert (body["downtimeSeconds"], body["maintenanceSeconds"], body["longestOutageSeconds"]) == (960, 600, 360)
    assert (body["avgResponseMs"], body["p95ResponseMs"]) == (200, 300)
    assert [o["message"] for o in body["outages"]] == ["timeout", "refused", "503"]
    # epoch seconds and a zone offset name the same instants
    same = rest.get(f"/monitors/{reporting.web}/report", params={"from": "1793491200", "to": "2026-11-01T02:00:00+01:00"})
    assert same.json() == body


def test_csv_is_kuma_reports_csv_and_parses_to_the_same_outages(reporting, rest):
    body = rest.get(f"/monitors/{reporting.web}/report", params=RANGE).json()
    by_param = rest.get(f"/monitors/{reporting.web}/report", params={**RANGE, "format": "csv"})
    by_accept = rest.get(f"/monitors/{reporting.web}/report", params=RANGE, headers={"Accept": "text/csv"})
    for answer in (by_param, by_accept):
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        assert answer.text == cli(reporting, *CLI_RANGE, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(by_param.text)))
    assert [r["kind"] for r in rows] == ["monitor", "outage", "outage", "outage"]
    assert float(rows[0]["uptimePercent"]) == body["uptimePercent"]
    outages = [{"start": r["outageStart"], "end": r["outageEnd"], "durationSeconds": float(r["outageSeconds"]),
                "message": r["outageMessage"]} for r in rows[1:]]
    assert outages == [{k: o[k] for k in ("start", "end", "durationSeconds", "message")} for o in body["outages"]]


def test_unknown_monitor_bad_range_and_no_key(reporting, rest):
    missing = rest.get("/monitors/9999/report", params=RANGE)
    assert missing.status_code == 404 and missing.json()["ok"] is False

    def problem(params) -> list[dict]:
        answer = rest.get(f"/monitors/{reporting.web}/report", params=params)
        assert answer.status_code == 422, answer.text
        return answer.json()["errors"]

    assert problem({"to": RANGE["to"]}) == [{"field": "from", "msg": "is required"}]
    assert problem({"from": RANGE["from"], "to": "yesterday"})[0]["field"] == "to"
    assert problem({"from": "2026-11-02", "to": "2026-11-01"}) == [{"field": "to", "msg": "must be after `from`"}]
    assert problem({"from": "-5", "to": "10"})[0]["field"] == "from"
    assert problem({**RANGE, "format": "xml"})[0]["field"] == "format"
    anonymous = httpx.get(f"{reporting.url}/api/v1/monitors/{reporting.web}/report", params=RANGE)
    assert anonymous.status_code == 401 and anonymous.json()["ok"] is False


def test_openapi_states_the_maintenance_rule_and_both_media_types(reporting):
    doc = httpx.get(f"{reporting.url}/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/monitors/{id}/report"]["get"]
    assert "excluded from downtime" in operation["description"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/MonitorReport"}
    assert {p["name"] for p in operation["parameters"]} == {"id", "from", "to", "format"}


@pytest.fixture
def wire(reporting):
    with logged_in(reporting.url) as client:
        yield client


def test_socket_month_report_is_the_same_report(reporting, rest, wire):
    ack = wire.call("getMonitorReport", reporting.web, {"month": "2026-11", "timezone": "UTC"})[0]
    assert ack["ok"] is True and (ack["month"], ack["timezone"]) == ("2026-11", "UTC")
    november = rest.get(f"/monitors/{reporting.web}/report", params={"from": "2026-11-01", "to": "2026-12-01"})
    assert ack["report"] == november.json()

    berlin = wire.call("getMonitorReport", reporting.web, {"month": "2026-10", "timezone": "Europe/Berlin"})[0]
    assert (berlin["report"]["from"], berlin["report"]["to"]) == ("2026-09-30T22:00:00.000Z", "2026-10-31T23:00:00.000Z")
    october = rest.get(f"/monitors/{reporting.web}/report",
                       params={"from": "2026-09-30T22:00:00Z", "to": "2026-10-31T23:00:00Z"}).json()
    assert berlin["report"] == october and october["downtimeCount"] == 1

    # no month: the current one by the server's (pinned) clock, in the zone asked for
    current = wire.call("getMonitorReport", reporting.web, {"timezone": "Pacific/Auckland"})[0]
    assert current["ok"] is True and current["month"] == "2026-11"


def test_socket_month_report_refuses_bad_input(reporting, wire):
    def refusal(*args) -> str:
        ack = wire.call("getMonitorReport", *args)[0]
        assert ack["ok"] is False
        return ack["msg"]

    assert refusal(9999, {"month": "2026-11"}) == "You do not own this monitor."
    assert refusal(reporting.web, {"month": "2026-13"}).startswith("month must be YYYY-MM")
    assert refusal(reporting.web, {"month": "November"}) == "month must be YYYY-MM"
    assert refusal(reporting.web, {"timezone": "Mars/Olympus"}) == "Unknown time zone 'Mars/Olympus'"
