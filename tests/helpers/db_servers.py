"""Real database and broker servers for the check tests, each on 127.0.0.1, a free port and a temp folder.

Debian's packages (scripts/lib/system-deps.sh installs them): PostgreSQL, MariaDB, Redis, Mosquitto,
RabbitMQ. Servers that refuse to run as root are started as their package's service user. Never the system
service: each test gets its own throwaway instance, stopped (and its folder removed) afterwards.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tests.helpers.server import free_port

PASSWORD = "s3cret-Pw"
T = TypeVar("T")


def _binary(*candidates: str) -> str:
    for pattern in candidates:
        found = sorted(glob.glob(pattern)) if "*" in pattern else ([pattern] if Path(pattern).exists() else [])
        if not found and "/" not in pattern and shutil.which(pattern):
            found = [shutil.which(pattern) or pattern]
        if found:
            return found[-1]
    raise AssertionError(f"{candidates[0]} is not installed: scripts/lib/system-deps.sh installs it (needs root/apt)")


def _folder(owner: str | None) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kuma-db-", dir="/tmp"))
    if owner and os.getuid() == 0:
        entry = pwd.getpwnam(owner)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    return folder


def _as(owner: str | None, command: list[str]) -> list[str]:
    """Run as the package's service user when we are root (postgres refuses root)."""
    if owner and os.getuid() == 0:
        return ["runuser", "-u", owner, "--", *command]
    return command


