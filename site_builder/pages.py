"""Render the catalog into a site plan: pages for the site shell, and files written as they are.

Nothing here knows about MkDocs. A ``SitePage`` is a body of HTML with a title that the site
shell (Material for MkDocs today) wraps in its layout; a ``SiteFile`` is written byte for byte
(traceability pages, QR codes, photos). Every decision about status is taken in ``rules.py``
and turned into words in ``views.py``; templates only place them.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .config import SiteConfig
from .i18n import Translator
from .media import web_photo
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
class SitePlan:
    pages: list[SitePage] = field(default_factory=list)
    files: list[SiteFile] = field(default_factory=list)

    def add_page(self, page: SitePage) -> None:
        self.pages.append(page)

    def add_file(self, path: str, data: bytes) -> None:
        self.files.append(SiteFile(path, data))


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
        self.env = Environment(
            loader=FileSystemLoader(str(templates_dir)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)
        self.env.filters["script_json"] = script_json

    def render(self, template: str, page_url: str, **context: object) -> str:
        def link(to: str) -> str:
            return relative(page_url, to)

        return self.env.get_template(template).render(
            t=self.t, link=link, urls=urls, config=self.config, Status=Status,
            ai_labels={ai: self.t(f"ai_{ai}") for ai in SHOWN_AIS}, **context
        )


def plan_site(catalog: Catalog, config: SiteConfig, templates_dir: Path) -> SitePlan:
    """Every page and file of the catalog, in a stable order."""
    renderer = Renderer(config, templates_dir)
    day = config.today()
    views = [product_view(p, day, config, renderer.t) for p in catalog.products]
    views.sort(key=_catalog_order)
    plan = SitePlan()
    cache = config.cache_dir
    photo_urls: dict[str, list[dict[str, object]]] = {}
    for view in views:
        photo_urls[view.product.id] = _add_photos(plan, view.product, cache)
        _add_qr(plan, view, config)

    plan.add_page(_home(renderer, views, photo_urls))
    plan.add_page(_listing(renderer, "san-pham/", renderer.t("catalog"),
                           renderer.t("catalog_lead", count=len(views)), views, photo_urls,
                           in_nav=True))
    _add_groupings(plan, renderer, views, photo_urls)
    for view in views:
        photos = photo_urls[view.product.id]
        plan.add_page(_product_page(renderer, view, photos))
        _add_trace_pages(plan, renderer, view, photos)
    _add_completeness(plan, renderer, [v.product for v in views])
    plan.add_file("404.html", renderer.render("not_found.html", "", absolute_base=_base_path(
        config.site_url)).encode("utf-8"))
    return plan


def _catalog_order(view: ProductView) -> tuple:
    """Certified products first, then by stars (5 first), then by name."""
    lapsed = 0 if view.status.status.shows_mark else 1
    return (lapsed, -(view.status.stars or 0), view.product.name.vi.casefold(), view.product.id)


def _add_photos(plan: SitePlan, product: Product, cache: Path | None) -> list[dict[str, object]]:
    result = []
    for photo in product.photos:
        web = web_photo(photo, cache / "photos" if cache else None)
        base = urls.media(product)
        for name, data in sorted(web.files.items()):
            plan.add_file(base + name, data)
        result.append({
            "small": base + web.name(480),
            "large": base + web.name(960),
            "small_webp": base + web.name(480, "webp"),
            "large_webp": base + web.name(960, "webp"),
            "width": web.width,
            "height": web.height,
            "alt": photo.alt.vi,
        })
    return result


def _add_qr(plan: SitePlan, view: ProductView, config: SiteConfig) -> None:
    images = qr_images(view.trace_absolute_url, config.cache_dir / "qr" if config.cache_dir else None)
    plan.add_file(urls.qr(view.product, "svg"), images.svg)
    plan.add_file(urls.qr(view.product, "png"), images.png)


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


def _listing(renderer: Renderer, url: str, title: str, lead: str, views: list[ProductView],
             photos: dict, in_nav: bool = False) -> SitePage:
    body = renderer.render("listing.html", url, title=title, lead=lead, views=views,
                           photos=photos)
    return SitePage(url, title, lead, body, in_nav=in_nav)


def _add_groupings(plan: SitePlan, renderer: Renderer, views: list[ProductView],
                   photos: dict) -> None:
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
        plan.add_page(_listing(renderer, urls.province(province), province.name,
                               t("products_count", count=len(items)), items, photos))
    for sector, items in sector_list:
        plan.add_page(_listing(renderer, urls.sector(sector), sector.name_vi,
                               t("products_count", count=len(items)), items, photos))


def _product_page(renderer: Renderer, view: ProductView, photos: list) -> SitePage:
    url = urls.product(view.product)
    body = renderer.render("product.html", url, v=view, photos=photos)
    return SitePage(url, view.product.name.vi, view.description, body)


def _base_path(site_url: str) -> str:
    """The path the site is published under ('/' or '/ocop/'), for pages served at any depth."""
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def _add_page_files(plan: SitePlan, url: str, render: Callable[[str], str]) -> None:
    """Write the page at ``url`` into each file that may answer it, each with links relative
    to where that file is served from."""
    for path in urls.files_for(url):
        served_at = url if path.endswith(".html") and not path.endswith("/index.html") else (
            path[: -len("index.html")])
        plan.add_file(path, render(served_at).encode("utf-8"))


def _add_trace_pages(plan: SitePlan, renderer: Renderer, view: ProductView, photos: list) -> None:
    product, config = view.product, renderer.config
    domain = urlsplit(config.site_url).netloc or config.site_url
    lots = [lot_view(view, batch, config, renderer.t) for batch in product.batches]
    _add_page_files(plan, urls.trace(product), lambda at: renderer.render(
        "trace.html", at, v=view, photos=photos, domain=domain, lots=lots))
    if urls.trace(product) != urls.short_trace(product):
        # Every product keeps its short address, so codes printed before it had a GTIN work.
        plan.add_file(urls.short_trace(product) + "index.html", renderer.render(
            "moved.html", urls.short_trace(product), v=view, target=urls.trace(product)
        ).encode("utf-8"))
    for lot in lots:
        _add_page_files(plan, lot.url, lambda at, lot=lot: renderer.render(
            "lot.html", at, v=view, lot=lot, photos=photos, domain=domain))
        for doc, name in zip(lot.batch.documents, document_names(lot.batch), strict=True):
            if doc.source is not None:
                plan.add_file(urls.document(product, lot.batch, name), doc.source.read_bytes())


def _add_completeness(plan: SitePlan, renderer: Renderer, products: list[Product]) -> None:
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
        plan.add_page(SitePage(url, f"{t('completeness_title')}: {province.name}",
                               t("completeness_lead"), renderer.render(
            "completeness.html", url, items=ITEMS, summary=None, rows=items, province=province,
            complete=sum(r.complete for r in items), total=len(items))))
