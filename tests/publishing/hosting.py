"""What the publishing tests share: the sample site built for a host, the shipped edge code run
with node, and local servers that behave like the hosts (S3 website hosting behind CloudFront).

Sites are built once per test session and host, like ``conftest.sample_site``.
"""

from __future__ import annotations

import hashlib
import http.client
import http.server
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import AS_OF, REPO, SITE_URL, annex_record, record, write_mkdocs_config, write_record
from static_host import running

from site_builder.output.hosts import HOSTS, Redirect
from site_builder.publishing.content_types import upload_type
from site_builder.publishing.rules import RULES_FILE, rule_files
from site_builder.render.views import Urls

DEPLOY = REPO / "deploy"
EDGE = Path(__file__).with_name("edge.js")
_BUILT: dict[str, tuple[Path, list[Redirect]]] = {}


def tool(name: str, *candidates: str) -> str:
    """A program the tests run: skipped where it is missing on a developer machine, a failure
    in CI (which installs it)."""
    found = shutil.which(name) or next((c for c in candidates if Path(c).is_file()), None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is missing; .ci/run installs it")
    pytest.skip(f"{name} is not installed (CI installs it)")


def site_for_host(tmp_path_factory: pytest.TempPathFactory, host: str) -> tuple[Path, list[Redirect]]:
    """The bundled sample built as of 22 November 2026 with ``host`` in mkdocs.yml, and the
    moved addresses of its products (short address -> GS1 page)."""
    if host not in _BUILT:
        from site_builder.mkdocs.build import build_site, load_site_config
        from site_builder.records.validate import load_catalog

        root = tmp_path_factory.mktemp(f"site-{host}")
        shutil.copytree(REPO / "products", root / "products")
        config = write_mkdocs_config(root, root / "products", SITE_URL, sample_data=True)
        settings = yaml.safe_load(config.read_text(encoding="utf-8"))
        settings["plugins"][0]["ocop"]["host"] = host
        config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        site = build_site(config, as_of=AS_OF).site_dir
        catalog, _ = load_catalog(load_site_config(config, AS_OF))
        urls = Urls("")
        moved = [Redirect(urls.short_trace(p), urls.trace(p)) for p in catalog.products
                 if urls.short_trace(p) != urls.trace(p)]
        name = RULES_FILE.get(host)
        if name and not (site / name).exists():  # until the build writes the host's rules
            for path, data in rule_files(HOSTS[host], moved).items():
                (site / path).write_bytes(data)
        _BUILT[host] = (site, moved)
    return _BUILT[host]


def small_catalog(folder: Path) -> Path:
    """Two products (the base record and the bare annex one) built as of 22 November 2026 into
    ``folder``/site; returns the mkdocs.yml."""
    from site_builder.mkdocs.build import build_site

    write_record(folder / "products", record())
    write_record(folder / "products", annex_record())
    config = write_mkdocs_config(folder, folder / "products")
    build_site(config, as_of=AS_OF)
    return config


def run_edge(kind: str, file: Path, payload: dict) -> list[dict]:
    """What the shipped edge code answers to ``payload['requests']`` (one node process)."""
    node = tool("node", "/usr/bin/node")
    done = subprocess.run([node, str(EDGE), kind, str(file)], input=json.dumps(payload),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


def get(base: str, target: str, headers: dict[str, str] | None = None,
        method: str = "GET") -> Answer:
    """One request, no redirect followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                      response.read())
    finally:
        connection.close()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# S3 static website hosting, and CloudFront in front of it.

@dataclass(frozen=True)
class StoredObject:
    file: Path
    content_type: str | None  # None: S3 stores binary/octet-stream


def upload(site: Path, prefix: str = "",
           content_type: Callable[[str], str | None] = upload_type) -> dict[str, StoredObject]:
    """The bucket after ``aws s3 sync site/ s3://bucket/<prefix>`` (object key -> object), the
    type of each chosen at upload as the CLI does."""
    bucket = {}
    for file in sorted(site.rglob("*")):
        if file.is_file():
            key = prefix + file.relative_to(site).as_posix()
            bucket[key] = StoredObject(file, content_type(key))
    return bucket


def s3_website(bucket: dict[str, StoredObject], path: str, error_key: str) -> Answer:
    """What S3's website endpoint answers for ``path``: the object; a folder asked without its
    slash redirected (302) to it when it has an index document; else the error document, 404."""
    key = unquote(path.lstrip("/"))
    if key == "" or key.endswith("/"):
        key += "index.html"
    found = bucket.get(key)
    if found is not None:
        data = found.file.read_bytes()
        return Answer(200, {"content-type": found.content_type or "binary/octet-stream",
                            "etag": f'"{hashlib.md5(data).hexdigest()}"'}, data)
    if key + "/index.html" in bucket:
        return Answer(302, {"location": "/" + key + "/"}, b"")
    page = bucket[error_key]
    return Answer(404, {"content-type": page.content_type or "text/html"}, page.file.read_bytes())


class _Handler(http.server.BaseHTTPRequestHandler):
    answer: Callable[[str, str], Answer]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep tests quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        parts = urlsplit(self.path)
        found = type(self).answer(parts.path, parts.query)
        self.send_response(found.status)
        for name, value in found.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(found.body)))
        self.end_headers()
        self.wfile.write(found.body)


@contextmanager
def serve(answer: Callable[[str, str], Answer]) -> Iterator[str]:
    """A local server answering each (path, query) with ``answer``; yields its base address."""
    handler = type("Handler", (_Handler,), {"answer": staticmethod(answer)})
    with running(handler) as base:
        yield base


def sample(site: Path, moved: list) -> dict[str, str]:
    """Addresses of a built sample site, by what they are: a GS1 page with batches and one of
    its lots, a product page, its QR code (without extension) and a moved short address."""
    lot = sorted(site.glob("01/*/10/*.html"))[0].relative_to(site).as_posix()[: -len(".html")]
    product = sorted(p.parent.name for p in site.glob("san-pham/*/index.html"))[0]
    return {"gtin": "/" + "/".join(lot.split("/")[:2]), "lot": "/" + lot,
            "product": f"/san-pham/{product}/", "qr": f"/qr/{product}",
            "moved": "/" + moved[0].source, "moved_to": "/" + moved[0].target}


def cloudfront(function_results: dict[tuple[str, str], dict],
               origin: Callable[[str, str], Answer]) -> Callable[[str, str], Answer]:
    """CloudFront with the viewer-request function: its answer (a redirect) when it gives one,
    else the origin's answer to the request it rewrote. ``function_results``: what the real
    function answered to each (uri, query), worked out by node beforehand."""
    def answer(path: str, query: str) -> Answer:
        result = function_results.get((path, query))
        if result is None:
            return Answer(500, {}, f"no function result for {path}?{query}".encode())
        if "status" in result:
            return Answer(result["status"], result["headers"], b"")
        return origin(result["uri"], result["query"])
    return answer
