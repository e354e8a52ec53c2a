"""GS1's resolver conformance test suite (https://ref.gs1.org/test-suites/resolver/, code at
github.com/gs1/GS1DL-resolver-testsuite) run as GS1 runs it, against a local server.

The suite is a script for a browser page: handed a GS1 Digital Link, it sends most of its
requests through a PHP helper (``tester.php``, curl), a few from the page itself, and records
a verdict per check (pass, warn, fail). Here its files run unchanged:

- the page in Debian's Chromium (Playwright), at the helper's own address
  (``https://philarcher.org/gs1/``, which the suite names), with the suite's scripts, the
  ``ajv7`` bundle it expects (npm ``ajv-dist``, as GS1's page loads it) and GS1's Digital Link
  toolkit that comes with it;
- ``tester.php`` in PHP's own web server, its curl as it is;
- the server under test behind TLS, at the site's own address (``https://ocop.khanhhoa.gov.vn``,
  what the linksets name): Chromium reaches it through ``--host-resolver-rules``, curl through
  an HTTP proxy (``https_proxy``) that tunnels to the same TLS endpoint; a certificate made
  for the test, which PHP is told to trust;
- what the suite downloads besides: GS1's schemas for linksets and for the description file
  (``tests/render/schemas``) and the list of GS1 link types, taken from the GS1 Web
  Vocabulary 1.16 (github.com/gs1/WebVoc), answered by the page's routes.

The suite's files are in ``tests/publishing/gs1_resolver_suite`` (Apache-2.0, unchanged, its
README says from which commit), so a CI machine that reaches the package registries but not
GitHub runs it; ``.ci/run`` installs ajv-dist from npm into ``.ci/gs1``.
"""

from __future__ import annotations

import datetime
import json
import os
import selectors
import shutil
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hosting import answering, free_port, tool
from support.sites import CHROMIUM, REPO

SUITE = Path(__file__).parent / "gs1_resolver_suite"
AJV = REPO / ".ci" / "gs1" / "node_modules" / "ajv-dist" / "dist" / "ajv7.bundle.js"
LINK_TYPES = SUITE / "linktypes.json"  # what https://ref.gs1.org/voc/data/linktypes answers
SCHEMAS = REPO / "tests" / "render" / "schemas"
HELPER = "https://philarcher.org/gs1/"  # where the suite sends its requests (testUri)
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>GS1 Digital Link Resolver Test Suite</title>
<script src="ajv7.bundle.js"></script><script src="GS1DigitalLinkToolkit.js"></script>
<script src="GS1DigitalLinkResolverTestSuite.js"></script></head>
<body><img id="rotatingcircle" alt=""><div id="gs1ResolverTests"></div></body></html>"""
# Counts the page's fetches under way: the suite starts two checks (TLS, the description
# file) without waiting for them.
COUNT_FETCHES = """
window.ocopFetching = 0;
const ocopFetch = window.fetch;
window.fetch = (...args) => {
  window.ocopFetching += 1;
  return ocopFetch(...args).finally(() => { window.ocopFetching -= 1; });
};
"""


def needed(path: Path) -> Path:
    """A file the suite's page loads from npm (ajv-dist), or a skip on a developer machine
    where .ci/run has not installed it; on CI a missing file fails the test."""
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing; .ci/run installs it")
    pytest.skip(f"{path} is missing (bash .ci/run installs it)")


# TLS in front of the server under test, and a proxy for curl.

def _certificate(folder: Path, host: str) -> tuple[Path, Path, Path]:
    """A CA and a certificate for ``host`` it signed: (CA, certificate, key) files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "OCOP test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                         critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    files = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return files


