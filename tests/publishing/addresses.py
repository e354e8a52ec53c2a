"""Every address of a built site, and what it must answer: derived from the build, never a few
chosen by hand.

- every published file at its own path and at the page address it answers (``Urls.files_for``:
  ``x/index.html`` at ``/x/``, ``01/<GTIN>.html`` at ``/01/<GTIN>``, a flat ``p/<id>.html`` at
  ``/p/<id>/``); a folder page asked without its slash, and a GS1 page with one, redirected to
  the page, the query kept;
- every address a page or a data file names: links, images, forms, canonical and alternate
  addresses, the site addresses in JSON-LD, the sitemap, the feeds and the open data;
- every address a QR code or a stamp encodes (``paper.stamp_kit.plan_jobs``, and the code of
  every product and batch), asked as a GS1 Digital Link is, with ``?17=<expiry>``;
- the short stamp address ``/T/<CODE>/`` of every product and batch (``short_addresses``),
  which must answer with the page itself, at once, and without its slash be sent to it;
- the moved short address of every product that gained a GTIN, with and without its slash;
- unknown lots of every product, unknown products and GTINs, a malformed escape: the site's
  404 page with status 404; on a server that answers as a GS1 resolver and walks up the tree
  (``Resolver``), an unknown lot of a GTIN product is its product's page instead;
- the build's own files and the hosts' rule files: never served; nor the GS1 resolver's
  description file where the server does not claim to be one.

What a server answers as a GS1 resolver beyond these (linksets, link types, CORS) is asked by
``resolver.py``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from site_builder.config import SiteConfig
from site_builder.domain.gtin import gtin14
from site_builder.domain.model import Catalog
from site_builder.domain.stamp_codes import short_path
from site_builder.hosts import HOSTS, Redirect
from site_builder.output.writer import MANIFEST, Manifest
from site_builder.paper.stamp_kit import plan_jobs
from site_builder.publishing.cache_lives import published
from site_builder.render.linksets import DESCRIPTION_PATH as DESCRIPTION
from site_builder.render.views import Urls

EXPIRY = "270101"  # GS1 AI 17 of a code whose batch states no expiry date
UNKNOWN_LOT = "KHONGCO99"
TEXT_FILES = (".html", ".xml", ".atom", ".json", ".csv", ".geojson")


@dataclass(frozen=True)
class Resolver:
    """What a server claims of the GS1 resolver (manual/operators.md, "GS1 resolver"): the whole of it,
    unless a field says otherwise."""

    links: bool = True  # ?linkType=gs1:pip redirects to the link (else: 300 with the linkset)
    walks_up: bool = True  # a lot with no page: its product's page (else: 404)
    check_digits: bool = True  # a GTIN with a wrong check digit: 400 (else: 404, not known)
    description: bool = True  # serves /.well-known/gs1resolver


@dataclass(frozen=True)
class Built:
    """A site built for one host layout, published under ``base`` ('/' or '/ocop/')."""

    site: Path
    host: str
    base: str
    site_url: str
    moved: list[Redirect]
    catalog: Catalog
    config: SiteConfig


@dataclass(frozen=True)
class Expected:
    """What one request must get, after any redirects.

    ``file``: the site file whose bytes answer it (``404.html`` for status 404; for status 403,
    "never served", the file whose bytes must not be served); ``ends``: the paths the answer
    may come from (the asked path alone when it must answer at once); ``permanent``: its first
    answer must be a permanent redirect (a moved address)."""

    asked: str  # path from the server's root, with the query
    status: int  # 200, 404, or 403 for "never served" (403 or 404 then)
    file: str
    ends: frozenset[str]
    why: str
    permanent: bool = False
    malformed: bool = False  # an address no server can decode: 400 Bad Request is right too

    def __str__(self) -> str:
        return f"{self.asked} ({self.why})"

    @property
    def path(self) -> str:
        return self.asked.partition("?")[0]

    @property
    def query(self) -> str:
        return self.asked.partition("?")[2]


@dataclass
class _Table:
    """Site path (no leading slash) -> what it answers, built up from the manifest."""

    base: str
    answers: dict[str, Expected] = field(default_factory=dict)

    def add(self, path: str, file: str, ends: list[str], why: str, status: int = 200,
            query: str = "", permanent: bool = False) -> None:
        asked = self.base + path + (f"?{query}" if query else "")
        if asked not in self.answers:
            self.answers[asked] = Expected(asked, status, file,
                                           frozenset(self.base + e for e in ends), why,
                                           permanent, malformed="%" in path)

    def at(self, path: str) -> Expected | None:
        return self.answers.get(self.base + path)


def every_address(built: Built, resolver: Resolver | None = None) -> list[Expected]:
    """Every address of ``built`` and what it must answer, in a stable order; ``resolver``:
    what the server claims of the GS1 resolver, if anything."""
    manifest = Manifest.read(built.site)
    assert manifest is not None, f"{built.site}: no manifest"
    table = _Table(built.base)
    pages = _page_addresses(manifest, built)
    for file in sorted(manifest.all_files() | {MANIFEST}):
        if not (built.site / file).is_file():
            continue
        if not published(file) or (file == DESCRIPTION and not (resolver and resolver.description)):
            table.add(file, file, [file], "never served", status=403)
            continue
        _add_file(table, file, pages.get(file))
    _add_folder_forms(table, pages)
    if built.base != "/":  # the site's own root asked without its slash
        table.answers[built.base[:-1]] = Expected(built.base[:-1], 200, "index.html",
                                                  frozenset({built.base}), "the root, no slash")
    _add_encoded(table, built)
    _add_old_codes(table, built)
    _add_short(table, built)
    _add_moved(table, built)
    _add_named(table, built)
    _add_unknown(table, built, walks_up=bool(resolver and resolver.walks_up))
    return sorted(table.answers.values(), key=lambda e: e.asked)


def _page_addresses(manifest: Manifest, built: Built) -> dict[str, str]:
    """Page file -> the address it answers: the manifest's pages and the forwarding pages of
    moved addresses through ``Urls.files_for`` for this layout, and the pages MkDocs wrote
    (``x/index.html`` at ``x/``)."""
    layout = HOSTS[built.host]
    found: dict[str, str] = {}
    for url in [*manifest.page_urls(), *(move.source for move in built.moved)]:
        for file in Urls.files_for(url, layout):
            copy = file.endswith("/index.html") and not url.endswith("/")
            if (built.site / file).is_file():
                found[file] = file[: -len("index.html")] if copy else url
    for file in manifest.all_files():
        if file not in found and (file == "index.html" or file.endswith("/index.html")):
            found[file] = file[: -len("index.html")]
    return found


def _folder(path: str) -> str:
    return path.rpartition("/")[0]


_GS1_LOT = re.compile(r"^(?:[^/]+/)*01/\d{14}/10/[^/]+$")


def _add_file(table: _Table, file: str, address: str | None) -> None:
    if address is None:  # an HTML file at '/x.html' may be sent to '/x' (Cloudflare Pages)
        ends = [file, file[: -len(".html")]] if file.endswith(".html") else [file]
        table.add(file, file, ends, "a file of the site")
        return
    # At its own path too, where a page read there links the same (not a flat 'p/x.html',
    # whose links are relative to '/p/x/'), and where that path is not an address of its own
    # (a lot code may hold dots: '/01/<GTIN>/10/B2.html' is the page of lot 'B2.html'); a
    # host may redirect that path to the address.
    if _folder(file) == _folder(address) and not _GS1_LOT.match(address):
        table.add(file, file, [file, address], "a page file at its own path")
    table.add(address, file, [address], "a page at its address")


def _add_folder_forms(table: _Table, pages: dict[str, str]) -> None:
    """'/x' of a folder page sent to '/x/'; '/01/<GTIN>/' of a GS1 page sent to '/01/<GTIN>'."""
    for file, address in sorted(pages.items()):
        if address.endswith("/") and address != "":
            table.add(address[:-1], file, [address], "a folder page asked without its slash",
                      query="q=c%C3%A0+ph%C3%AA")
        elif address and not address.endswith("/") and table.at(address + "/") is None:
            table.add(address + "/", file, [address], "a GS1 page asked with a slash",
                      query=f"17={EXPIRY}")


def _encoded_addresses(built: Built) -> list[tuple[str, str]]:
    """(site path, expiry YYMMDD) of every address a QR code on the site or a stamp encodes."""
    urls = Urls("")
    found: list[tuple[str, str]] = []
    for product in built.catalog.products:
        found.append((urls.trace(product), EXPIRY))
        for batch in product.batches:
            expiry = batch.expires.strftime("%y%m%d") if batch.expires else EXPIRY
            found.append((urls.lot(product, batch), expiry))
    root = built.site_url
    for job in plan_jobs(built.catalog, built.config, [], None, []):
        assert job.url.startswith(root), job.url
        expiry = job.batch.expires.strftime("%y%m%d") if job.batch and job.batch.expires else EXPIRY
        found.append((job.url[len(root):], expiry))
    return found


def _add_encoded(table: _Table, built: Built) -> None:
    moved = {m.source for m in built.moved}
    for path, expiry in _encoded_addresses(built):
        known = table.at(path)
        if known is None:
            assert path in moved, f"a code encodes {path}, which the build does not answer"
            continue  # asked below, with the moved addresses
        table.add(path, known.file, [known.path[len(built.base):]], "an address a code encodes",
                  query=f"17={expiry}")


def _add_short(table: _Table, built: Built) -> None:
    """Each product's and batch's short stamp address answers at once with its page, whose
    canonical address is the long one."""
    length = built.config.short_addresses
    if not length:
        return
    urls = Urls("")
    for product in built.catalog.products:
        pages = [(None, urls.trace(product))] + [(b.lot, urls.lot(product, b))
                                                 for b in product.batches]
        for lot, long in pages:
            path = short_path(product.id, lot, length)
            page, target = table.at(path), table.at(long)
            assert page is not None, f"{path} ({product.id} {lot or ''}) is not published"
            assert target is not None, long
            text = (built.site / page.file).read_text(encoding="utf-8")
            assert f'<link rel="canonical" href="{built.site_url}{long}">' in text, page.file
            table.add(path, page.file, [path], "a short stamp address")


def _add_old_codes(table: _Table, built: Built) -> None:
    """The PNG code addresses the site had before it kept codes as SVG only: sent to the SVG
    where the host's rules can say so (``Host.qr_by_pattern``), else still files."""
    for product in built.catalog.products:
        png, svg = Urls.qr(product, "png"), Urls.qr(product, "svg")
        if table.at(png) is None:
            table.add(png, svg, [svg], "an old PNG code address", permanent=True)


