"""Render the catalog into a site plan: pages for the site shell, and files written as they are.

Nothing here knows about MkDocs. A ``SitePage`` is a body of HTML with a title that the site
shell (Material for MkDocs today) wraps in its layout; a ``SiteFile`` is written byte for byte
(traceability pages, QR codes, photos). Every decision about status is taken in ``rules.py``
and turned into words in ``views.py``; templates only place them.

Most of the site is planned as ``Unit``s: the output of one product (its pages, photos, codes)
or of one listing page, with a key that digests everything it is made from. A unit whose key
is unchanged since the last build is not rendered again (see ``site_writer.py``).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    Template,
    select_autoescape,
)
from markupsafe import Markup

from .config import SiteConfig
from .i18n import Translator
from .media import photo_files, web_photo
from .model import Catalog, Product
from .places import Province, provinces
from .qr import qr_images
from .rules import Status
from .taxonomy import SECTORS, Sector
from .traceability import ITEMS, Completeness, all_completeness
from .views import ProductView, document_names, lot_view, product_view, urls


@dataclass(frozen=True)
class SitePage:
    url: str  # "san-pham/nho-thach-ba/" ("" for the home page)
    title: str
    description: str
    body: str
    in_nav: bool = False

    @property
    def src_uri(self) -> str:
        """The Markdown path MkDocs would have read this page from."""
        return (self.url + "index.md") if self.url else "index.md"


@dataclass(frozen=True)
class SiteFile:
    path: str  # "p/nho-thach-ba/index.html"
    data: bytes


@dataclass
class UnitOutput:
    pages: list[SitePage] = field(default_factory=list)  # filled into the site shell
    files: list[SiteFile] = field(default_factory=list)

    def add_page(self, page: SitePage) -> None:
        self.pages.append(page)

    def add_file(self, path: str, data: bytes) -> None:
        self.files.append(SiteFile(path, data))


@dataclass(frozen=True)
class Unit:
    """Output made only from known inputs, digested in ``key``; rendered when the key changes."""

    name: str  # "product:buoi-tan-trieu", "listing:tinh/khanh-hoa/2/"
    key: str
    render: Callable[[], UnitOutput]


@dataclass
class SitePlan:
    pages: list[SitePage] = field(default_factory=list)  # rendered by the site generator, in nav
    units: list[Unit] = field(default_factory=list)
    files: list[SiteFile] = field(default_factory=list)  # small files written every build

    def add_page(self, page: SitePage) -> None:
        self.pages.append(page)

    def add_file(self, path: str, data: bytes) -> None:
        self.files.append(SiteFile(path, data))

    @property
    def product_count(self) -> int:
        return sum(1 for unit in self.units if unit.name.startswith("product:"))


@lru_cache(maxsize=65536)
def relative(from_url: str, to: str) -> str:
    """A link from the page at ``from_url`` to the site path ``to``, relative like MkDocs's.

    A page address without a trailing slash ('01/0893...') lives in its parent folder, and a
    link to one must not gain a slash."""
    folder = from_url.rstrip("/") if from_url.endswith("/") else posixpath.dirname(from_url)
    if to.endswith("/") or to == "":
        target = posixpath.relpath(to or ".", folder or ".")
        return "./" if target == "." else target + "/"
    parent = posixpath.relpath(posixpath.dirname(to) or ".", folder or ".")
    name = posixpath.basename(to)
    return name if parent == "." else f"{parent}/{name}"


def script_json(value: object) -> Markup:
    """JSON safe to place inside a <script> element: no '<', '>' or '&' can end or break it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# GS1 application identifiers a traceability page shows when a scanned link carries them.
SHOWN_AIS = ("10", "11", "13", "15", "17", "21")


