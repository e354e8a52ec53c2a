"""Plan the catalog into a site: which units there are, what each is keyed on and what it
renders, pages for the site shell and files written as they are.

Nothing here knows about MkDocs. A ``SitePage`` (render/html.py) is a body of HTML with a title
that the site shell wraps in its layout; a ``SiteFile`` (output/units.py) is written byte for
byte (traceability pages, QR codes, photos). Every decision about status is taken in
``domain/rules.py`` and turned into words in ``render/views.py``; the templates
(``render/templates.py``) only place them. A unit whose key is unchanged since the last build is
not rendered again (see ``output/writer.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, partial
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import escape

from site_builder.assets.badge import HEIGHT as BADGE_HEIGHT
from site_builder.assets.badge import WIDTH as BADGE_WIDTH
from site_builder.assets.badge import badge_svg
from site_builder.assets.favicon import DATA_URI as FAVICON_DATA_URI
from site_builder.assets.favicon import favicon_ico
from site_builder.assets.media import SQUARE, DecodedPhoto, photo_files, web_photo
from site_builder.assets.qr import qr_png_file, qr_svg_file
from site_builder.assets.share_image import card_size, share_files
from site_builder.config import SiteConfig
from site_builder.domain.model import Catalog, Product
from site_builder.domain.places import Province, provinces
from site_builder.domain.rules import Status, lot_unchanged_since, unchanged_since
from site_builder.domain.stamp_codes import short_path
from site_builder.domain.taxonomy import BROWSED_SECTORS, Sector
from site_builder.domain.traceability import ITEMS, Completeness, all_completeness
from site_builder.hosts import Host, Redirect
from site_builder.output.keys import digest, global_key, listed_key
from site_builder.output.listing_pages import listing_pages, page_addresses
from site_builder.output.units import SiteFile, SitePlan, Unit, UnitOutput
from site_builder.records.cache import lot_digests, summary_digest, traced_digest, unpacked
from site_builder.render.facets import SORTS, facets, home_charts
from site_builder.render.html import SitePage, meta_tags
from site_builder.render.linksets import (
    DESCRIPTION_PATH,
    description_json,
    linkset_json,
    master_data_json,
)
from site_builder.render.open_data import (
    DATA_DIR,
    FIELDS,
    atom_feed,
    places_geojson,
    products_csv,
    products_json,
    schema_json,
)
from site_builder.render.search_index import build_search_index
from site_builder.render.templates import Languages, Renderer, SharedParts
from site_builder.render.views import (
    LotView,
    ProductView,
    Urls,
    document_names,
    lot_view,
    product_metadata,
    product_view,
)

Whole = Callable[[Product], Product]  # reads a lean product whole (``Catalog.whole``)


def plan_site(catalog: Catalog, config: SiteConfig, templates_dir: Path,
              by_rule: Callable[[list[Redirect]], bool] | None = None) -> SitePlan:
    """Every page and file of the catalog, in a stable order; units are rendered on demand.

    ``by_rule``: whether the host's rules file answers the moved addresses (then no forwarding
    pages are written); by default, whether the host takes that many rules."""
    languages = Languages(config, templates_dir, icon=FAVICON_DATA_URI)
    first = languages.first
    day = config.today()
    base_key = global_key(config, templates_dir)
    views = [product_view(p, unchanged_since(p, day, config.rules), config, first.t)
             for p in catalog.products]
    views.sort(key=_catalog_order)
    # The same products worded for each language, in the same order.
    worded = {r.lang: views if r is first else [v.in_language(r.t, r.urls) for v in views]
              for r in languages.renderers}
    photos = {v.product.id: photo_links(v.product) for v in views}
    plan = SitePlan()
    plan.moved = _moved_addresses(views, first.urls)
    host = config.host
    plan.moved_by_rule = (by_rule(plan.moved) if by_rule is not None
                          else host.forwards_by_rule(len(plan.moved)))
    forwarding_pages = not plan.moved_by_rule  # in each product's key: all rules or all pages
    summaries = {v.product.id: catalog.summaries.get(v.product.id) or summary_digest(v.product)
                 for v in views}
    plan.base_key, plan.since = base_key, {v.product.id: v.day for v in views}
    whole = catalog.whole
    for i, view in enumerate(views):
        plan.units.extend(product_units(
            languages, [worded[r.lang][i] for r in languages.renderers], photos[view.product.id],
            catalog.digests.get(view.product.id, view.product), base_key,
            summaries[view.product.id], catalog.lots.get(view.product.id), forwarding_pages,
            whole))
    # Listings, summaries and open data show no story and no batch: they are keyed on the rest
    # of each product, so a story edit or a new lot re-renders the product's own pages only.
    listed = {v.product.id: listed_key(base_key, summaries[v.product.id], v.day) for v in views}
    plan.listed = listed
    every_product = digest("catalog", [listed[v.product.id] for v in views])
    traced = Traced.of([v.product for v in views], listed, catalog.traced, whole, catalog.rows)
    for renderer in languages.renderers:
        site = LanguageSite(plan, languages, renderer, worded[renderer.lang], photos, listed,
                             every_product)
        site.home()
        site.listing(lambda u: u.catalog(), renderer.t("catalog"), site.views, in_nav=True)
        site.groupings()
        site.star_listings()
        site.completeness(traced)
        site.open_data()
    plan.units.append(Unit("data:open", digest("open data", every_product, config.data_licence,
                                                day),
                           partial(_open_data_unit, languages, worded)))
    indexed = [(r.lang, worded[r.lang]) for r in languages.renderers]
    # The index holds what listings show (no story), so it changes exactly when they do.
    plan.units.append(Unit("search:index", digest("search", every_product),
                           partial(_search_unit, indexed, photos)))
    plan.add_file("favicon.ico", favicon_ico())  # browsers ask every host for it
    if host.resolver:
        plan.add_file(DESCRIPTION_PATH, description_json(config))
    plan.add_file("404.html", first.render("not_found.html", "", absolute_base=base_path(
        config.site_url), others=[(r.t, r.urls) for r in languages.renderers[1:]]).encode("utf-8"))
    return plan


def product_units(languages: Languages, views: list[ProductView], photos: list,
                  fingerprint: object, base_key: str, summary: str,
                  lots: bytes | None, forwarding_pages: bool,
                  whole: Whole | None = None) -> list[Unit]:
    """A product's own units: its pages, pictures and codes (keyed on everything its record
    and files hold, ``fingerprint``), then one per batch (``lot_units``). ``views``: the
    product in each language, its status as of the day it last changed. ``whole``: reads
    the product whole when it is rendered, if the views hold it lean (``Catalog.whole``)."""
    first = views[0]
    key = digest(digest(base_key, fingerprint, first.day), forwarding_pages)
    return [Unit(f"product:{first.product.id}", key,
                 partial(_product_unit, languages, views, photos, forwarding_pages, whole)),
            *lot_units(languages, first.product, base_key, summary, lots, photos, whole)]


def _badge_snippet(view: ProductView) -> dict[str, str]:
    """The badge and the HTML a producer pastes to show it, linking to the permanent page."""
    config, product = view.config, view.product
    image = config.absolute_url(Urls.badge(product))
    page = config.absolute_url(view.urls.product(product))
    alt = f"{view.name}: {view.status_short}"
    code = (f'<a href="{escape(page)}"><img src="{escape(image)}" alt="{escape(alt)}" '
            f'width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}"></a>')
    return {"src": Urls.badge(product), "code": code, "alt": alt,
            "width": str(BADGE_WIDTH), "height": str(BADGE_HEIGHT)}


def _open_data_unit(languages: Languages, worded: dict[str, list[ProductView]]) -> UnitOutput:
    config = languages.first.config
    views = worded[languages.first.lang]
    out = UnitOutput()
    out.add_file(DATA_DIR + "products.json", products_json(views, config))
    out.add_file(DATA_DIR + "products.csv", products_csv(views, config))
    out.add_file(DATA_DIR + "schema.json", schema_json(config))
    out.add_file(DATA_DIR + "places.geojson", places_geojson(views, config))
    for r in languages.renderers:
        out.add_file(f"{DATA_DIR}feed-{r.lang}.atom", atom_feed(worded[r.lang], config, r.t, r.urls))
    return out


def _search_unit(indexed: list[tuple[str, list[ProductView]]], photos: dict) -> UnitOutput:
    return UnitOutput(files=[SiteFile(path, data) for path, data in
                             build_search_index(indexed, photos).items()])


def rated_stars(view: ProductView) -> int:
    """The stars of the certification that decides the product's status, whether it may be
    shown as current or has lapsed (0 without one)."""
    current = view.status.current
    return current.certification.stars if current else 0


def _catalog_order(view: ProductView) -> tuple:
    """By rating (5 stars first), then by name. A product whose certificate lapses keeps its
    place, its card saying so, so that one lapse or revocation changes the listing pages that
    show it and not every page after it (the catalog page's script lists certified products
    first, ``search_index.py``)."""
    return (-rated_stars(view), view.product.name.vi.casefold(), view.product.id)


def _product_id(view: ProductView) -> str:
    return view.product.id


def photo_links(product: Product) -> list[dict[str, object]]:
    """What templates need to show a product's photos, known without opening them."""
    result = []
    for photo in product.photos:
        web = web_photo(photo)
        base = Urls.media(product)
        width, height = web.size
        shown = min(web.small, width)  # the small picture as pages show it: no wider than made
        # WebP only: every browser of 2026 reads it; JPEG is kept for readers of links
        # (the share picture, the square marketplace image).
        result.append({
            "small": base + web.name(web.small),
            "large": base + web.name(web.large),
            "small_width": web.small,
            "large_width": web.large,
            "width": width,
            "height": height,
            "shown_width": shown,
            "shown_height": round(shown * height / width),
            "alt": photo.alt,
        })
    return result