def _add_moved(table: _Table, built: Built) -> None:
    """A moved short address answers with the GS1 page: by a permanent redirect where the host
    reads rules, else by its forwarding page (which sends the reader on, query and all)."""
    for move in built.moved:
        target = table.at(move.target)
        assert target is not None, move
        for asked in (move.source, move.source.rstrip("/")):
            page = table.at(asked)
            if page is not None and asked.endswith("/"):
                table.add(asked, page.file, [asked], "a forwarding page", query=f"17={EXPIRY}")
            elif table.at(move.source) is not None:  # '/p/x' of a forwarding page '/p/x/'
                continue
            else:
                table.add(asked, target.file, [move.target], "a moved address",
                          query=f"17={EXPIRY}", permanent=True)


_URL_IN_TEXT = r'{root}[^\s"\'<>\\),]*'


def _named_urls(built: Built, file: str, address: str | None) -> set[str]:
    """Absolute addresses the file at ``file`` names: its links, images and forms resolved
    against the address it is served at, and the site's absolute addresses in its text."""
    text = (built.site / file).read_text(encoding="utf-8")
    found = set()
    root = built.site_url
    for match in re.finditer(_URL_IN_TEXT.format(root=re.escape(root)), html.unescape(text)):
        found.add(match.group(0))
    if file.endswith(".html") and file != "404.html" and address is not None:
        served_at = root + address
        for link in _Links.of(text):
            found.add(urljoin(served_at, link))
    return {url.partition("#")[0] for url in found if url.startswith(root)}


