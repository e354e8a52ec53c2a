"""The catalog as people use it, in headless Chromium: the language switch keeps the product,
filters combine and live in the address, search ignores diacritics and case, and axe-core
finds nothing serious on every page type, as the repository's own mkdocs.yml builds them, nor
does any page ask the host for an address it cannot answer. On a phone the catalog shows its
results first, with a count that follows the query. Also, from the built files: every page
has a unique title and description, a canonical address, a language and an icon, and the
sitemap lists every page in both languages (but the traceability pages, which ask not to be
indexed)."""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from PIL import Image, ImageChops
from static_host import serve
from support.sites import AS_OF, REPO, SITE_URL

from site_builder.assets.favicon import icon_image
from site_builder.config import SiteConfig
from site_builder.records.validate import load_catalog
from site_builder.render.facets import values_of
from site_builder.render.i18n import Translator
from site_builder.render.views import product_view

AXE = REPO / ".ci/node/node_modules/axe-core/axe.min.js"


@pytest.fixture(scope="module")
def served(sample_site):
    with serve(sample_site, clean_urls=True) as base:
        yield base


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory) -> Path:
    """The sample catalog built with the repository's own mkdocs.yml (its theme settings, the
    palette among them), only its paths made absolute: what readers of the site get."""
    from site_builder.mkdocs.build import build_site

    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(REPO / "products", root / "products")
    settings = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    settings["docs_dir"] = str(REPO / settings.get("docs_dir", "docs"))
    settings["site_dir"] = str(root / "site")
    settings["theme"]["custom_dir"] = str(REPO / settings["theme"]["custom_dir"])
    for plugin in settings["plugins"]:
        if isinstance(plugin, dict) and "ocop" in plugin:
            plugin["ocop"].update(
                products_dir=str(root / "products"), cache_dir=str(root / ".cache"),
                templates_dir=str(REPO / plugin["ocop"].get("templates_dir", "theme/ocop")))
    (root / "mkdocs.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return build_site(root / "mkdocs.yml", as_of=AS_OF).site_dir


@pytest.fixture(scope="module")
def shipped(shipped_site):
    with serve(shipped_site, clean_urls=True) as base:
        yield base


@pytest.fixture(scope="module")
def views():
    """The sample products as of the build day, with the filter values the index gives them."""
    config = SiteConfig(products_dir=REPO / "products", as_of=AS_OF)
    catalog, _ = load_catalog(config, traceability_notes=False)
    return [product_view(p, AS_OF, config, Translator("vi")) for p in catalog.products]


# The cards show what the address asks for (the same parameters, in any order).
SHOWN = """() => {
  const shown = document.getElementById('ocop-catalog').dataset.shown;
  const norm = (s) => [...new URLSearchParams(s)].map((p) => p.join('=')).sort().join('&');
  return shown !== undefined && norm(shown) === norm(location.search);
}"""


def card_links(page) -> list[str]:
    """The product pages the cards link to, once the cards show what the address asks for."""
    page.wait_for_function(SHOWN)
    return sorted(page.eval_on_selector_all("[data-results] .ocop-card__link",
                                            "links => links.map(a => a.pathname)"))


def test_language_switch_stays_on_the_product(served, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(served + "san-pham/buoi-tan-trieu/")
    page.click("a.ocop-lang[hreflang=en]")
    assert urlsplit(page.url).path == "/en/san-pham/buoi-tan-trieu/"
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("article h1") == "Tan Trieu pomelo"
    assert "Product catalog" in page.inner_text(".md-tabs, .md-nav--primary")
    page.click("a.ocop-lang[hreflang=vi]")
    assert urlsplit(page.url).path == "/san-pham/buoi-tan-trieu/"
    assert page.get_attribute("html", "lang") == "vi"
    # The traceability page a QR code opens switches too, and back to the exact GS1 address.
    page.goto(served + "01/08936058120082")
    page.click(".ocop-langs a[hreflang=en]")
    assert urlsplit(page.url).path == "/en/01/08936058120082/"
    assert page.get_attribute("html", "lang") == "en"
    page.click(".ocop-langs a[hreflang=vi]")
    assert urlsplit(page.url).path.rstrip("/") == "/01/08936058120082"


def test_an_untranslated_story_is_shown_in_vietnamese_with_a_notice(served, browser):
    page = browser.new_page()
    page.goto(served + "en/san-pham/thit-cuu-xong-khoi/")
    assert "not been translated yet" in page.inner_text(".ocop-notice >> nth=-1") or \
        page.locator("text=has not been translated yet").count() == 1
    assert page.get_attribute(".ocop-story", "lang") == "vi"
    assert page.inner_text(".ocop-story").strip()


def test_filters_combine_and_live_in_the_address(served, browser, views):
    wanted = sorted(f"/san-pham/{v.product.id}/" for v in views
                    if values_of(v).get("sao") in ("4", "5") and values_of(v)["tinh"] == "khanh-hoa")
    assert len(wanted) >= 3
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + "san-pham/")
    assert page.locator("#ocop-catalog").is_visible()
    page.check("input[name=sao][value='4']")
    page.check("input[name=sao][value='5']")
    page.click("details.ocop-filter:has(input[name=tinh]) summary")
    page.check("input[name=tinh][value=khanh-hoa]")
    assert card_links(page) == wanted
    query = parse_qs(urlsplit(page.url).query)
    assert sorted(query["sao"]) == ["4", "5"] and query["tinh"] == ["khanh-hoa"] and len(query) == 2
    # The address, shared: a fresh page shows the same view, boxes ticked.
    shared = browser.new_page(viewport={"width": 390, "height": 844})
    shared.goto(page.url)
    assert card_links(shared) == wanted
    assert shared.is_checked("input[name=tinh][value=khanh-hoa]")
    # Sorting by name keeps the same products, in name order (the sort is with the filters,
    # folded on a phone).
    filters_control(shared, "Lọc").click()
    shared.select_option("#ocop-sort", "ten")
    names = [n for n in shared.eval_on_selector_all(
        "[data-results] .ocop-card__name", "ns => ns.map(n => n.textContent)")]
    assert sorted(card_links(shared)) == wanted and len(names) == len(wanted)
    # Clearing the filters brings back the full listing.
    shared.click("[data-clear]")
    assert shared.locator("[data-static-listing]").is_visible()
    assert urlsplit(shared.url).query == ""


PHONE = {"width": 390, "height": 844}
# (language, address prefix, the filters' control, the count with no query, with one, none)
CATALOG_WORDS = [("vi", "", "Lọc", "{n} sản phẩm", "Sản phẩm phù hợp: {n}",
                  "Không tìm thấy sản phẩm phù hợp."),
                 ("en", "en/", "Filter", "{n} products", "Matching products: {n}",
                  "No matching products.")]


def first_card_top(page) -> float:
    """Where the first product card shown begins, from the top of the page."""
    return page.locator("[data-results] .ocop-card:visible, [data-static-listing] .ocop-card:visible"
                        ).first.bounding_box()["y"]


def filters_control(page, word: str):
    """The one control the catalog's filters are folded behind ("Lọc", "Lọc (2)")."""
    return page.locator("#ocop-catalog summary", has_text=re.compile(rf"^\s*{word}(\s*\(\d+\))?\s*$"))


@pytest.mark.parametrize("lang,prefix,control,total,matching,none", CATALOG_WORDS)
def test_on_a_phone_the_catalog_shows_results_first_and_counts_what_it_shows(
        served, browser, views, lang, prefix, control, total, matching, none):
    five = sum(1 for v in views if values_of(v).get("sao") == "5")
    page = browser.new_page(viewport=PHONE)
    page.set_default_timeout(10_000)
    page.goto(served + prefix + "san-pham/")
    page.wait_for_function(SHOWN)
    # Results first: the first card's photo is on the first screen, the filters folded.
    assert first_card_top(page) + 120 < PHONE["height"]
    assert not page.is_visible("input[name=sao][value='5']")
    # One count, above the results, read out politely when it changes.
    count = page.locator("article [role=status]")
    assert count.count() == 1 and count.get_attribute("aria-live") == "polite"
    assert count.inner_text() == total.format(n=len(views))
    filters_control(page, control).click()
    page.check("input[name=sao][value='5']")
    # The script fetches the filter's index, then redraws: wait for the count it announces.
    page.wait_for_function("([el, text]) => el.innerText === text",
                           arg=[count.element_handle(), matching.format(n=five)])
    assert len(card_links(page)) == five
    assert total.format(n=len(views)) not in page.inner_text("article")
    assert filters_control(page, control).inner_text().strip() == f"{control} (1)"
    # The count follows an address too, and a search that finds nothing says so.
    wanted = sum(1 for v in views if values_of(v).get("sao") == "4"
                 and values_of(v)["tinh"] == "khanh-hoa")
    page.goto(served + prefix + "san-pham/?sao=4&tinh=khanh-hoa")
    assert len(card_links(page)) == wanted > 1
    assert count.inner_text() == matching.format(n=wanted)
    page.goto(served + prefix + "san-pham/?q=zzzz+khong+co")
    assert card_links(page) == [] and count.inner_text().startswith(none)
    page.close()


def test_on_a_wide_screen_the_filters_are_open(served, browser, views):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(served + "en/san-pham/")
    page.wait_for_function(SHOWN)
    assert page.is_visible("input[name=sao][value='5']")
    assert page.inner_text("article [role=status]") == f"{len(views)} products"
    assert first_card_top(page) < 800
    page.close()


def test_without_javascript_the_catalog_is_a_paged_listing_with_its_count(served, browser, views):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "san-pham/")
    assert not page.is_visible("#ocop-catalog")  # the form needs the script: hidden
    assert first_card_top(page) + 120 < PHONE["height"]
    assert page.inner_text("article [role=status]") == f"{len(views)} sản phẩm"
    assert page.locator(".ocop-browse a").count() >= 5  # by province, sector and stars
    context.close()