def _moved_addresses(views: list[ProductView], urls: Urls) -> list[Redirect]:
    """The short traceability address of every product with a GTIN, which forwards to its
    GS1 address: codes printed before the product had a GTIN keep working."""
    return [Redirect(urls.short_trace(v.product), urls.trace(v.product)) for v in views
            if urls.short_trace(v.product) != urls.trace(v.product)]


def _product_unit(languages: Languages, views: list[ProductView], photos: list,
                  forwarding_pages: bool, whole: Whole | None = None) -> UnitOutput:
    """Everything published for one product: photos and codes, and in each language its page
    and traceability pages. ``forwarding_pages``: its moved short address gets a page, not a
    rule of the host's."""
    if whole is not None:
        product = whole(views[0].product)
        views = [replace(view, product=product) for view in views]
    out = UnitOutput()
    first = views[0]
    product, config = first.product, languages.first.config
    cache = config.cache_dir
    # Each photo is read once, and decoded at most once for all the pictures made from it.
    decoded = [DecodedPhoto.of(photo, SQUARE if i == 0 else 0)
               for i, photo in enumerate(product.photos)]
    for photo, read in zip(product.photos, decoded, strict=True):
        for name, data in sorted(photo_files(photo, cache, read).items()):
            out.add_file(Urls.media(product) + name, data)
    out.add_file(Urls.badge(product), badge_svg(first))
    for path, data in share_files(views, cache, card=config.share_images,
                                  decoded=decoded[0] if decoded else None).items():
        out.add_file(path, data)
    out.add_file(Urls.qr(product, "svg"), qr_svg_file(first.trace_absolute_url, cache))
    qr_png = not config.host.qr_by_pattern  # elsewhere a rule sends '/qr/x.png' to the SVG
    if qr_png:
        out.add_file(Urls.qr(product, "png"), qr_png_file(first.trace_absolute_url, cache))
    if product.gtin:  # what a GS1 resolver answers with: its links and its record
        out.add_file(Urls.linkset(product), linkset_json(views, config))
        out.add_file(Urls.master_data(product), master_data_json(first))
    page_versions = languages.alternates(lambda u: u.product(product))
    for renderer, view in zip(languages.renderers, views, strict=True):
        url = renderer.urls.product(product)
        title = renderer.t("product_title", name=view.name, producer=product.producer.name)
        json_ld, tags = product_metadata(view, photos, card_size(
            product.photos[0] if product.photos else None))
        # What its traceability pages show of it, made once: its page shows the same status
        # panel and heading (``shared``).
        trace = product_trace(renderer, product, view.day, photos, view)
        out.add_page(SitePage(
            url, title, view.page_description,
            renderer.render("product.html", url, v=view, photos=photos, alternates=page_versions,
                            qr_png=qr_png, shared=trace.shared.at(url),
                            json_ld=json_ld, badge=_badge_snippet(view),
                            marketplace_images={
                                "share": Urls.share_image(product) if config.share_images else None,
                                "square": Urls.square_image(product) if product.photos else None}),
            lang=renderer.lang, alternates=page_versions, head=meta_tags(tags)))
        _add_trace_pages(out, languages, renderer, view, photos, forwarding_pages, trace)
    return out


