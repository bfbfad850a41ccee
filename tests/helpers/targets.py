"""Local targets for monitor checks: HTTP(S) server, TCP listeners, a DNS server, test certificates.

Each runs in a background thread so it serves sync tests and Trio tests alike; all bind 127.0.0.1 on a free
port. Use them as context managers:

    with http_target() as web:            # web.url, web.requests, web.routes["/x"] = Reply(503, b"down")
    with http_target(tls=make_cert()) as web:   # HTTPS with a self-signed cert for localhost/127.0.0.1
    with tcp_listener() as port:          # accepts and closes connections
    with silent_listener() as port:       # accepts and never answers (timeouts)
    with dns_server({("example.test.", "A"): ["127.0.0.1"]}) as port:
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import ssl
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

from tests.helpers.server import free_port
from tests.helpers.threads import loop_thread

# ---------------------------------------------------------------- HTTP(S)

@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    delay: float = 0.0  # seconds to wait before answering (timeout tests)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Route = Reply | Callable[[Request], Reply]

FIXTURE_HTML = (
    "<!DOCTYPE html>\n<html><head><title>Fixture</title></head>\n"
    "<body><h1>Service is   healthy</h1>\n<p>All systems nominal.</p></body></html>\n"
)


def default_routes() -> dict[str, Route]:
    """Like the fixture capture's target: `/` HTML with "healthy", `/json`, `/auth`, `/headers`."""

    def auth(req: Request) -> Reply:
        good = "Basic " + base64.b64encode(b"monuser:monpass").decode()
        if req.headers.get("authorization") == good:
            return Reply(200, "authorized")
        return Reply(401, "no", {"WWW-Authenticate": 'Basic realm="x"'})

    def bearer(req: Request) -> Reply:
        ok = req.headers.get("authorization") == "Bearer tok-1"
        return Reply(200 if ok else 401, "ok" if ok else "no")

    def headers(req: Request) -> Reply:
        return Reply(200, "ok") if req.headers.get("x-api-key") == "k-123" else Reply(403, "missing key")

    def echo(req: Request) -> Reply:
        return Reply(200, json.dumps({"method": req.method, "headers": req.headers,
                                      "body": req.body.decode("latin-1")}), {"Content-Type": "application/json"})

    def redirect(req: Request) -> Reply:
        n = int(req.path.rsplit("/", 1)[1] or 0)
        target = "/" if n <= 1 else f"/redirect/{n - 1}"
        return Reply(302, "", {"Location": target})

    return {
        "/": Reply(200, FIXTURE_HTML, {"Content-Type": "text/html; charset=utf-8"}),
        "/json": Reply(200, json.dumps({"status": "ok", "count": 3, "items": [1, 2], "ratio": 0.5, "flag": True}),
                       {"Content-Type": "application/json"}),
        "/auth": auth,
        "/bearer": bearer,
        "/headers": headers,
        "/echo": echo,
        "/redirect/": redirect,
        "/down": Reply(503, "maintenance"),
        "/slow": Reply(200, "late", delay=30),
    }


class HttpTarget:
    """A running HTTP(S) server. `routes` maps a path (or a prefix ending in '/') to a Reply or a function."""

    def __init__(self, server: ThreadingHTTPServer, scheme: str, routes: dict[str, Route]) -> None:
        self.server = server
        self.scheme = scheme
        self.routes = routes
        self.requests: list[Request] = []
        self.port = server.server_address[1]

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def route_for(self, path: str) -> Route | None:
        bare = path.split("?", 1)[0]
        if bare in self.routes:
            return self.routes[bare]
        prefixes = [p for p in self.routes if p.endswith("/") and p != "/" and bare.startswith(p)]
        return self.routes[max(prefixes, key=len)] if prefixes else None