def _pump(a: socket.socket, b: socket.socket) -> None:
    """Bytes both ways between two connected sockets until either side closes. A selector
    (epoll), not select(): late in a whole test run this process holds over 1,024 descriptors,
    which select() cannot watch ("filedescriptor out of range")."""
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(a, selectors.EVENT_READ)
            selector.register(b, selectors.EVENT_READ)
            while True:
                ready = selector.select(30)
                if not ready:
                    return
                for key, _ in ready:
                    source = key.fileobj
                    sink = b if source is a else a
                    data = source.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    sink.sendall(data)
    except OSError:
        return
    finally:
        a.close()
        b.close()


class _Listener:
    """A TCP listener on a free local port, each connection handled in a thread."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(connection,), daemon=True).start()

    def handle(self, connection: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.stopped = True
        self.socket.close()


class _TlsFront(_Listener):
    """HTTPS on the outside, the server under test (plain HTTP) on the inside."""

    def __init__(self, backend: tuple[str, int], certificate: Path, key: Path) -> None:
        self.backend = backend
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certificate, key)
        self.context.set_alpn_protocols(["http/1.1"])
        super().__init__()

    def handle(self, connection: socket.socket) -> None:
        try:
            secure = self.context.wrap_socket(connection, server_side=True)
            inner = socket.create_connection(self.backend)
        except OSError:
            connection.close()
            return
        _pump(secure, inner)


class _Proxy(_Listener):
    """An HTTP proxy that tunnels CONNECT <host>:443 to the TLS front, and nothing else: the
    test reaches no other address."""

    def __init__(self, host: str, front: int) -> None:
        self.host, self.front = host, front
        super().__init__()

    def handle(self, connection: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 8192:
            data = connection.recv(4096)
            if not data:
                break
            request += data
        target = request.split(b" ", 2)[1].decode("latin-1") if request.count(b" ") >= 2 else ""
        if not request.startswith(b"CONNECT ") or target != f"{self.host}:443":
            connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            connection.close()
            return
        inner = socket.create_connection(("127.0.0.1", self.front))
        connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        _pump(connection, inner)


class _Socks(_Listener):
    """A SOCKS5 proxy to the TLS front for <host>:443 only, for curl: through an HTTP proxy
    curl would report the proxy's own "200 Connection established" among the response's
    headers, which tester.php would take for the response."""

    def __init__(self, host: str, front: int) -> None:
        self.host, self.front = host, front
        super().__init__()

    def handle(self, connection: socket.socket) -> None:
        try:
            greeting = connection.recv(2)
            connection.recv(greeting[1])  # the methods offered: no authentication is taken
            connection.sendall(b"\x05\x00")
            head = connection.recv(4)  # version, command, reserved, address type
            if head[1] != 1 or head[3] != 3:  # CONNECT to a name
                raise OSError("not a CONNECT to a host name")
            name = connection.recv(connection.recv(1)[0]).decode("ascii")
            port = int.from_bytes(connection.recv(2), "big")
            if (name, port) != (self.host, 443):
                connection.sendall(b"\x05\x02\x00\x01" + bytes(6))  # not allowed
                raise OSError(f"{name}:{port} refused")
            inner = socket.create_connection(("127.0.0.1", self.front))
            connection.sendall(b"\x05\x00\x00\x01" + bytes(6))
        except (OSError, IndexError):
            connection.close()
            return
        _pump(connection, inner)


@dataclass(frozen=True)
class Verdict:
    status: str  # pass, warn, fail
    test: str  # the conformance statement
    msg: str


@dataclass
class Lab:
    """The suite's page in a browser that reaches the server under test as the site."""

    page: object
    helper: str  # the PHP helper's local address

    def run(self, dl: str) -> dict[str, Verdict]:
        """The suite's verdict on each check, for the GS1 Digital Link ``dl``."""
        page = self.page
        page.goto(HELPER + "index.html")
        page.evaluate("dl => testDL(dl)", dl)
        # The checks the suite starts without waiting for them: done when no fetch is.
        for _ in range(100):  # none under way for a while, not just between two
            page.wait_for_function("() => window.ocopFetching === 0", timeout=60_000)
            page.wait_for_timeout(300)
            if page.evaluate("() => window.ocopFetching") == 0:
                break
        results = page.evaluate(
            "() => resultsArray.map(r => [r.id, r.status, r.test, String(r.msg)])")
        return {i: Verdict(status, test, msg) for i, status, test, msg in results}