@pytest.mark.parametrize("typed", ["banh trang", "BÁNH TRÁNG", "bánh tráng", "Banh Trang"])
def test_search_ignores_diacritics_and_case(served, browser, typed):
    page = browser.new_page()
    page.goto(served + "san-pham/")
    page.fill("#ocop-q", typed)
    page.press("#ocop-q", "Enter")
    assert "/san-pham/banh-trang-phoi-suong/" in card_links(page)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_results_come_certified_first_by_stars_then_by_name(served, browser, views, prefix):
    from site_builder.domain.places import ascii_fold
    from site_builder.render.i18n import Translator

    def rank(view) -> tuple:
        stars = view.status.stars if not view.lapsed and view.status.stars else 0
        worded = view if not prefix else view.in_language(Translator("en"), view.urls)
        return (-stars if stars else 1, ascii_fold(worded.name), view.product.id)

    food = [v for v in views if values_of(v)["nganh"] == "thuc-pham"]
    assert len({rank(v)[0] for v in food}) >= 3  # several star ratings among them
    page = browser.new_page()
    page.goto(f"{served}{prefix}san-pham/?nganh=thuc-pham")
    page.wait_for_function(SHOWN)
    shown = page.eval_on_selector_all("[data-results] .ocop-card__link",
                                      "links => links.map(a => a.pathname.split('/').at(-2))")
    assert shown == [v.product.id for v in sorted(food, key=rank)][:len(shown)] and len(shown) > 5
    page.close()