def wait_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"server did not listen on {port}:\n{_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-3000:]
    except OSError:
        return ""


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _owned(process: subprocess.Popen, folder: Path) -> Iterator[None]:
    """Stop the server and remove its folder however the test that used it ends."""
    try:
        yield
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def _until_accepted(connect: Callable[[], T], errors: type[Exception] | tuple[type[Exception], ...]) -> T:
    """`connect()` again until it works (30 s at most): a server listens a moment before it takes logins."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return connect()
        except errors:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass
class Server:
    port: int
    folder: Path
    process: subprocess.Popen

    def stop(self) -> None:
        _stop(self.process)


@contextmanager
def postgres_server() -> Iterator[Server]:
    """PostgreSQL with user `kuma` / PASSWORD (scram-sha-256), database `postgres`."""
    initdb = _binary("/usr/lib/postgresql/*/bin/initdb", "initdb")
    postgres = str(Path(initdb).with_name("postgres"))
    owner = "postgres"
    folder = _folder(owner)
    data, log = folder / "data", folder / "log"
    (folder / "pw").write_text(PASSWORD)
    os.chmod(folder / "pw", 0o644)
    subprocess.run(_as(owner, [initdb, "-D", str(data), "-U", "kuma", "--auth=scram-sha-256",
                               f"--pwfile={folder / 'pw'}", "-E", "UTF8"]), check=True, capture_output=True)
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(_as(owner, [postgres, "-D", str(data), "-h", "127.0.0.1", "-p", str(port),
                                               "-k", str(folder), "-c", "fsync=off"]), stdout=out, stderr=out)
    with _owned(process, folder):
        wait_port(port, process, log)
        _wait_pg_ready(port)
        yield Server(port, folder, process)


def _wait_pg_ready(port: int) -> None:
    import pg8000.native

    _until_accepted(lambda: pg8000.native.Connection("kuma", host="127.0.0.1", port=port, password=PASSWORD,
                                                     database="postgres").close(), Exception)


@contextmanager
def mariadb_server() -> Iterator[Server]:
    """MariaDB with user `kuma` / PASSWORD on database `kuma` (root has no password, TCP from 127.0.0.1)."""
    mariadbd = _binary("/usr/sbin/mariadbd", "mariadbd")
    install = _binary("/usr/bin/mariadb-install-db", "mariadb-install-db")
    owner = "mysql"
    folder = _folder(owner)
    data, log = folder / "data", folder / "log"
    subprocess.run(_as(owner, [install, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
                               "--skip-test-db"]), check=True, capture_output=True)
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(_as(owner, [mariadbd, "--no-defaults", f"--datadir={data}", f"--port={port}",
                                               "--bind-address=127.0.0.1", f"--socket={folder / 'sock'}",
                                               f"--pid-file={folder / 'pid'}", "--skip-name-resolve",
                                               "--innodb-buffer-pool-size=16M", "--skip-log-bin"]),
                                   stdout=out, stderr=out)
    with _owned(process, folder):
        wait_port(port, process, log)
        _mariadb_setup(port)
        yield Server(port, folder, process)


def _mariadb_setup(port: int) -> None:
    import pymysql

    connection = _until_accepted(lambda: pymysql.connect(host="127.0.0.1", port=port, user="root", password=""),
                                 pymysql.err.OperationalError)
    with connection, connection.cursor() as cursor:
        cursor.execute("CREATE DATABASE kuma")
        cursor.execute(f"CREATE USER 'kuma'@'%' IDENTIFIED BY '{PASSWORD}'")
        cursor.execute("GRANT ALL ON kuma.* TO 'kuma'@'%'")
        cursor.execute("CREATE TABLE kuma.t (n INT)")
        cursor.execute("INSERT INTO kuma.t VALUES (1), (2), (3)")
        connection.commit()


@contextmanager
def redis_server(*, tls_cert: object | None = None) -> Iterator[Server]:
    """Redis requiring PASSWORD (default user); with `tls_cert` (a CertFiles) it listens with TLS only."""
    binary = _binary("/usr/bin/redis-server", "redis-server")
    folder = _folder(None)
    log, port = folder / "log", free_port()
    args = [binary, "--bind", "127.0.0.1", "--requirepass", PASSWORD, "--save", "", "--appendonly", "no",
            "--dir", str(folder), "--logfile", str(log), "--daemonize", "no"]
    if tls_cert is not None:
        args += ["--port", "0", "--tls-port", str(port), "--tls-cert-file", tls_cert.chain_path,  # type: ignore[attr-defined]
                 "--tls-key-file", tls_cert.key_path, "--tls-auth-clients", "no"]  # type: ignore[attr-defined]
    else:
        args += ["--port", str(port)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with _owned(process, folder):
        wait_port(port, process, log)
        yield Server(port, folder, process)


@dataclass
class Broker(Server):
    ws_port: int
    tls_port: int | None


@contextmanager
def mosquitto_server(*, tls_cert: object | None = None) -> Iterator[Broker]:
    """Mosquitto with user `kuma` / PASSWORD (no anonymous access): MQTT on `port`, WebSocket on `ws_port`,
    and MQTT over TLS on `tls_port` when `tls_cert` (a CertFiles) is given."""
    binary = _binary("/usr/sbin/mosquitto", "mosquitto")
    folder = _folder(None)
    log, port, ws_port = folder / "log", free_port(), free_port()
    subprocess.run([_binary("/usr/bin/mosquitto_passwd"), "-b", "-c", str(folder / "passwd"), "kuma", PASSWORD],
                   check=True, capture_output=True)
    lines = ["user root" if os.getuid() == 0 else "", "per_listener_settings false", "allow_anonymous false",
             f"password_file {folder / 'passwd'}", "persistence false", f"log_dest file {log}",
             f"listener {port} 127.0.0.1", f"listener {ws_port} 127.0.0.1", "protocol websockets"]
    tls_port = None
    if tls_cert is not None:
        tls_port = free_port()
        lines += [f"listener {tls_port} 127.0.0.1", f"certfile {tls_cert.chain_path}",  # type: ignore[attr-defined]
                  f"keyfile {tls_cert.key_path}"]  # type: ignore[attr-defined]
    (folder / "mosquitto.conf").write_text("\n".join(lines) + "\n")
    process = subprocess.Popen([binary, "-c", str(folder / "mosquitto.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    with _owned(process, folder):
        wait_port(port, process, log)
        wait_port(ws_port, process, log)
        if tls_port:
            wait_port(tls_port, process, log)
        yield Broker(port, folder, process, ws_port, tls_port)


def mqtt_publish_retained(port: int, topic: str, payload: bytes) -> None:
    """Leave a retained message on the broker (a real client session: CONNECT, CONNACK, PUBLISH)."""
    from kuma.monitors import _mqtt_wire as wire

    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(wire.connect("kuma-test-publisher", "kuma", PASSWORD))
        assert client.recv(4)[:1] == b"\x20"
        client.sendall(wire.publish(topic, payload, retain=True) + wire.DISCONNECT)
        client.recv(1)  # the broker closes after DISCONNECT, by then the message is stored


def _epmd_running() -> bool:
    return subprocess.run(["pgrep", "-x", "epmd"], capture_output=True).returncode == 0


@contextmanager
def rabbitmq_server() -> Iterator[Server]:
    """RabbitMQ with the management plugin; `port` is the management API (user guest/guest on loopback).

    Its own node name, ports and folders; the Erlang port mapper it starts (when none ran) is stopped after."""
    server = _binary("/usr/lib/rabbitmq/bin/rabbitmq-server")
    folder = _folder(None)
    amqp, port, dist = free_port(), free_port(), free_port()
    node = f"kuma{amqp}@localhost"
    (folder / "rabbitmq.conf").write_text(f"listeners.tcp.default = 127.0.0.1:{amqp}\nmanagement.tcp.port = {port}\n"
                                          "management.tcp.ip = 127.0.0.1\n")
    (folder / "enabled_plugins").write_text("[rabbitmq_management].\n")
    env = dict(os.environ, HOME=str(folder), RABBITMQ_MNESIA_BASE=str(folder / "mnesia"),
               RABBITMQ_LOG_BASE=str(folder / "log"), RABBITMQ_CONFIG_FILE=str(folder / "rabbitmq.conf"),
               RABBITMQ_ENABLED_PLUGINS_FILE=str(folder / "enabled_plugins"), RABBITMQ_NODENAME=node,
               RABBITMQ_DIST_PORT=str(dist), ERL_EPMD_ADDRESS="127.0.0.1", RABBITMQ_PID_FILE=str(folder / "pid"))
    had_epmd = _epmd_running()
    log = folder / "out"
    with open(log, "wb") as out:
        process = subprocess.Popen([server], env=env, cwd=folder, stdout=out, stderr=out, start_new_session=True)
    try:
        wait_port(port, process, log, timeout=120)
        yield Server(port, folder, process)
    finally:
        subprocess.run([_binary("/usr/lib/rabbitmq/bin/rabbitmqctl"), "-n", node, "stop"], env=env,
                       capture_output=True, timeout=60)
        _stop(process)
        if not had_epmd:
            subprocess.run(["epmd", "-kill"], capture_output=True)  # refuses while other nodes are registered
        shutil.rmtree(folder, ignore_errors=True)