class Renderer:
    def __init__(self, config: SiteConfig, templates_dir: Path) -> None:
        self.config = config
        self.t = Translator("vi")
        bytecode = None
        if config.cache_dir is not None:
            (config.cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
            bytecode = FileSystemBytecodeCache(str(config.cache_dir / "jinja"))
        self.env = Environment(
            loader=FileSystemLoader(str(templates_dir)),
            bytecode_cache=bytecode,
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)
        self.env.filters["script_json"] = script_json
        self.templates: dict[str, Template] = {}

    def render(self, template: str, page_url: str, **context: object) -> str:
        def link(to: str) -> str:
            return relative(page_url, to)

        compiled = self.templates.get(template)
        if compiled is None:
            compiled = self.templates[template] = self.env.get_template(template)
        return compiled.render(
            t=self.t, link=link, urls=urls, config=self.config, Status=Status,
            ai_labels={ai: self.t(f"ai_{ai}") for ai in SHOWN_AIS}, **context
        )


LISTING_PAGE_SIZE = 60
_CODE = ("pages.py", "views.py", "media.py", "qr.py", "text.py", "i18n.py", "traceability.py",
         "rules.py", "shell.py")


def _digest(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def global_key(config: SiteConfig, templates_dir: Path) -> str:
    """Everything every unit depends on: code, templates, strings, settings and the day."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([here / name for name in _CODE] + list((here / "locales").glob("*.yml"))
                       + [p for p in templates_dir.rglob("*") if p.is_file()]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(repr((config.site_url, config.site_name, config.draft, config.sample_data,
                        config.rules, config.ocop_office, config.today())).encode())
    return digest.hexdigest()


def plan_site(catalog: Catalog, config: SiteConfig, templates_dir: Path) -> SitePlan:
    """Every page and file of the catalog, in a stable order; units are rendered on demand."""
    renderer = Renderer(config, templates_dir)
    day = config.today()
    base_key = global_key(config, templates_dir)
    views = [product_view(p, day, config, renderer.t) for p in catalog.products]
    views.sort(key=_catalog_order)
    keys = {v.product.id: _digest(base_key, catalog.digests.get(v.product.id, v.product))
            for v in views}
    photos = {v.product.id: _photo_links(v.product) for v in views}
    plan = SitePlan()
    for view in views:
        plan.units.append(Unit(f"product:{view.product.id}", keys[view.product.id],
                               partial(_product_unit, renderer, view, photos[view.product.id])))

    plan.add_page(_home(renderer, views, photos))
    _add_listing(plan, renderer, "san-pham/", renderer.t("catalog"), views, photos, keys,
                 first_in_nav=True)
    _add_groupings(plan, renderer, views, photos, keys)
    _add_completeness(plan, renderer, [v.product for v in views], keys)
    plan.add_file("404.html", renderer.render("not_found.html", "", absolute_base=_base_path(
        config.site_url)).encode("utf-8"))
    return plan


def _catalog_order(view: ProductView) -> tuple:
    """Certified products first, then by stars (5 first), then by name."""
    lapsed = 0 if view.status.status.shows_mark else 1
    return (lapsed, -(view.status.stars or 0), view.product.name.vi.casefold(), view.product.id)


def _photo_links(product: Product) -> list[dict[str, object]]:
    """What templates need to show a product's photos, known without opening them."""
    result = []
    for photo in product.photos:
        web = web_photo(photo)
        base = urls.media(product)
        result.append({
            "small": base + web.name(web.small),
            "large": base + web.name(web.large),
            "small_webp": base + web.name(web.small, "webp"),
            "large_webp": base + web.name(web.large, "webp"),
            "small_width": web.small,
            "large_width": web.large,
            "width": web.size[0],
            "height": web.size[1],
            "alt": photo.alt.vi,
        })
    return result


def _product_unit(renderer: Renderer, view: ProductView, photos: list) -> UnitOutput:
    """Everything published for one product: its page, traceability pages, photos and codes."""
    out = UnitOutput()
    product, config = view.product, renderer.config
    cache = config.cache_dir
    for photo in product.photos:
        for name, data in sorted(photo_files(photo, cache).items()):
            out.add_file(urls.media(product) + name, data)
    images = qr_images(view.trace_absolute_url, cache)
    out.add_file(urls.qr(product, "svg"), images.svg)
    out.add_file(urls.qr(product, "png"), images.png)
    url = urls.product(product)
    out.add_page(SitePage(url, product.name.vi, view.description,
                          renderer.render("product.html", url, v=view, photos=photos)))
    _add_trace_pages(out, renderer, view, photos)
    return out


def _home(renderer: Renderer, views: list[ProductView], photos: dict) -> SitePage:
    certified = [v for v in views if v.status.status.shows_mark]
    by_star = Counter(v.status.stars for v in certified)
    by_province = Counter(v.product.producer.province.code for v in certified)
    by_sector = Counter(v.product.product_set.sector.key for v in certified)
    lapsed = len(views) - len(certified)
    body = renderer.render(
        "home.html", "",
        five_star=[v for v in certified if v.status.stars == 5],
        featured=certified[:12],
        photos=photos,
        by_star=[(n, by_star.get(n, 0)) for n in (5, 4, 3)],
        by_province=[(p.name, urls.province(p), n) for p, n in sorted(
            ((provinces()[c], n) for c, n in by_province.items()),
            key=lambda item: (-item[1], item[0].short_name))],
        by_sector=[(SECTORS[k].name_vi, urls.sector(SECTORS[k]), by_sector[k])
                   for k in SECTORS if by_sector.get(k)],
        total=len(views), certified=len(certified), lapsed=lapsed,
    )
    return SitePage("", renderer.config.site_name, renderer.t("site_tagline"), body, in_nav=True)


def _add_listing(plan: SitePlan, renderer: Renderer, url: str, title: str,
                 views: list[ProductView], photos: dict, keys: dict[str, str],
                 first_in_nav: bool = False) -> None:
    """A listing of product cards, LISTING_PAGE_SIZE a page: ``url``, then ``url`` + '2/', ..."""
    t = renderer.t
    chunks = [views[i:i + LISTING_PAGE_SIZE] for i in range(0, len(views), LISTING_PAGE_SIZE)] or [[]]
    addresses = [url] + [f"{url}{n}/" for n in range(2, len(chunks) + 1)]
    for n, (chunk, address) in enumerate(zip(chunks, addresses, strict=True), start=1):
        pager = {"page": n, "pages": len(chunks), "total": len(views),
                 "prev": addresses[n - 2] if n > 1 else None,
                 "next": addresses[n] if n < len(chunks) else None}
        lead = t("products_count", count=len(views))
        page_title = title if n == 1 else t("page_title", title=title, page=n)

        in_nav = first_in_nav and n == 1

        def render(chunk=chunk, address=address, page_title=page_title, lead=lead,
                   pager=pager, in_nav=in_nav) -> SitePage:
            body = renderer.render("listing.html", address, title=page_title, lead=lead,
                                   views=chunk, photos=photos, pager=pager)
            return SitePage(address, page_title, lead, body, in_nav=in_nav)

        if in_nav:
            plan.add_page(render())
        else:
            plan.units.append(Unit(f"listing:{address}", _digest(
                "listing", address, page_title, pager, [keys[v.product.id] for v in chunk]),
                lambda render=render: UnitOutput(pages=[render()])))


def _add_groupings(plan: SitePlan, renderer: Renderer, views: list[ProductView],
                   photos: dict, keys: dict[str, str]) -> None:
    t = renderer.t
    by_province: dict[int, list[ProductView]] = {}
    by_sector: dict[str, list[ProductView]] = {}
    for view in views:
        by_province.setdefault(view.product.producer.province.code, []).append(view)
        by_sector.setdefault(view.product.product_set.sector.key, []).append(view)
    province_list: list[tuple[Province, list[ProductView]]] = sorted(
        ((provinces()[code], items) for code, items in by_province.items()),
        key=lambda item: item[0].short_name)
    sector_list: list[tuple[Sector, list[ProductView]]] = [
        (SECTORS[k], by_sector[k]) for k in SECTORS if k in by_sector]
    plan.add_page(SitePage("tinh/", t("provinces"), t("counts_by_province"), renderer.render(
        "groups.html", "tinh/", title=t("provinces"), groups=[
            (p.name, urls.province(p), items) for p, items in province_list]), in_nav=True))
    plan.add_page(SitePage("nganh/", t("sectors"), t("counts_by_sector"), renderer.render(
        "groups.html", "nganh/", title=t("sectors"), groups=[
            (s.name_vi, urls.sector(s), items) for s, items in sector_list]), in_nav=True))
    for province, items in province_list:
        _add_listing(plan, renderer, urls.province(province), province.name, items, photos, keys)
    for sector, items in sector_list:
        _add_listing(plan, renderer, urls.sector(sector), sector.name_vi, items, photos, keys)


def _base_path(site_url: str) -> str:
    """The path the site is published under ('/' or '/ocop/'), for pages served at any depth."""
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def _add_page_files(out: UnitOutput, url: str, render: Callable[[str], str]) -> None:
    """Write the page at ``url`` into each file that may answer it, each with links relative
    to where that file is served from."""
    for path in urls.files_for(url):
        served_at = url if path.endswith(".html") and not path.endswith("/index.html") else (
            path[: -len("index.html")])
        out.add_file(path, render(served_at).encode("utf-8"))


def _add_trace_pages(out: UnitOutput, renderer: Renderer, view: ProductView, photos: list) -> None:
    product, config = view.product, renderer.config
    domain = urlsplit(config.site_url).netloc or config.site_url
    lots = [lot_view(view, batch, config, renderer.t) for batch in product.batches]
    _add_page_files(out, urls.trace(product), lambda at: renderer.render(
        "trace.html", at, v=view, photos=photos, domain=domain, lots=lots))
    if urls.trace(product) != urls.short_trace(product):
        # Every product keeps its short address, so codes printed before it had a GTIN work.
        out.add_file(urls.short_trace(product) + "index.html", renderer.render(
            "moved.html", urls.short_trace(product), v=view, target=urls.trace(product)
        ).encode("utf-8"))
    for lot in lots:
        _add_page_files(out, lot.url, lambda at, lot=lot: renderer.render(
            "lot.html", at, v=view, lot=lot, photos=photos, domain=domain))
        for doc, name in zip(lot.batch.documents, document_names(lot.batch), strict=True):
            if doc.source is not None:
                out.add_file(urls.document(product, lot.batch, name), doc.source.read_bytes())


def _add_completeness(plan: SitePlan, renderer: Renderer, products: list[Product],
                      keys: dict[str, str]) -> None:
    """A staff page of Circular 02/2024 items: a summary by province, then one page each."""
    t = renderer.t
    rows = all_completeness(products)
    by_province: dict[int, list[Completeness]] = {}
    for row in rows:
        by_province.setdefault(row.product.producer.province.code, []).append(row)
    groups = sorted(((provinces()[code], items) for code, items in by_province.items()),
                    key=lambda item: item[0].short_name)
    summary = [(p, urls.completeness(p), len(items), sum(r.complete for r in items))
               for p, items in groups]
    url = urls.completeness()
    plan.add_page(SitePage(url, t("completeness_title"), t("completeness_lead"), renderer.render(
        "completeness.html", url, items=ITEMS, summary=summary, rows=None,
        complete=sum(r.complete for r in rows), total=len(rows)), in_nav=True))
    for province, items in groups:
        url = urls.completeness(province)

        def render(url=url, province=province, items=items) -> UnitOutput:
            return UnitOutput(pages=[SitePage(
                url, f"{t('completeness_title')}: {province.name}", t("completeness_lead"),
                renderer.render("completeness.html", url, items=ITEMS, summary=None, rows=items,
                                province=province, complete=sum(r.complete for r in items),
                                total=len(items)))])

        products_here = sorted({row.product.id for row in items})
        plan.units.append(Unit(f"completeness:{url}", _digest(
            "completeness", url, [keys[i] for i in products_here]), render))
