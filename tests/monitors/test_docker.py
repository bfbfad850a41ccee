"""docker checks against a stand-in Engine API (real JSON shapes) on a unix socket and on TCP."""
from __future__ import annotations

import pytest

from kuma.monitoring.checking import run_check
from kuma.monitors.base import DOWN, PENDING, UP, CheckContext, CheckFailed, get_monitor_type
from tests.helpers.docker_engine import docker_engine, state
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port, make_cert, silent_listener


def ctx_for(docker_type, daemon):
    async def load(host_id):
        return {"id": host_id, "user_id": 1, "name": "local", "docker_type": docker_type, "docker_daemon": daemon} \
            if host_id == 7 else None

    return CheckContext(docker_host=load)


async def check(daemon, container="web", docker_type="socket", **row):
    row.setdefault("docker_host", 7)
    monitor = monitor_row(type="docker", docker_container=container, **row)
    return await get_monitor_type("docker").check(monitor, ctx_for(docker_type, daemon))


@pytest.fixture
def sock_path(tmp_path):
    return tmp_path / "docker.sock"


async def test_running_healthy_container_is_up_over_the_unix_socket(sock_path):
    with docker_engine({"web": [state("running", health="healthy")]}, socket_path=sock_path) as (engine, daemon):
        result = await check(daemon)
    assert (result.status, result.msg, result.ping) == (UP, "healthy", None)
    assert engine.requests == ["/containers/web/json"]


async def test_running_without_healthcheck_is_up_with_the_note_over_tcp():
    with docker_engine({"db": [state("running")]}) as (_, daemon):
        result = await check(daemon, "db", docker_type="tcp")
    assert result.status == UP
    assert result.msg == ("Container has not reported health and is currently running. As it is running, it is "
                          "considered UP. Consider adding a health check for better service visibility")


async def test_exited_unhealthy_paused_and_missing_containers_are_down(sock_path):
    containers = {"stopped": [state("exited", exit_code=137)], "sick": [state("running", health="unhealthy")],
                  "frozen": [state("paused")]}
    with docker_engine(containers, socket_path=sock_path) as (_, daemon):
        with pytest.raises(CheckFailed, match="^Container State is exited$"):
            await check(daemon, "stopped")
        with pytest.raises(CheckFailed, match="^Container State is unhealthy according to its healthcheck$"):
            await check(daemon, "sick")
        with pytest.raises(CheckFailed, match="^Container is in a paused state$"):
            await check(daemon, "frozen")
        with pytest.raises(CheckFailed, match="^Request failed with status code 404$"):
            await check(daemon, "nope")


async def test_a_container_that_restarts_goes_pending_then_up_again(sock_path):
    states = [state("running", health="healthy"), state("restarting"), state("running", health="starting"),
              state("running", health="healthy")]
    with docker_engine({"app": states}, socket_path=sock_path) as (_, daemon):
        seen = [(r.status, r.msg) for r in [await check(daemon, "app") for _ in range(4)]]
    assert seen == [(UP, "healthy"), (PENDING, "Container is reporting it is currently restarting"),
                    (PENDING, "starting"), (UP, "healthy")]


async def test_engine_keeps_no_ping_for_docker(sock_path):
    """Uptime Kuma's docker check sets no ping; the engine must not fill in the elapsed time."""
    with docker_engine({"web": [state("running", health="healthy")]}, socket_path=sock_path) as (_, daemon):
        outcome, _ = await run_check(get_monitor_type("docker"), monitor_row(
            type="docker", docker_container="web", docker_host=7), ctx_for("socket", daemon))
    assert (outcome.status, outcome.msg, outcome.ping) == (UP, "healthy", None)


async def test_unreachable_daemons_read_like_node(sock_path):
    with pytest.raises(CheckFailed, match=f"^connect ENOENT {sock_path}$"):
        await check(str(sock_path))
    port = closed_port()
    with pytest.raises(CheckFailed, match=f"^connect ECONNREFUSED 127.0.0.1:{port}$"):
        await check(f"tcp://127.0.0.1:{port}", docker_type="tcp")
    with pytest.raises(CheckFailed, match="^Failed to load docker host config$"):
        await check(str(sock_path), docker_host=99)
    with pytest.raises(CheckFailed, match="^Failed to load docker host config$"):
        await check(str(sock_path), docker_host=None)


async def test_tls_daemon_with_client_certificates_from_docker_tls(tmp_path):
    """`https://` daemons: `<data>/docker-tls/<host>/{ca,cert,key}.pem` as `dockerd --tlsverify` wants."""
    import shutil
    import ssl

    server_cert = make_cert(("localhost",), self_signed=False, directory=tmp_path / "server")
    client_cert = make_cert(("kuma-client",), self_signed=False, common_name="kuma", directory=tmp_path / "client")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=client_cert.ca_path)
    context.load_cert_chain(server_cert.chain_path, server_cert.key_path)
    context.verify_mode = ssl.CERT_REQUIRED
    with docker_engine({"web": [state("running", health="healthy")]}, tls=context) as (_, daemon):
        row = monitor_row(type="docker", docker_container="web", docker_host=7)
        with pytest.raises(CheckFailed):  # neither the daemon's CA nor a client certificate yet
            await get_monitor_type("docker").check(row, CheckContext(docker_host=ctx_for("tcp", daemon).docker_host,
                                                                      data_dir=tmp_path / "data"))
        folder = tmp_path / "data" / "docker-tls" / "localhost"
        folder.mkdir(parents=True)
        shutil.copy(server_cert.ca_path, folder / "ca.pem")
        shutil.copy(client_cert.chain_path, folder / "cert.pem")
        shutil.copy(client_cert.key_path, folder / "key.pem")
        result = await get_monitor_type("docker").check(row, CheckContext(
            docker_host=ctx_for("tcp", daemon).docker_host, data_dir=tmp_path / "data"))
    assert (result.status, result.msg) == (UP, "healthy")


async def test_a_daemon_that_never_answers_times_out_at_interval_times_0_8():
    with silent_listener() as port:
        with pytest.raises(CheckFailed, match="^timeout of 800ms exceeded$"):
            await check(f"tcp://127.0.0.1:{port}", docker_type="tcp", interval=1)