class LanguageSite:
    """The catalog pages of one language: home, listings, groupings and staff pages."""

    def __init__(self, plan: SitePlan, languages: Languages, renderer: Renderer,
                 views: list[ProductView], photos: dict, listed: dict[str, str],
                 every_product: str) -> None:
        """``listed``: each product's key as listings show it (no story)."""
        self.plan, self.languages, self.renderer = plan, languages, renderer
        self.views, self.photos, self.listed = views, photos, listed
        self.every_product = every_product
        self.t = renderer.t
        self.nav = renderer is languages.first  # the first language's main pages are MkDocs's

    def publish(self, name: str, url: str, key: str, render: Callable[[], SitePage],
                in_nav: bool = False, title: str = "", page_title: str | None = None,
                versions: tuple[tuple[str, str], ...] = ()) -> None:
        """Every page is a unit, rendered when its key changes. A page of the navigation in
        the first language is also handed to MkDocs, by its address, ``page_title`` and
        ``versions`` alone: MkDocs renders the frame around it (where the navigation shows it
        as the current page), with markers where the unit puts its body and description."""
        if in_nav:
            self.plan.nav_titles[url] = title
        if in_nav and self.nav:
            self.plan.add_page(SitePage(url, title if page_title is None else page_title, "", "",
                                        in_nav=True, lang=self.renderer.lang, alternates=versions))
        self.plan.units.append(Unit(f"{name}:{url}", key, lambda: UnitOutput(pages=[render()])))

    def home(self) -> None:
        r, t, views = self.renderer, self.t, self.views
        certified = [v for v in views if v.status.status.shows_mark]
        versions = self.languages.alternates(lambda u: u.home())

        def render() -> SitePage:
            body = r.render(
                "home.html", r.urls.home(), five_star=[v for v in certified if v.status.stars == 5],
                featured=certified[:12], photos=self.photos, charts=home_charts(views, t, r.urls),
                total=len(views), alternates=versions)
            title = r.site_name if self.nav else t("home")
            return SitePage(r.urls.home(), title, t("site_tagline"), body, in_nav=self.nav,
                            lang=r.lang, alternates=versions)

        self.publish("page", r.urls.home(), digest("home", r.lang, self.every_product), render,
                     in_nav=True, title=t("home"), page_title=r.site_name, versions=versions)

    def listing(self, address: Callable[[Urls], str], title: str, views: list[ProductView],
                in_nav: bool = False) -> None:
        """Product cards, about LISTING_PAGE_SIZE a page (``output/listing_pages.py``): the
        address, then address + 'trang-sau-<id>/', ... Only the first page shows what every
        product changes (the count, the filters); a later page shows its own products and
        links to its neighbours, so a change to one product changes the pages that show it."""
        r, t = self.renderer, self.t
        url = address(r.urls)
        versions = self.languages.alternates(address)
        chunks = listing_pages(views, _product_id)
        addresses = page_addresses(url, chunks, _product_id)
        for n, (chunk, here) in enumerate(zip(chunks, addresses, strict=True), start=1):
            pager = {"first": url if n > 2 else None,
                     "prev": addresses[n - 2] if n > 1 else None,
                     "next": addresses[n] if n < len(chunks) else None}
            if n == 1:
                page_title, lead = title, t("products_count", count=t.number(len(views)))
                description = t("listing_description", title=title, count=t.number(len(views)))
            else:
                names = {"first": chunk[0].name, "last": chunk[-1].name}
                page_title = t("listing_page_title", title=title, name=names["first"])
                lead = t("listing_page_lead", count=t.number(len(chunk)), **names)
                description = t("listing_page_description", title=title, **names)
            suffix = here[len(url):]
            page_versions = tuple((lang, v + suffix) for lang, v in versions)
            first_page = in_nav and n == 1

            def render(chunk=chunk, here=here, page_title=page_title, lead=lead, pager=pager,
                       description=description, page_versions=page_versions,
                       first_page=first_page) -> SitePage:
                body = r.render("listing.html", here, title=page_title, lead=lead, views=chunk,
                                photos=self.photos, pager=pager, alternates=page_versions,
                                filters=facets(views, t, r.urls) if first_page else None,
                                status_names={s.value: t(f"status_short_{s.value}") for s in Status},
                                sorts=SORTS)
                return SitePage(here, page_title, description, body, in_nav=first_page and self.nav,
                                lang=r.lang, alternates=page_versions)

            self.publish("listing", here, digest("listing", here, page_title, lead, pager,
                                            description,
                                            [self.listed[v.product.id] for v in chunk],
                                            self.every_product if first_page else ""),
                         render, in_nav=first_page, title=page_title, versions=page_versions)

    def groupings(self) -> None:
        r, t, views = self.renderer, self.t, self.views
        by_province: dict[int, list[ProductView]] = {}
        by_sector: dict[str, list[ProductView]] = {}
        for view in views:
            by_province.setdefault(view.product.producer.province.code, []).append(view)
            by_sector.setdefault(view.sector.slug, []).append(view)
        province_list: list[tuple[Province, list[ProductView]]] = sorted(
            ((provinces()[code], items) for code, items in by_province.items()),
            key=lambda item: item[0].short_name)
        # Products not yet classified get a listing of their own, after the six sectors.
        sector_list: list[tuple[Sector, list[ProductView]]] = [
            (s, by_sector[s.slug]) for s in BROWSED_SECTORS if s.slug in by_sector]
        for kind, title, lead, groups, url in (
                ("provinces", t("provinces"), t("provinces_lead"),
                 [(p.name, r.urls.province(p), items) for p, items in province_list],
                 r.urls.provinces()),
                ("sectors", t("sectors"), t("sectors_lead"),
                 [(t.name(s), r.urls.sector(s), items) for s, items in sector_list],
                 r.urls.sectors())):
            versions = self.languages.alternates(lambda u, kind=kind: getattr(u, kind)())

            def render(kind=kind, title=title, lead=lead, groups=groups, versions=versions,
                       url=url) -> SitePage:
                rows = [(name, link_to, len(items), sum(1 for v in items if not v.lapsed))
                        for name, link_to, items in groups]
                most = max([row[2] for row in rows] + [1])
                body = r.render("groups.html", url, title=title, lead=lead, rows=rows,
                                most=most, kind=kind, alternates=versions)
                return SitePage(url, title, lead, body, in_nav=self.nav, lang=r.lang,
                                alternates=versions)

            self.publish("page", url, digest(kind, r.lang, self.every_product), render,
                         in_nav=True, title=title, versions=versions)
        for province, items in province_list:
            self.listing(lambda u, p=province: u.province(p),
                         t("group_page_title", group=province.name), items)
        for sector, items in sector_list:
            self.listing(lambda u, s=sector: u.sector(s), t("group_page_title", group=t.name(sector)),
                         items)

    def open_data(self) -> None:
        """The page that lists and documents the open data files."""
        r, t = self.renderer, self.t
        url = r.urls.page(DATA_DIR)
        versions = self.languages.alternates(lambda u: u.page(DATA_DIR))

        def render() -> SitePage:
            body = r.render("data.html", url, fields=[(name, pair[0] if t.lang == "vi" else pair[1])
                                                      for name, pair in FIELDS.items()],
                            data_dir=DATA_DIR, count=len(self.views), alternates=versions)
            return SitePage(url, t("data_title"), t("data_lead"), body, lang=r.lang,
                            alternates=versions)

        # every_product carries the code, templates and settings too (the licence among them).
        self.publish("page", url, digest("data page", r.lang, self.every_product,
                                          self.renderer.config.today()), render)

    def star_listings(self) -> None:
        """One listing per star rating: browsing without JavaScript, and the targets of the
        home page's chart. Each lists the products rated so, those whose certificate has
        lapsed in their place and marked (their cards show no stars), so that a lapse does
        not move every page after it."""
        for n in (5, 4, 3):
            items = [v for v in self.views if rated_stars(v) == n]
            if items:
                self.listing(lambda u, n=n: u.stars(n), self.t("stars_page_title", n=n), items)

    def completeness(self, traced: Traced, only: set[int] | None = None) -> None:
        """A staff page of Circular 02/2024 items: a summary by province, then each province's
        products and batches in the order of their ids, about 25 products a page cut by content
        as listings are (``COMPLETENESS_PAGE_MIN``; a later page addressed by the product ending
        the page before, …/trang-sau-<id>/): a new lot changes its product's page, the
        province's totals on its first page and the summary. ``only``: the provinces (codes)
        whose pages to plan, besides the summary (a build that changed a few products; None:
        all)."""
        r, t = self.renderer, self.t
        ids_by_province = traced.ids_by_province
        places_here = traced.places()
        rows_of = traced.rows
        url = r.urls.completeness()
        versions = self.languages.alternates(lambda u: u.completeness())

        def render_summary() -> SitePage:
            summary = [(p, r.urls.completeness(p), *traced.province_counts(p.code))
                       for p in places_here]
            return SitePage(url, t("completeness_title"), t("completeness_lead"), r.render(
                "completeness.html", url, items=ITEMS, summary=summary, rows=None, pager=None,
                complete=sum(row[3] for row in summary), total=sum(row[2] for row in summary),
                alternates=versions), in_nav=self.nav, lang=r.lang, alternates=versions)

        self.publish("page", url, digest("completeness", r.lang, traced.state()), render_summary,
                     in_nav=True, title=t("nav_traceability"), page_title=t("completeness_title"),
                     versions=versions)
        for province in places_here:
            if only is not None and province.code not in only:
                continue
            ids = ids_by_province[province.code]
            chunks = listing_pages(ids, str, COMPLETENESS_PAGE_MIN, COMPLETENESS_PAGE_MAX,
                                   COMPLETENESS_PAGE_SPREAD)
            first = r.urls.completeness(province)
            addresses = page_addresses(first, chunks, str)
            province_state = [traced.traced[i] for i in ids]
            for n, (chunk, here) in enumerate(zip(chunks, addresses, strict=True), start=1):
                pager = {"first": first if n > 2 else None,
                         "prev": addresses[n - 2] if n > 1 else None,
                         "next": addresses[n] if n < len(chunks) else None}
                suffix = here[len(first):]
                versions = tuple((lang, v + suffix) for lang, v in
                                 self.languages.alternates(lambda u, p=province: u.completeness(p)))
                title = t("completeness_province_title", province=province.name)
                if n > 1:
                    title = t("listing_page_title", title=title, name=chunk[0])

                def render(here=here, province=province, chunk=chunk, ids=ids, pager=pager,
                           versions=versions, title=title, n=n) -> SitePage:
                    # The province's totals, on its first page.
                    total, complete = (traced.province_counts(province.code) if n == 1
                                       else (None, None))
                    return SitePage(
                        here, title, t("completeness_province_lead", province=province.name),
                        r.render("completeness.html", here, items=ITEMS, summary=None,
                                 rows=rows_of(chunk), province=province, pager=pager,
                                 complete=complete, total=total, alternates=versions),
                        lang=r.lang, alternates=versions)

                self.publish("completeness", here, digest(
                    "completeness", here, title, pager,
                    [(traced.listed[i], traced.traced[i]) for i in chunk],
                    province_state if n == 1 else None), render)


