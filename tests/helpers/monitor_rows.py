"""Monitor rows for check tests: the `monitor` table's defaults (as the UI creates them) plus overrides."""
from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "id": 1, "name": "Test", "active": 1, "user_id": 1, "interval": 20, "retry_interval": 20, "url": None,
    "type": "http", "hostname": None, "port": None, "keyword": None, "maxretries": 0, "ignore_tls": 0,
    "upside_down": 0, "maxredirects": 10, "accepted_statuscodes_json": '["200-299"]', "dns_resolve_type": "A",
    "dns_resolve_server": "1.1.1.1", "dns_last_result": None, "push_token": None, "method": "GET", "body": None,
    "headers": None, "basic_auth_user": None, "basic_auth_pass": None, "proxy_id": None,
    "expiry_notification": 0, "auth_method": None, "packet_size": 56, "http_body_encoding": "json",
    "tls_ca": None, "tls_cert": None, "tls_key": None, "parent": None, "invert_keyword": 0, "json_path": None,
    "expected_value": None, "timeout": 16.0, "json_path_operator": "==", "cache_bust": 0, "conditions": "[]",
    "ping_count": 1, "ping_numeric": 1, "ping_per_request_timeout": 2, "ip_family": None, "manual_status": None,
    "bearer_token": None, "oauth_client_id": None, "oauth_client_secret": None, "oauth_token_url": None,
    "oauth_scopes": None, "oauth_audience": None, "oauth_auth_method": "client_secret_basic",
    "smtp_security": None, "expected_tls_alert": "none", "save_response": 0, "save_error_response": 1,
}


def monitor_row(**overrides: Any) -> dict[str, Any]:
    row = dict(DEFAULTS)
    row.update(overrides)
    return row