def test_search_finds_coffee_in_english_and_links_to_english_pages(served, browser):
    page = browser.new_page()
    page.goto(served + "en/san-pham/?q=ca+phe")
    links = card_links(page)
    assert "/en/san-pham/ca-phe-xuan-loc/" in links
    assert all(link.startswith("/en/san-pham/") for link in links)
    # A producer and a commune are found as well.
    page.goto(served + "san-pham/?q=hop+tac+xa+buoi+tan+trieu")
    assert "/san-pham/buoi-tan-trieu/" in card_links(page)


def test_without_javascript_listings_by_province_sector_and_stars_are_complete(sample_site, views):
    def listed(folder: Path) -> set[str]:
        """The products the cards of the listings under ``folder`` link to."""
        found = set()
        for html in folder.rglob("index.html"):
            here = html.parent.relative_to(sample_site).as_posix()
            for href in re.findall(r'class="ocop-card__link" href="([^"]+)"',
                                   html.read_text(encoding="utf-8")):
                target = posixpath.normpath(posixpath.join(here, href))
                if target.startswith("san-pham/"):
                    found.add(target.split("/")[1])
        return found

    everything = {v.product.id for v in views}
    assert listed(sample_site / "san-pham") >= everything
    by_province = set()
    for folder in (sample_site / "tinh").iterdir():
        if folder.is_dir():
            by_province |= listed(folder)
    assert by_province == everything
    # The star listings hold the products rated so, those no longer certified marked in place.
    certified = {v.product.id for v in views if "sao" in values_of(v)}
    rated = {v.product.id for v in views if v.status.current}
    assert certified <= listed(sample_site / "sao") == rated