# A province's completeness page ends after a product whose id says so (one in SPREAD) once it
# has MIN products, or at MAX (output/listing_pages.py): 25 products a page on average, and one
# product added or removed changes its own page (and the next when it ended one), not every
# page after it, as pages of 25 counted from the first did.
COMPLETENESS_PAGE_MIN = 12
COMPLETENESS_PAGE_MAX = 50
COMPLETENESS_PAGE_SPREAD = 13


@dataclass
class Traced:
    """What the staff pages of Circular 02/2024 items are made from: the products of each
    province (ids in order), each product as listings show it (``listed_key``) and as these
    pages do (``records.cache.traced_digest``), its rows (``rows``, worked out when a page is
    rendered) and how many rows there are and are complete (``counts``)."""

    ids_by_province: dict[int, list[str]]
    listed: dict[str, str]
    traced: dict[str, str]
    rows_of: Callable[[list[str]], dict[str, list[Completeness]]]
    counted: Callable[[str], tuple[int, int]]
    _state: str | None = field(default=None, init=False, repr=False, compare=False)
    _counts: dict[int, tuple[int, int]] = field(default_factory=dict, init=False, repr=False,
                                                compare=False)

    def places(self) -> list[Province]:
        """The provinces that have products, in the order of their names."""
        return sorted((provinces()[code] for code in self.ids_by_province),
                      key=lambda p: p.short_name)

    def state(self) -> str:
        """What the summary shows of every product (as listings show it, and its items), in
        the order of ``places``: digested once for all the site's languages (a national
        catalog's is 20,000 pairs of digests)."""
        if self._state is None:
            self._state = digest([(self.listed[i], self.traced[i]) for p in self.places()
                                  for i in self.ids_by_province[p.code]])
        return self._state

    def rows(self, ids: list[str]) -> list[Completeness]:
        found = self.rows_of(ids)
        return [row for i in ids for row in found[i]]

    def province_counts(self, code: int) -> tuple[int, int]:
        """``counts`` of the products of the province ``code``, worked out once for the summary
        in each language and the province's first page."""
        if code not in self._counts:
            self._counts[code] = self.counts(self.ids_by_province[code])
        return self._counts[code]

    def counts(self, ids: list[str]) -> tuple[int, int]:
        """Rows, and complete rows, of the products ``ids``."""
        pairs = [self.counted(i) for i in ids]
        return sum(rows for rows, _ in pairs), sum(complete for _, complete in pairs)

    @classmethod
    def of(cls, products: list[Product], listed: dict[str, str],
           traced: dict[str, str], whole: Whole | None = None,
           counts: dict[str, tuple[int, int]] | None = None) -> Traced:
        """From the products themselves (read ``whole`` for their rows, when they are held
        lean), their rows worked out when a page shows them; ``counts``: each product's rows
        and complete rows as the record cache knows them (``Entry.rows``), else worked out
        on first use. Rows are not kept: a page's products, read whole, are let go after it."""
        by_id = {p.id: p for p in products}
        ids_by_province: dict[int, list[str]] = {}
        for product in sorted(products, key=lambda p: p.id):
            ids_by_province.setdefault(product.producer.province.code, []).append(product.id)
        known = counts or {}

        def rows(product_id: str) -> list[Completeness]:
            product = by_id[product_id]
            return all_completeness([whole(product) if whole is not None else product])

        @cache
        def counted(product_id: str) -> tuple[int, int]:
            if product_id in known:
                return known[product_id]
            found = rows(product_id)
            return len(found), sum(row.complete for row in found)

        return cls(ids_by_province, listed,
                   {p.id: traced.get(p.id) or traced_digest(p) for p in products},
                   lambda ids: {i: rows(i) for i in ids}, counted)