def _add_named(table: _Table, built: Built) -> None:
    manifest = Manifest.read(built.site)
    assert manifest is not None
    pages = _page_addresses(manifest, built)
    named: dict[str, str] = {}
    for file in sorted(manifest.all_files()):
        if file.endswith(TEXT_FILES) and published(file) and (built.site / file).is_file():
            for url in _named_urls(built, file, pages.get(file, file)):
                named.setdefault(url, file)
    root = urlsplit(built.site_url).path
    for url, source in sorted(named.items()):
        parts = urlsplit(url)
        path = parts.path[len(root):]
        known = table.at(path)
        assert known is not None, f"{source} names {url}, which the build does not answer"
        if parts.query:
            table.add(path, known.file, [e[len(built.base):] for e in known.ends],
                      f"named by {source}", status=known.status, query=parts.query,
                      permanent=known.permanent)


def _add_unknown(table: _Table, built: Built, walks_up: bool) -> None:
    """Addresses the build has no page for. A GS1 resolver that walks up the tree answers an
    unknown lot of a known GTIN with its product's page (a redirect, the query kept)."""
    urls, english = Urls(""), Urls("en/")
    missing = [
        "khong-co-trang-nay", "khong-co-trang-nay/", "p/khong-co-san-pham/",
        "san-pham/khong-co-san-pham/", "01/00000000000000", "01/00000000000000/10/L1",
        "qr/khong-co-san-pham.svg", f"01/08936058120082/10/{UNKNOWN_LOT}/%E0%A4%A",
    ]
    for product in built.catalog.products:
        if product.gtin:
            gtin = gtin14(product.gtin)
            unknown = [f"01/{gtin}/10/{UNKNOWN_LOT}", f"01/{gtin}/10/{UNKNOWN_LOT}/"]
            if walks_up:
                page = table.at(urls.trace(product))
                assert page is not None, product.id
                for path in unknown:
                    table.add(path, page.file, [urls.trace(product)], "an unknown lot, walked up",
                              query=f"17={EXPIRY}")
            else:
                missing += unknown
            missing.append(f"en/01/{gtin}/10/{UNKNOWN_LOT}/")
        else:
            missing += [urls.short_trace(product) + UNKNOWN_LOT + "/",
                        english.short_trace(product) + UNKNOWN_LOT + "/"]
    for path in missing:
        ends = [path, path.rstrip("/"), path + "/" if not path.endswith("/") else path]
        if "%" in path:  # a malformed escape: a host may send it on with the '%' escaped
            ends.append(path.replace("%", "%25"))
        table.add(path, "404.html", ends, "an unknown address", status=404,
                  query=f"17={EXPIRY}" if "/10/" in path and "%" not in path else "")


class _Links(HTMLParser):
    """The addresses a page links to or loads: href, src, srcset, a form's action, and the
    address a refresh sends the reader to."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "action"):
            if values.get(name):
                self.links.append(values[name] or "")
        for entry in (values.get("srcset") or "").split(","):
            if entry.strip():
                self.links.append(entry.split()[0])
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            target = re.search(r"url=(.+)$", values.get("content") or "", re.I)
            if target:
                self.links.append(target.group(1).strip())

    @classmethod
    def of(cls, text: str) -> list[str]:
        parser = cls()
        parser.feed(text)
        return [link for link in parser.links
                if not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", link) or
                link.startswith(("http://", "https://"))]