def test_pages_have_unique_titles_descriptions_canonical_and_language(sample_site):
    titles, descriptions = {}, {}
    for html in sorted(sample_site.rglob("*.html")):
        rel = html.relative_to(sample_site).as_posix()
        if rel == "404.html" or (rel.endswith(".html") and not rel.endswith("index.html")):
            continue  # 404, and the x.html twin of x/index.html (the same page)
        text = html.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text:
            continue  # a forwarding page
        lang = re.search(r'<html lang="([a-z]+)"', text)
        assert lang and lang.group(1) == ("en" if rel.startswith("en/") else "vi"), rel
        assert re.search(r'<link rel="canonical" href="https://', text), rel
        title = re.search(r"<title>([^<]+)</title>", text).group(1)
        description = re.search(r'<meta name="description" content="([^"]+)"', text)
        assert description, rel
        assert title not in titles, f"{rel} and {titles.get(title)} share the title {title}"
        assert description.group(1) not in descriptions, (
            f"{rel} and {descriptions.get(description.group(1))} share a description")
        titles[title], descriptions[description.group(1)] = rel, rel


def test_the_sitemap_lists_every_page_in_both_languages(sample_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(sample_site / "sitemap.xml").getroot()
    listed = {u.find("s:loc", ns).text[len(SITE_URL):]: u for u in root.findall("s:url", ns)}
    pages = set()
    for html in sample_site.rglob("index.html"):
        rel = html.relative_to(sample_site).as_posix()[: -len("index.html")]
        if not rel.startswith(("p/", "01/", "en/p/", "en/01/", "ocop-shell")):
            pages.add(rel)
    missing = {p for p in pages if p not in listed and p.rstrip("/") not in listed}
    assert not missing, sorted(missing)[:10]
    entry = listed["san-pham/buoi-tan-trieu/"]
    versions = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", ns)}
    assert versions == {"vi": SITE_URL + "san-pham/buoi-tan-trieu/",
                        "en": SITE_URL + "en/san-pham/buoi-tan-trieu/"}
    # Traceability pages ask not to be indexed: a sitemap does not list them.
    assert "san-pham/buoi-tan-trieu/" in listed and "en/san-pham/buoi-tan-trieu/" in listed
    assert not [url for url in listed if url.startswith(("01/", "p/", "en/01/", "en/p/"))]


# One page of each kind, in both languages: home, catalog, product, open data, sector, province,
# traceability and batch.
PAGE_KINDS = ["", "san-pham/", "san-pham/buoi-tan-trieu/", "du-lieu/", "nganh/thuc-pham/",
              "tinh/khanh-hoa/", "01/08936058120082", "01/08936058120082/10/B2610"]
PAGE_KINDS += ["en/" + path + ("/" if path.startswith("01/") else "") for path in PAGE_KINDS]
AXE_PAGES = PAGE_KINDS + ["san-pham/?sao=4&tinh=khanh-hoa", "tinh/", "en/san-pham/?q=ca+phe",
                          "p/du-lich-cong-dong-o-lam/"]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_serious_or_critical_problem(shipped, browser, path):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: .ci/run installs it")
        pytest.skip("axe-core is not installed (`.ci/run` installs it)")
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(shipped + path)
        if "?" in path:
            card_links(page)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                   for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, (path, width, serious)
        page.close()


MISSING_LOT = "01/08936058120082/10/X9999"  # a lot with no page: the 404 page answers


def test_no_page_asks_for_an_address_the_host_cannot_answer(shipped_site, browser):
    """Every request the host receives, the browser's own (/favicon.ico) included, is answered:
    a 404 is an error in every scan's console and costs a phone a round trip."""
    answered: list[tuple[str, int]] = []
    with serve(shipped_site, clean_urls=True, requests=answered) as base:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        failed: list[str] = []
        context.on("requestfailed", lambda request: failed.append(request.url))
        for path in [*PAGE_KINDS, MISSING_LOT]:
            page = context.new_page()
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(300)  # the icon is asked for after the page has loaded
            page.close()
        context.close()
    assert {path for path, _ in answered} >= {"/" + p for p in PAGE_KINDS}
    unanswered = sorted({(path, status) for path, status in answered
                         if status >= 400 and path != "/" + MISSING_LOT})
    assert not unanswered, unanswered
    assert not failed, failed


def _icon_target(site: Path, html_file: Path, href: str) -> Path | None:
    """The file a page's icon link names, resolved from where the page is served, or None for
    an icon inside the page (data: URI)."""
    if href.startswith("data:image/"):
        return None
    rel = html_file.relative_to(site).as_posix()
    folder = posixpath.dirname(rel)  # x/index.html and x.html (served as /x) both link from x/..
    target = posixpath.normpath(posixpath.join(folder, urlsplit(href).path))
    return site / target


def test_every_page_names_an_icon_the_site_has(sample_site):
    """No page leaves the browser to guess /favicon.ico; /favicon.ico exists all the same."""
    checked = 0
    for html in sorted(sample_site.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        icons = re.findall(r'<link rel="icon" href="([^"]+)"', text)
        assert len(icons) == 1, (html.relative_to(sample_site).as_posix(), icons)
        target = _icon_target(sample_site, html, icons[0])
        assert target is None or target.is_file(), (html.relative_to(sample_site).as_posix(), icons[0])
        checked += 1
    assert checked > 100
    trace = (sample_site / "01/08936058120082.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="data:image/svg+xml,' in trace  # no request to make
    with Image.open(io.BytesIO((sample_site / "favicon.ico").read_bytes())) as ico:
        assert ico.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= ico.info["sizes"]
    # Material's pages link the theme's favicon.png: the same icon (python -m site_builder.assets.favicon).
    with Image.open(sample_site / "assets/images/favicon.png") as png:
        drawn = icon_image(48)
        assert png.size == drawn.size
        difference = ImageChops.difference(png.convert("RGBA"), drawn).getextrema()
        assert max(high for _, high in difference) <= 8


def test_material_pages_hide_nothing_focusable_from_screen_readers(shipped_site):
    """Material's colour-palette form puts a focusable radio button inside aria-hidden; the
    site has one palette, so there is no form (axe: aria-hidden-focus, serious)."""
    for rel in ("index.html", "en/index.html", "san-pham/buoi-tan-trieu/index.html",
                "du-lieu/index.html", "nganh/thuc-pham/index.html"):
        text = (shipped_site / rel).read_text(encoding="utf-8")
        hidden = re.findall(r'<(?:input|button|select|textarea|a)\b[^>]*aria-hidden="true"[^>]*>', text)
        assert not hidden, (rel, hidden)
        assert 'data-md-component="palette"' not in text, rel


def test_the_stars_are_read_as_words(sample_site):
    html = (sample_site / "en/san-pham/index.html").read_text(encoding="utf-8")
    assert 'aria-label="OCOP 4-star rating"' in html
    html = (sample_site / "san-pham/index.html").read_text(encoding="utf-8")
    assert re.search(r'aria-label="[^"]*4 sao[^"]*"', html)


def test_dates_and_numbers_follow_the_language(sample_site):
    vi = (sample_site / "san-pham/buoi-tan-trieu/index.html").read_text(encoding="utf-8")
    en = (sample_site / "en/san-pham/buoi-tan-trieu/index.html").read_text(encoding="utf-8")
    assert "28/11/2024" in vi and "28 November 2024" in en  # the 5-star decision


# --- products not yet classified --------------------------------------------------------------


def _annex_views(products):
    from support.records import annex_record, record, write_record

    write_record(products, record())
    write_record(products, annex_record(), photo=False)
    config = SiteConfig(products_dir=products, as_of=AS_OF)
    catalog, _ = load_catalog(config, traceability_notes=False)
    return [product_view(p, AS_OF, config, Translator("vi")) for p in catalog.products]


def test_an_unclassified_product_has_its_own_filter_values_and_options(products):
    from site_builder.render.facets import facets
    from site_builder.render.search_index import card, searchable_text
    from site_builder.render.views import Urls

    honey, grapes = _annex_views(products)
    assert values_of(honey) == {"nganh": "chua-phan-loai", "bo": "chua-phan-loai",
                                "tinh": "tay-ninh", "tt": "valid", "sao": "4"}
    assert values_of(grapes)["nganh"] == "thuc-pham" and values_of(grapes)["bo"] == "7"
    options = {f.key: [(o.value, o.label, o.count, o.url) for o in f.options]
               for f in facets([honey, grapes], Translator("vi"), Urls())}
    assert options["nganh"] == [("thuc-pham", "Thực phẩm", 1, "nganh/thuc-pham/"),
                                ("chua-phan-loai", "Chưa phân loại", 1, "nganh/chua-phan-loai/")]
    assert [o[0] for o in options["bo"]] == ["7", "chua-phan-loai"]
    # Found by the words of its place (no commune) and of "not yet classified".
    assert "Chưa phân loại" in searchable_text(honey) and "None" not in searchable_text(honey)
    assert card(honey, None)[4] == "Tây Ninh" and card(grapes, None)[4] == "Phường Đô Vinh, Khánh Hòa"


def test_the_catalog_filters_and_finds_the_unclassified(annex_site, browser):
    with serve(annex_site, clean_urls=True) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for query in ("nganh=chua-phan-loai", "bo=chua-phan-loai", "q=chua+phan+loai"):
            page.goto(f"{base}san-pham/?{query}")
            assert card_links(page) == ["/san-pham/mat-ong-tan-ninh/"], query
        assert page.is_visible("[data-results] .ocop-card__nophoto")  # as the static card
        page.goto(base + "san-pham/")
        page.click("details.ocop-filter:has(input[name=nganh]) summary")
        page.check("input[name=nganh][value=chua-phan-loai]")
        assert card_links(page) == ["/san-pham/mat-ong-tan-ninh/"]
        page.goto(base + "en/san-pham/?nganh=chua-phan-loai")
        assert card_links(page) == ["/en/san-pham/mat-ong-tan-ninh/"]
        assert "Not yet classified" in page.inner_text("details.ocop-filter:has(input[name=nganh])")
        page.close()


@pytest.mark.parametrize("path", ["san-pham/mat-ong-tan-ninh/", "p/mat-ong-tan-ninh/",
                                  "san-pham/?bo=chua-phan-loai"])
def test_axe_finds_nothing_serious_on_a_bare_product(annex_site, browser, path):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (`.ci/run` installs it)")
    with serve(annex_site, clean_urls=True) as base:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto(base + path)
        if "?" in path:
            card_links(page)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["help"]) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert not serious, serious
        page.close()