def base_path(site_url: str) -> str:
    """The path the site is published under ('/' or '/ocop/'), for pages served at any depth."""
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def _add_page_files(out: UnitOutput, url: str, render: Callable[[str], str], host: Host) -> None:
    """Write the page at ``url`` into each file that may answer it on ``host``, each with links
    relative to where that file is served from (a flat 'p/x.html' is served at 'p/x/')."""
    out.standalone.append(url)
    for path in Urls.files_for(url, host):
        served_at = url if path.endswith(".html") and not path.endswith("/index.html") else (
            path[: -len("index.html")])
        out.add_file(path, render(served_at).encode("utf-8"))


def _add_trace_pages(out: UnitOutput, languages: Languages, renderer: Renderer,
                     view: ProductView, photos: list, forwarding_pages: bool,
                     trace: ProductTrace) -> None:
    """The product's traceability page (which lists its lots; each lot is a unit of its own,
    ``lot_units``) and, for a product with a GTIN, the page its short address forwards from.
    ``trace``: the product as they show it (``product_trace``)."""
    product, config, u = view.product, renderer.config, renderer.urls
    host = config.host
    versions = languages.alternates(lambda x: x.trace(product))

    def page(at: str) -> str:
        return renderer.render("trace.html", at, v=view, shared=trace.shared.at(at), photos=photos,
                               domain=_domain(config), alternates=versions)

    _add_page_files(out, u.trace(product), page, host)
    if config.short_addresses and renderer is languages.first:
        _add_page_files(out, short_path(product.id, None, config.short_addresses), page, host)
    if forwarding_pages and renderer is languages.first and u.trace(product) != u.short_trace(product):
        # Every product keeps its short address, so codes printed before it had a GTIN work.
        [forwarding] = Urls.files_for(u.short_trace(product), host)
        out.add_file(forwarding, renderer.render(
            "moved.html", u.short_trace(product), v=view, target=u.trace(product)
        ).encode("utf-8"))


