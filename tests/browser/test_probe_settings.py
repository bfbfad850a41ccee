"""Dashboard: the Docker hosts and Remote browsers settings pages (their Test buttons against real endpoints),
and the add-monitor form showing only a new type's own fields, saving a docker monitor that then checks UP."""
from __future__ import annotations

import subprocess

from tests.browser.conftest import screenshot
from tests.browser.test_dashboard import setup_admin
from tests.helpers.docker_engine import docker_engine, state
from tests.helpers.waiting import wait_until


def test_docker_hosts_page_and_docker_monitor_form(page, kuma_server, tmp_path):
    with docker_engine({"web": [state("running", health="healthy")]}, socket_path=tmp_path / "d.sock") as (
            engine, daemon):
        setup_admin(page, kuma_server.url)
        page.goto(kuma_server.url + "/settings/docker-hosts")
        page.fill("#docker-form [name=name]", "Local engine")
        page.fill("#docker-form [name=dockerDaemon]", daemon)
        page.click("#docker-test")
        page.wait_for_selector(".toast-success:has-text('Amount of containers: 1')")
        page.click("#docker-form button:has-text('Add Docker host')")
        page.wait_for_selector("#docker-list li:has-text('Local engine')")
        screenshot(page, "settings-docker-hosts")

        page.goto(kuma_server.url + "/add")
        page.select_option("#f-type", "docker")
        assert page.is_visible("#f-docker_container") and page.is_visible("#f-docker_host")
        assert not page.is_visible("#f-url") and not page.is_visible("#f-grpcUrl")  # only docker's own fields
        page.fill("#f-name", "Web container")
        page.fill("#f-docker_container", "web")
        page.select_option("#f-docker_host", label="Local engine")
        page.fill("#f-interval", "20")
        page.click("#monitor-form button[type=submit]")
        page.wait_for_url("**/dashboard/*")
        page.wait_for_function("document.body.innerText.includes('healthy')", timeout=30000)
        assert "/containers/web/json" in engine.requests


def test_remote_browsers_page_test_button(page, kuma_server, tmp_path):
    from kuma.monitors._chromium import chromium_args, find_executable

    profile = tmp_path / "profile"
    profile.mkdir()
    process = subprocess.Popen(chromium_args(find_executable(None, {"PATH": "/usr/bin:/bin"}), profile),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        marker = profile / "DevToolsActivePort"
        wait_until(lambda: marker.exists() and len(marker.read_text().split("\n")) >= 2, 60,
                   "Chromium's DevToolsActivePort", interval=0.05)
        port, path = marker.read_text().split("\n")[:2]
        setup_admin(page, kuma_server.url)
        drawn_before = page.context.new_page()  # an add form drawn before the remote browser exists
        drawn_before.goto(kuma_server.url + "/add")
        drawn_before.select_option("#f-type", "real-browser")
        assert "Chrome box" not in drawn_before.inner_text("#f-remote_browser")
        page.goto(kuma_server.url + "/settings/remote-browsers")
        page.fill("#browser-form [name=name]", "Chrome box")
        page.fill("#browser-form [name=url]", f"ws://127.0.0.1:{port.strip()}{path.strip()}")
        page.click("#browser-test")
        page.wait_for_selector(".toast-success")
        page.click("#browser-form button:has-text('Add remote browser')")
        page.wait_for_selector("#browser-list li:has-text('Chrome box')")
        page.goto(kuma_server.url + "/add")
        page.select_option("#f-type", "real-browser")
        assert page.is_visible("#f-url") and page.is_visible("#f-screenshot_delay")
        # the list may arrive after a full page load drew the form: the select is redrawn when it does
        page.wait_for_selector("#f-remote_browser option:has-text('Chrome box')", state="attached", timeout=30000)
        assert "Chrome box" in page.inner_text("#f-remote_browser")
        drawn_before.wait_for_selector("#f-remote_browser option:has-text('Chrome box')", state="attached", timeout=30000)
        drawn_before.close()
        screenshot(page, "settings-remote-browsers")
    finally:
        process.kill()
        process.wait()