def sample_links(built) -> list[tuple[str, dict]]:
    """The GS1 Digital Links the suite is run on: a GTIN and one of its lots, and a GTIN
    without lots; each with its product's linkset."""
    from site_builder.render.views import Urls

    runs = []
    with_lots = next(p for p in built.catalog.products if p.gtin and p.batches)
    without = next(p for p in built.catalog.products if p.gtin and not p.batches)
    for product in (with_lots, without):
        linkset = json.loads((built.site / Urls.linkset(product)).read_bytes())
        anchors = [level["anchor"] for level in linkset["linkset"]]
        runs += [(anchor, linkset) for anchor in anchors[:2]]
    return runs


@contextmanager
def conformance_lab(browser, server: str, site_url: str, folder: Path) -> Iterator[Lab]:
    """The suite ready to run against the server at ``server`` ('http://127.0.0.1:N/'),
    which answers for ``site_url``'s host. ``browser``: the session's Chromium (conftest),
    whose Playwright starts another with the address of the site mapped to the server."""
    needed(AJV)
    php = tool("php", "/usr/bin/php")
    host = urlsplit(site_url).hostname or ""
    ca, certificate, key = _certificate(folder, host)
    backend = urlsplit(server)
    front = _TlsFront((backend.hostname or "127.0.0.1", backend.port or 80), certificate, key)
    proxy, socks = _Proxy(host, front.port), _Socks(host, front.port)
    # PHP's curl takes the proxy from https_proxy and the CA from curl.cainfo; its streams
    # (get_headers, for the HTTP version) an HTTP proxy from a default context set before
    # tester.php runs.
    prepend = folder / "network.php"
    prepend.write_text(
        "<?php stream_context_set_default(['http' => ['proxy' => 'tcp://127.0.0.1:"
        f"{proxy.port}'], 'ssl' => ['cafile' => '{ca}']]);\n", encoding="utf-8")
    helper_dir = folder / "helper"
    (helper_dir / "gs1").mkdir(parents=True)
    shutil.copy2(SUITE / "tester.php", helper_dir / "gs1" / "tester.php")
    port = free_port()
    env = {**os.environ, "https_proxy": f"socks5h://127.0.0.1:{socks.port}", "no_proxy": ""}
    command = [php, "-d", f"curl.cainfo={ca}", "-d", f"openssl.cafile={ca}",
               "-d", f"auto_prepend_file={prepend}", "-S", f"127.0.0.1:{port}",
               "-t", str(helper_dir)]
    files = {"index.html": (PAGE.encode(), "text/html"),
             "ajv7.bundle.js": (AJV.read_bytes(), "text/javascript"),
             "GS1DigitalLinkToolkit.js": ((SUITE / "GS1DigitalLinkToolkit.js").read_bytes(),
                                          "text/javascript"),
             "GS1DigitalLinkResolverTestSuite.js": (
                 (SUITE / "GS1DigitalLinkResolverTestSuite.js").read_bytes(), "text/javascript")}
    downloads = {
        "https://ref.gs1.org/standards/resolver/description-file-schema":
            (SCHEMAS / "description-file-schema.json").read_bytes(),
        "https://gs1.github.io/linkset/gs1-linkset-schema.json":
            (SCHEMAS / "gs1-linkset-schema.json").read_bytes(),
        "https://ref.gs1.org/voc/data/linktypes": LINK_TYPES.read_bytes(),
    }
    try:
        with answering(command, port, cwd=folder, env=env, wait=30,
                       ready="/gs1/index.html") as helper:
            lab_browser = browser.browser_type.launch(executable_path=str(CHROMIUM), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                f"--host-resolver-rules=MAP {host} 127.0.0.1:{front.port}",
                # The site's address leads to this machine: Chromium would refuse a public
                # page's requests to it (Local and Private Network Access).
                "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,"
                "PrivateNetworkAccessRespectPreflightResults,PrivateNetworkAccessSendPreflights"])
            try:
                context = lab_browser.new_context(ignore_https_errors=True)
                context.add_init_script(COUNT_FETCHES)
                page = context.new_page()
                if os.environ.get("OCOP_GS1_SUITE_LOG"):
                    page.on("console", lambda m: print("console:", m.text[:300]))
                    page.on("requestfailed", lambda r: print("failed:", r.url, r.failure))

                def helper_route(route) -> None:
                    path = urlsplit(route.request.url).path.rsplit("/", 1)[-1]
                    if path in files:
                        data, kind = files[path]
                        route.fulfill(status=200, body=data, content_type=kind)
                    else:  # tester.php and its query, asked of PHP
                        local = helper.rstrip("/") + route.request.url[len("https://philarcher.org"):]
                        route.fulfill(response=route.fetch(url=local))

                def download(route) -> None:
                    data = downloads.get(route.request.url)
                    if data is None:
                        route.abort()
                    else:
                        route.fulfill(status=200, body=data, content_type="application/json",
                                      headers={"Access-Control-Allow-Origin": "*"})

                page.route(HELPER + "**", helper_route)
                for url in downloads:
                    page.route(url, download)
                yield Lab(page, helper)
            finally:
                lab_browser.close()
    finally:
        for listener in (front, proxy, socks):
            listener.close()


