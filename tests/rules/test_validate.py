"""Monitor input rules: client keys → columns, defaults for older clients, Uptime Kuma's error texts."""
from __future__ import annotations

import json

import pytest

from kuma.rules.validate import (Column, MonitorInputError, add_input, edit_input, js_json_error, notification_ids,
                                 validate_monitor)

COLUMNS = {name: Column(name, notnull, default) for name, notnull, default in [
    ("name", False, False), ("type", False, False), ("url", False, False), ("interval", True, True),
    ("retry_interval", True, True), ("accepted_statuscodes_json", True, True), ("conditions", True, True),
    ("kafka_producer_brokers", False, False), ("kafka_producer_sasl_options", False, False),
    ("rabbitmq_nodes", False, False), ("method", True, True), ("proxy_id", False, False), ("port", False, False),
    ("active", True, True), ("retry_only_on_status_code_failure", True, True), ("headers", False, False),
    ("parent", False, False), ("timeout", True, True), ("upside_down", True, True),
]}


@pytest.mark.parametrize("text,expected", [
    ("{not json", "Expected property name or '}' in JSON at position 1"),
    ("", "Unexpected end of JSON input"),
    ('{"a": 1', "Expected ',' or '}' after property value in JSON at position 7"),
    ('{"a" 1}', "Expected ':' after property name in JSON at position 5"),
    ('{"a": 1} x', "Unexpected non-whitespace character after JSON at position 9"),
    ("hello", "Unexpected token 'h', \"hello\" is not valid JSON"),
    ('{"X-Api-Key": "k"}', None),
])
def test_json_errors_read_like_javascript(text, expected):
    assert js_json_error(text) == expected


def test_old_client_without_newer_fields_gets_defaults():
    fields, notifications, start = add_input(
        {"type": "http", "name": "a", "url": "http://x", "interval": 60, "accepted_statuscodes": ["200-299"],
         "notificationIDList": {"1": True, "2": False}}, COLUMNS)
    assert fields["conditions"] == "[]" and fields["rabbitmq_nodes"] == "[]"
    assert json.loads(fields["kafka_producer_sasl_options"]) == {"mechanism": "None"}
    assert fields["accepted_statuscodes_json"] == '["200-299"]'
    assert notifications == [1] and start is True


def test_add_ignores_output_only_and_unknown_keys_and_nulls_for_defaulted_columns():
    fields, _, start = add_input(
        {"type": "http", "name": "a", "accepted_statuscodes": ["200"], "path": ["a"], "tags": [], "id": 7,
         "someFutureField": 1, "method": None, "retryOnlyOnStatusCodeFailure": True, "active": False,
         "proxyId": "3", "port": "8080abc", "upsideDown": True}, COLUMNS)
    assert "path" not in fields and "id" not in fields and "some_future_field" not in fields
    assert "method" not in fields  # null for a NOT NULL column with a default → the default
    assert fields["retry_only_on_status_code_failure"] == 1 and fields["upside_down"] == 1
    assert fields["active"] == 0 and start is False
    assert fields["proxy_id"] == 3 and fields["port"] == 8080


def test_notification_id_forms():
    assert notification_ids({"1": True, "3": True, "2": False}) == [1, 3]
    assert notification_ids([2, "4"]) == [2, 4]
    assert notification_ids(None) == [] and notification_ids("x") == []


def test_edit_copies_only_editable_keys():
    fields = edit_input({"id": 1, "name": "b", "active": False, "weight": 1, "accepted_statuscodes": ["200"],
                         "conditions": [{"type": "expression"}]}, COLUMNS)
    assert fields == {"accepted_statuscodes_json": '["200"]', "name": "b",
                      "conditions": '[{"type":"expression"}]'}


@pytest.mark.parametrize("payload,message", [
    ({"accepted_statuscodes": [200]}, "Accepted status codes are not all strings"),
    ({"name": "x"}, "Cannot read properties of undefined (reading 'every')"),
    ({"accepted_statuscodes": "200"}, "Accepted status codes are not all strings"),
    ({"accepted_statuscodes": ["200"], "conditions": "[oops"}, "conditions must be valid JSON"),
])
def test_add_input_errors(payload, message):
    with pytest.raises(MonitorInputError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        add_input(payload, COLUMNS)


@pytest.mark.parametrize("row,message", [
    ({"interval": 0}, "Interval cannot be less than 1 seconds"),
    ({"interval": 3000000}, "Interval cannot be more than 2073600 seconds"),
    ({"interval": 20, "retry_interval": 0}, "Retry interval cannot be less than 1 seconds"),
    ({"interval": 20, "headers": "{not json"}, "Headers must be valid JSON: Expected property name"),
    ({"interval": 20, "response_max_length": 2000000}, "Response max length must be between 0 and 1048576"),
    ({"interval": 20, "type": "system-service", "system_service_name": "bad name;"},
     "^Invalid service name. Please use the internal Service Name \\(no spaces\\).$"),
    ({"interval": 20, "type": "system-service", "system_service_name": " "}, "^Service Name is required.$"),
    ({"interval": 20, "type": "pm2", "system_service_name": ""}, "^PM2 process name is required.$"),
    ({"interval": 20, "type": "pm2", "system_service_name": "web\x07"}, "^Invalid PM2 process name.$"),
    ({"interval": 20, "type": "ping", "ping_count": 0}, "Ping count must be between 1 and 100"),
    ({"interval": 20, "type": "real-browser", "screenshot_delay": 10000},
     "^Screenshot delay must be less than 10000ms \\(0.5 × interval\\)$"),
    ({"interval": 20, "type": "real-browser", "screenshot_delay": 16000},
     "^Screenshot delay must be less than 16000ms \\(0.8 × interval\\)$"),
    ({"interval": 20, "type": "real-browser", "screenshot_delay": -1}, "^Screenshot delay must be a non-negative number$"),
    ({"interval": 20, "type": "mongodb", "database_query": "{x"}, "MongoDB query must be valid JSON"),
])
def test_validate_errors(row, message):
    with pytest.raises(MonitorInputError, match=message):
        validate_monitor(row)


def test_valid_rows_pass():
    validate_monitor({"interval": 20, "retry_interval": 20, "headers": '{"a": "b"}', "type": "ping",
                      "ping_count": 3, "timeout": 48, "ping_per_request_timeout": 2, "response_max_length": 1024})


def test_missing_retry_interval_follows_interval():
    fields, _, _ = add_input({"type": "http", "interval": 45, "accepted_statuscodes": ["200"]}, COLUMNS)
    assert fields["retry_interval"] == 45
    validate_monitor({"interval": 45, "retry_interval": 0}, sent={"interval"})  # old row, not sent: accepted


@pytest.mark.parametrize("row, msg", [
    ({"type": "snmp", "snmp_version": "4"}, "SNMP version must be 1, 2c or 3"),
    ({"type": "snmp", "snmp_version": 2}, "SNMP version must be 1, 2c or 3"),
    ({"type": "globalping", "subtype": "traceroute"}, "Globalping subtype must be ping, http or dns"),
])
def test_probe_fields_refused_plainly(row, msg):
    from kuma.rules.validate import validate_monitor

    with pytest.raises(MonitorInputError, match=f"^{msg}$"):
        validate_monitor({"interval": 60, **row})


def test_probe_fields_accepted():
    from kuma.rules.validate import validate_monitor

    for version in ("1", "2c", "3", None):
        validate_monitor({"interval": 60, "type": "snmp", "snmp_version": version})
    validate_monitor({"interval": 60, "type": "globalping", "subtype": "dns"})