def _domain(config: SiteConfig) -> str:
    return urlsplit(config.site_url).netloc or config.site_url


def lot_units(languages: Languages, product: Product, base_key: str, summary: str,
              lots: bytes | None, photos: list, whole: Whole | None = None
              ) -> list[Unit]:
    """A unit per batch: its page in each language and its published documents. A batch's
    page shows the product without its story and other batches (``summary``), the batch
    (``lots``: ``records.cache.lot_digests``, packed) and the status as of the day either last
    changed, so a new lot renders its own page alone."""
    config = languages.first.config
    day = config.today()
    digests = unpacked(lots) if lots is not None and len(lots) == 32 * len(product.batches) \
        else lot_digests(product)
    units = []
    product_since = unchanged_since(product, day, config.rules) if product.batches else day
    for n, (batch, lot) in enumerate(zip(product.batches, digests, strict=True)):
        since = lot_unchanged_since(product_since, day, batch)
        units.append(Unit(f"lot:{product.id}/{batch.lot}",
                          digest(base_key, "lot", summary, lot, since),
                          LotPages(languages, product, n, since, photos, whole)))
    return units


class LotPages:
    """What renders a lot's unit (``_lot_unit``), held by its plan until then: in fewer bytes
    than a ``partial``, as a national catalog plans hundreds of thousands."""

    __slots__ = ("languages", "product", "n", "since", "photos", "whole")

    def __init__(self, languages: Languages, product: Product, n: int, since: date,
                 photos: list, whole: Whole | None) -> None:
        self.languages, self.product, self.n, self.since = languages, product, n, since
        self.photos, self.whole = photos, whole

    def __call__(self) -> UnitOutput:
        return _lot_unit(self.languages, self.product, self.n, self.since, self.photos,
                         self.whole)