# The suite's checks that do not pass on any host, and why: deliberate, each said in the
# manual/operators.md, "GS1 resolver". Each is asserted as it is, so a change shows.
BY_DESIGN = {
    # A plain request gets the page at the GS1 address at once, as a consumer's phone should:
    # the default link is that page itself, so there is nothing to redirect to.
    "defaultTarget": "fail",
    # /01/<GTIN>/ is sent to /01/<GTIN> (301): the page's relative links need the address
    # without the slash. A SHOULD of the standard; linkset and link requests take the slash.
    "trailingSlash": "warn",
    # The suite looks for the query passed on by the plain request's redirect, and there is
    # none (link-type redirects pass it on: tests/publishing/resolver.py).
    "qsPassedOn": "warn",
}


def expected_link_checks(linkset: dict, dl: str) -> set[str]:
    """The ids of the suite's link-type checks for ``dl``: each type of its level and of the
    levels above (walking up), once per link where a type has several."""
    path = urlsplit(dl).path
    found: dict[str, int] = {}
    for level in reversed(linkset["linkset"]):  # the lots' own links first
        anchor = urlsplit(level["anchor"]).path
        if path == anchor or path.startswith(anchor + "/"):
            for name, links in level.items():
                if name.startswith("https://ref.gs1.org/voc/") and not name.endswith("defaultLink"):
                    found.setdefault(name.rsplit("/", 1)[1], len(links))
    return {f"loForgs1{name}" if n == 1 else f"loForgs1{name}{i}"
            for name, n in found.items() for i in range(n if n > 1 else 1)}


def suite_problems(lab: Lab, dl: str, linkset: dict, expected: dict[str, str]) -> list[str]:
    """What the suite's verdicts on ``dl`` say that ``expected`` (check id -> verdict, on top
    of BY_DESIGN; every other check: pass) does not; and the link-type checks that did not
    run (a linkset the suite could not read runs none)."""
    verdicts = lab.run(dl)
    wanted = {**BY_DESIGN, **expected}
    problems = [f"{dl}: {check} {v.status}, expected {wanted.get(check, 'pass')}: {v.msg}"
                for check, v in verdicts.items() if v.status != wanted.get(check, "pass")]
    missing = expected_link_checks(linkset, dl) - set(verdicts)
    if missing:
        problems.append(f"{dl}: the link checks {sorted(missing)} did not run")
    return problems
