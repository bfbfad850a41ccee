"""The add form offers the database and broker types with only their own fields, and what it saves checks:
a redis monitor against a real redis-server, a rabbitmq monitor's node list saved as a JSON array."""
from __future__ import annotations

from tests.browser.test_dashboard import PASSWORD as ADMIN_PASSWORD
from tests.helpers.db_servers import PASSWORD, redis_server
from tests.helpers.sessions import connected


def setup_admin(page, url: str) -> None:
    """First-run setup; waits for the redirect to /setup (the shared helper reads the URL too early on a
    loaded machine)."""
    page.goto(url + "/dashboard")
    page.wait_for_url("**/setup")
    page.wait_for_selector("#auth-form")
    page.fill("[name=username]", "admin")
    page.fill("[name=password]", ADMIN_PASSWORD)
    page.fill("[name=repeat]", ADMIN_PASSWORD)
    page.click("#auth-form button[type=submit]")
    page.wait_for_selector(".topbar")


def test_redis_monitor_from_the_form_goes_up(page, kuma_server):
    with redis_server() as redis:
        setup_admin(page, kuma_server.url)
        page.goto(kuma_server.url + "/add")
        page.select_option("#f-type", "redis")
        assert page.is_visible("#f-databaseConnectionString-rd")
        assert page.get_attribute("#f-databaseConnectionString-rd", "placeholder") == "redis://user:password@host:port"
        assert not page.is_visible("#f-databaseConnectionString-pg") and not page.is_visible("#f-url")
        assert page.is_visible("#f-ignoreTls") and not page.is_visible("#f-databaseQuery")
        page.fill("#f-name", "Cache")
        page.fill("#f-databaseConnectionString-rd", f"redis://:{PASSWORD}@127.0.0.1:{redis.port}")
        page.fill("#f-interval", "20")
        page.click("#monitor-form button[type=submit]")
        page.wait_for_url("**/dashboard/*")
        page.wait_for_selector("#d-name .pill-up", timeout=30_000)
        assert "PONG" in page.inner_text("#d-last")


def test_rabbitmq_nodes_are_saved_as_a_list(page, kuma_server):
    setup_admin(page, kuma_server.url)
    page.goto(kuma_server.url + "/add")
    page.select_option("#f-type", "rabbitmq")
    page.fill("#f-name", "Broker")
    page.fill("#f-rabbitmqNodes", "http://127.0.0.1:1\nhttp://127.0.0.1:2/mq")
    page.fill("#f-rabbitmqUsername", "guest")
    page.click("#monitor-form button[type=submit]")
    page.wait_for_url("**/dashboard/*")
    monitor_id = int(page.url.rsplit("/", 1)[1])
    with connected(kuma_server.url) as client:
        client.call("login", {"username": "admin", "password": ADMIN_PASSWORD, "token": ""})
        monitor = client.call("getMonitor", monitor_id)[0]["monitor"]
    assert monitor["rabbitmqNodes"] == ["http://127.0.0.1:1", "http://127.0.0.1:2/mq"]
    assert monitor["rabbitmqUsername"] == "guest" and monitor["type"] == "rabbitmq"