def _lot_unit(languages: Languages, product: Product, n: int, since: date,
              photos: list, whole: Whole | None = None) -> UnitOutput:
    """The page of the ``n``th batch of ``product`` in each language, and its documents."""
    if whole is not None:
        product = whole(product)
    batch = product.batches[n]
    out = UnitOutput()
    config = languages.first.config
    host = config.host
    versions = languages.alternates(lambda x: x.lot(product, batch))
    names = document_names(batch)
    for renderer in languages.renderers:
        trace = product_trace(renderer, product, since, photos)
        lot = lot_view(trace.view, batch, config, renderer.t, names)

        def page(at: str, trace: ProductTrace = trace, lot: LotView = lot,
                 renderer: Renderer = renderer) -> str:
            return renderer.render("lot.html", at, v=trace.view, lot=lot,
                                   shared=trace.shared.at(at), photos=photos,
                                   domain=_domain(config), alternates=versions)

        _add_page_files(out, lot.url, page, host)
        if config.short_addresses and renderer is languages.first:
            _add_page_files(out, short_path(product.id, batch.lot, config.short_addresses),
                            page, host)
    for doc, name in zip(batch.documents, names, strict=True):
        if doc.source is not None:
            out.add_file(Urls.document(product, batch, name), doc.source.read_bytes())
    return out


class ProductTrace:
    """A product as its traceability pages show it in one language as of one day (``view``),
    and what all those pages show of it alike (``shared``: trace_product.html), made once for
    them: a product's traceability page and its lots' pages are rendered one after another
    by one process."""

    __slots__ = ("view", "shared")

    def __init__(self, renderer: Renderer, view: ProductView, photos: list) -> None:
        self.view = view
        self.shared = SharedParts(renderer, "trace_product.html", v=view, photos=photos)


_KEPT = 16  # ProductTrace: a few products in each language, in each process
_recent: dict[tuple[Renderer, str, date], ProductTrace] = {}


def product_trace(renderer: Renderer, product: Product, day: date, photos: list,
                  view: ProductView | None = None) -> ProductTrace:
    """``product`` as its traceability pages show it in ``renderer``'s language as of ``day``
    (``view``, when the caller has it), kept for the pages rendered next."""
    key = (renderer, product.id, day)
    found = _recent.get(key)
    if found is None:
        if view is None:
            view = product_view(product, day, renderer.config, renderer.t).in_language(
                renderer.t, renderer.urls)
        found = _recent[key] = ProductTrace(renderer, view, photos)
        if len(_recent) > _KEPT:
            del _recent[next(iter(_recent))]
    return found
