"""Ask a running server every address of a built site (``addresses.every_address``), in
parallel, following redirects, and list what it answered wrong: the status, where the answer
ended up, whether the query string survived each redirect, the bytes, the Content-Type and the
Cache-Control (``publishing/cache_lives.py``)."""

from __future__ import annotations

import hashlib
import http.client
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qsl, urljoin, urlsplit

from addresses import Built, Expected, Resolver, every_address

from site_builder.publishing.cache_lives import cache_control
from site_builder.publishing.content_types import acceptable

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
MOST_HOPS = 5

T = TypeVar("T")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class Report:
    server: str
    asked: int
    problems: list[str]
    seconds: float

    def __str__(self) -> str:
        shown = "\n".join(self.problems[:60])
        more = f"\n... and {len(self.problems) - 60} more" if len(self.problems) > 60 else ""
        return (f"{self.server}: {len(self.problems)} of {self.asked} addresses answered "
                f"wrong:\n{shown}{more}")


class Client:
    """One keep-alive connection per thread to one server; no redirect followed."""

    def __init__(self, base_url: str, host_header: str | None = None) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.host_header = host_header
        self.local = threading.local()

    def send(self, method: str, target: str,
             headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        """The status, the headers as sent (names in lower case, in order) and the body."""
        headers = {**headers, "Host": self.host_header} if self.host_header else headers
        for attempt in (1, 2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.local.connection = connection
            try:
                connection.request(method, target, headers=headers)
                response = connection.getresponse()
                body = response.read()
                sent = [(name.lower(), value) for name, value in response.getheaders()]
                if response.will_close:
                    connection.close()
                    self.local.connection = None
                return response.status, sent, body
            except (ConnectionError, http.client.HTTPException, OSError):
                connection.close()
                self.local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, target: str) -> Answer:
        status, headers, body = self.send("GET", target, {})
        return Answer(status, dict(headers), body)


def run_checks(server: str, items: Sequence[T], check: Callable[[T], list[str]],
               workers: int) -> Report:
    """``check`` of every item, ``workers`` at a time: each problem it finds, after the item's
    name (``str(item)``); a server that does not answer is a problem too."""
    started = time.monotonic()

    def one(item: T) -> list[str]:
        try:
            found = check(item)
        except (OSError, http.client.HTTPException) as error:
            found = [f"no answer: {error}"]
        return [f"{item}: {problem}" for problem in found]

    with ThreadPoolExecutor(workers) as pool:
        problems = [p for found in pool.map(one, items) for p in found]
    return Report(server, len(items), problems, time.monotonic() - started)


def _pairs(query: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(query, keep_blank_values=True))


class _Digests:
    def __init__(self, site: Path) -> None:
        self.site = site
        self.found: dict[str, str] = {}
        self.lock = threading.Lock()

    def __call__(self, file: str) -> str:
        with self.lock:
            if file not in self.found:
                self.found[file] = hashlib.sha256((self.site / file).read_bytes()).hexdigest()
            return self.found[file]


def _check_one(client: Client, origin: str, expected: Expected, digest: _Digests,
               cache_lives: bool, site: str) -> list[str]:
    """``site``: the origin of the site's own address (https://ocop.khanhhoa.gov.vn), which a
    GS1 resolver's redirects name: the server under test answers for it."""
    url, hops = origin + expected.asked, []
    answer = client.get(expected.asked)
    while answer.status in REDIRECTS and len(hops) < MOST_HOPS:
        location = answer.headers.get("location", "")
        hops.append((answer.status, location))
        url = urljoin(url, location)
        if url.startswith(site + "/"):
            url = origin + url[len(site):]
        if not url.startswith(origin + "/"):
            return [f"{answer.status} to another site: {location}"]
        parts = urlsplit(url)
        answer = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    chain = " -> ".join(f"{status} {location}" for status, location in hops)
    problems = []
    if expected.status == 403:  # never served: any error (refused, not found), never the file
        if answer.status < 400 or hops or (
                hashlib.sha256(answer.body).hexdigest() == digest(expected.file)):
            problems.append(f"served ({chain or answer.status}), must be refused or 404")
        return problems
    if expected.malformed and answer.status == 400 and not hops:
        return problems
    if answer.status != expected.status:
        return [f"status {answer.status} (after {chain or 'no redirect'}), expected "
                f"{expected.status}"]
    final = urlsplit(url)
    if final.path not in expected.ends:
        problems.append(f"ended at {final.path} (after {chain or 'no redirect'}), expected "
                        f"{' or '.join(sorted(expected.ends))}")
    if _pairs(final.query) != _pairs(expected.query):
        problems.append(f"query {expected.query!r} became {final.query!r} ({chain})")
    if any(status not in (301, 307, 308) for status, _ in hops):
        problems.append(f"a redirect neither permanent nor one that keeps the method: {chain}")
    if expected.permanent and (not hops or hops[0][0] not in PERMANENT):
        problems.append(f"not a permanent redirect: {chain or answer.status}")
    if hashlib.sha256(answer.body).hexdigest() != digest(expected.file):
        problems.append(f"the body is not {expected.file} ({len(answer.body)} bytes)")
    content_type = answer.headers.get("content-type")
    if not acceptable(expected.file, content_type):
        problems.append(f"Content-Type {content_type!r} for {expected.file}")
    # A platform may answer a missing address with 'no-store' whatever the site says (Pages).
    kept = answer.headers.get("cache-control")
    if cache_lives and kept != cache_control(expected.file) and not (
            answer.status == 404 and kept == "no-store"):
        problems.append(f"Cache-Control {answer.headers.get('cache-control')!r}, expected "
                        f"{cache_control(expected.file)!r}")
    return problems


def check_every_address(server: str, base_url: str, built: Built, *, cache_lives: bool = True,
                        workers: int = 8, host_header: str | None = None,
                        resolver: Resolver | None = None) -> Report:
    """Every address of ``built`` asked of the server at ``base_url`` ('http://127.0.0.1:N');
    ``resolver``: what the server claims of the GS1 resolver."""
    expected = every_address(built, resolver)
    client = Client(base_url, host_header)
    origin = f"http://{host_header}" if host_header else base_url.rstrip("/")
    site = "{0.scheme}://{0.netloc}".format(urlsplit(built.site_url))
    digest = _Digests(built.site)
    return run_checks(server, expected,
                      lambda one: _check_one(client, origin, one, digest, cache_lives, site),
                      workers)