def _handler_class(target_ref: list[HttpTarget]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            target = target_ref[0]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            req = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            target.requests.append(req)
            route = target.route_for(self.path)
            reply = Reply(404, "not found") if route is None else (route(req) if callable(route) else route)
            if reply.delay:
                time.sleep(reply.delay)
            data = reply.body.encode() if isinstance(reply.body, str) else reply.body
            try:
                self.send_response(reply.status, reply.reason)
                headers = {"Content-Type": "text/plain; charset=utf-8", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    return Handler


class _BackloggedServer(ThreadingHTTPServer):
    """socketserver's listen backlog is 5: bursts of concurrent checks (benchmarks) got connection resets."""

    request_queue_size = 128


@contextmanager
def http_target(routes: dict[str, Route] | None = None, *, tls: "CertFiles | None" = None) -> Iterator[HttpTarget]:
    """Serve `routes` (default: `default_routes()`) on 127.0.0.1; HTTPS when `tls` is given."""
    ref: list[HttpTarget] = []
    server = _BackloggedServer(("127.0.0.1", 0), _handler_class(ref))
    server.daemon_threads = True
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls.chain_path, tls.key_path)
        # handshakes happen in the handler threads, so a client that stalls cannot block accept()
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    target = HttpTarget(server, "https" if tls else "http", default_routes() if routes is None else routes)
    ref.append(target)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield target
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- TCP

@contextmanager
def tcp_listener(*, answer: bytes = b"", drain: bool = False) -> Iterator[int]:
    """A TCP port that accepts connections (optionally sends `answer`) and closes them.

    `drain` first reads what the client sent, so the close is a clean FIN (HTTP: "socket hang up")
    rather than a reset (unread data → RST, HTTP: "read ECONNRESET").
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.settimeout(0.1)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                if drain:
                    conn.settimeout(1)
                    try:
                        conn.recv(65536)
                    except OSError:
                        pass
                if answer:
                    conn.sendall(answer)

    with loop_thread(loop, sock, stop) as port:
        yield port


@contextmanager
def silent_listener() -> Iterator[int]:
    """A TCP port that completes the handshake (kernel backlog) but never reads nor answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


@contextmanager
def tls_listener(cert: "CertFiles", *, require_client_cert: bool = False, smtp: bool = False) -> Iterator[int]:
    """A TLS server (optionally behind SMTP STARTTLS) that completes or refuses the handshake, then closes.

    `require_client_cert` makes it an mTLS endpoint: clients without a certificate get an alert
    (`certificate_required` with TLS 1.3).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert.chain_path, cert.key_path)
    if require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cert.ca_path)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            if smtp:
                conn.sendall(b"220 test ESMTP\r\n")
                reader = conn.makefile("rb")
                while True:
                    line = reader.readline()
                    if not line:
                        return
                    if line.upper().startswith(b"EHLO"):
                        conn.sendall(b"250-test\r\n250 STARTTLS\r\n")
                    elif line.upper().startswith(b"STARTTLS"):
                        conn.sendall(b"220 ready\r\n")
                        break
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    with loop_thread(loop, sock, stop) as port:
        yield port


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connect → ECONNREFUSED)."""
    return free_port()


# ---------------------------------------------------------------- DNS

@contextmanager
def dns_server(table: dict[tuple[str, str], list[str]]) -> Iterator[int]:
    """UDP DNS server on 127.0.0.1 answering from `table`: (fqdn with dot, type) → rdata texts.

    A name missing from every key → NXDOMAIN; a known name without that type → empty NOERROR answer.
    """
    import dns.message
    import dns.rcode
    import dns.rdataclass
    import dns.rdatatype
    import dns.renderer
    import dns.rrset

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    stop = threading.Event()
    names = {name.lower() for name, _ in table}

    def answer(wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        question = query.question[0]
        qname = question.name.to_text().lower()
        qtype = dns.rdatatype.to_text(question.rdtype)
        records = table.get((qname, qtype))
        if not records and qname not in names:
            response.set_rcode(dns.rcode.NXDOMAIN)
        # rendered by hand so the records keep the table's order (dnspython shuffles them by default)
        renderer = dns.renderer.Renderer(id=response.id, flags=response.flags, max_size=65535)
        renderer.add_question(question.name, question.rdtype, question.rdclass)
        if records:
            rrset = dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, qtype, records)
            renderer.add_rrset(dns.renderer.ANSWER, rrset, want_shuffle=False)
        renderer.write_header()
        return renderer.get_wire()

    def loop() -> None:
        while not stop.is_set():
            try:
                wire, peer = sock.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            try:
                sock.sendto(answer(wire), peer)
            except Exception:  # a broken query: drop it like a real server would
                pass

    with loop_thread(loop, sock, stop) as port:
        yield port


# ---------------------------------------------------------------- certificates

@dataclass
class CertFiles:
    key_path: str
    cert_path: str
    chain_path: str  # leaf followed by intermediates, what the server sends
    ca_path: str  # the root that signed the chain (for clients that should trust it)
    not_after: dt.datetime


def make_cert(
    hostnames: tuple[str, ...] = ("localhost", "127.0.0.1"),
    *,
    days: float = 90,
    self_signed: bool = True,
    expired: bool = False,
    common_name: str = "localhost",
    directory: str | Path | None = None,
) -> CertFiles:
    """Write a key and certificate for `hostnames` (DNS names and IPs as SANs) into `directory`.

    `self_signed=False` makes a root CA "Kuma Test Root CA" → intermediate "Kuma Test Intermediate" → leaf;
    the server chain then holds leaf + intermediate and `ca_path` the root. `expired` puts validity in the past.
    """
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = Path(directory or tempfile.mkdtemp(prefix="kuma-cert-"))
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    start, end = (now - dt.timedelta(days=30), now - dt.timedelta(days=1)) if expired else (
        now - dt.timedelta(hours=1), now + dt.timedelta(days=days))

    def name(cn: str, org: str = "Kuma Tests") -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def build(subject, issuer, key, signer, *, ca: bool, sans=None, begin=start, finish=end):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(begin).not_valid_after(finish)
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        return builder.sign(signer, hashes.SHA256())

    sans = []
    for host in hostnames:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            sans.append(x509.DNSName(host))
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    pem = serialization.Encoding.PEM
    if self_signed:
        leaf = build(name(common_name), name(common_name), leaf_key, leaf_key, ca=False, sans=sans)
        chain = [leaf]
        root = leaf
    else:
        root_key = ec.generate_private_key(ec.SECP256R1())
        mid_key = ec.generate_private_key(ec.SECP256R1())
        long_end = now + dt.timedelta(days=3650)
        root = build(name("Kuma Test Root CA"), name("Kuma Test Root CA"), root_key, root_key, ca=True,
                     begin=now - dt.timedelta(days=1), finish=long_end)
        mid = build(name("Kuma Test Intermediate"), root.subject, mid_key, root_key, ca=True,
                    begin=now - dt.timedelta(days=1), finish=long_end)
        leaf = build(name(common_name), mid.subject, leaf_key, mid_key, ca=False, sans=sans)
        chain = [leaf, mid]
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    chain_path, ca_path = folder / "chain.pem", folder / "ca.pem"
    key_path.write_bytes(leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    cert_path.write_bytes(leaf.public_bytes(pem))
    chain_path.write_bytes(b"".join(c.public_bytes(pem) for c in chain))
    ca_path.write_bytes(root.public_bytes(pem))
    return CertFiles(str(key_path), str(cert_path), str(chain_path), str(ca_path), end)
