"""``ocop offline``: the catalog from a USB stick, opened as files in Chromium with every network
request blocked: browsing, filters, search and the language switch keep working."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support.sites import AS_OF, REPO, SITE_URL, write_mkdocs_config

from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.mkdocs.build import build_site, load_site_config
from site_builder.offline.kit import (
    BUNDLE,
    GUIDE_NAME,
    MARKER,
    PUBLISHED_ONLY,
    KitBuilder,
    OfflineError,
    folder_link,
    make_kit,
    make_offline_copy,
)
from site_builder.offline.selection import parse_selection
from site_builder.output.writer import MANIFEST, SITE_MARKER
from site_builder.records.validate import load_catalog
from site_builder.render.facets import values_of
from site_builder.render.i18n import Translator
from site_builder.render.views import product_view


@pytest.mark.parametrize(("link", "offline"), [
    ("../san-pham/", "../san-pham/index.html"),
    ("../san-pham/?sao=5&tinh=khanh-hoa", "../san-pham/index.html?sao=5&tinh=khanh-hoa"),
    ("../..", "../../index.html"),
    ("./", "./index.html"),
    ("?q=tra", "?q=tra"),
    ("#noi-dung", "#noi-dung"),
    ("../media/a/anh-1-480.jpg", "../media/a/anh-1-480.jpg"),
    ("tinh/khanh-hoa/#top", "tinh/khanh-hoa/index.html#top"),
])
def test_folder_links_become_files(link, offline):
    assert folder_link(link) == offline


@pytest.fixture(scope="module")
def kit(sample_site, tmp_path_factory):
    return make_offline_copy(sample_site, tmp_path_factory.mktemp("usb") / "ocop").folder


def test_a_folder_that_is_not_a_kit_is_never_replaced(sample_site, tmp_path):
    (tmp_path / "tai-lieu").mkdir()
    (tmp_path / "tai-lieu" / "bao-cao.docx").write_bytes(b"PK")
    with pytest.raises(OfflineError):
        make_offline_copy(sample_site, tmp_path / "tai-lieu")
    assert (tmp_path / "tai-lieu" / "bao-cao.docx").read_bytes() == b"PK"
    (tmp_path / "ghi-chu.txt").write_text("giữ", encoding="utf-8")
    with pytest.raises(OfflineError):
        make_offline_copy(sample_site, tmp_path / "ghi-chu.txt")
    assert (tmp_path / "ghi-chu.txt").read_text(encoding="utf-8") == "giữ"
    first = make_offline_copy(sample_site, tmp_path / "kit").folder
    assert (first / MARKER).is_file()
    assert make_offline_copy(sample_site, tmp_path / "kit").folder == first  # an old kit: replaced


def test_the_kit_holds_the_site_but_not_what_only_a_published_site_needs(sample_site, kit):
    """No marker or manifest (ocop would take the USB stick for a site it may rebuild), no
    sitemap of public addresses for search engines; every other file of the site is there."""
    assert {SITE_MARKER, MANIFEST, "sitemap.xml"} <= PUBLISHED_ONLY
    assert (sample_site / SITE_MARKER).is_file() and (sample_site / "sitemap.xml").is_file()
    site_files = {p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*") if p.is_file()}
    kit_files = {p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file()}
    assert kit_files == site_files - PUBLISHED_ONLY | {MARKER, GUIDE_NAME, f"search/{BUNDLE}"}


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder with its bytes and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"",
                                               p.stat().st_mtime_ns)
            for p in [folder, *folder.rglob("*")]}


def test_making_a_kit_publishes_nothing(tmp_path, capsys):
    """``ocop offline`` builds its own copy: with no site yet it makes none, and a published site
    keeps its bytes and times even when the records have changed since (the kit shows the
    change, the public site does not until someone runs ``ocop build``)."""
    shutil.copytree(REPO / "products", tmp_path / "products")
    config = write_mkdocs_config(tmp_path, tmp_path / "products", SITE_URL, sample_data=True)
    site, kit = tmp_path / "site", tmp_path / "usb" / "ocop"
    offline = ["-f", str(config), "offline", "--out", str(kit), "--as-of", AS_OF.isoformat()]
    assert main(offline) == 0
    assert (kit / "index.html").is_file() and not site.exists()
    assert main(["-f", str(config), "build", "--as-of", AS_OF.isoformat()]) == 0
    published = _state(site)
    record = tmp_path / "products" / "nho-say-nhon-son" / "product.yml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "story:\n  vi: |\n    ", "story:\n  vi: |\n    Vụ nho mới năm 2026. ", 1), encoding="utf-8")
    assert main(offline) == 0
    assert _state(site) == published
    assert "Vụ nho mới năm 2026" in (kit / "san-pham/nho-say-nhon-son/index.html").read_text(
        encoding="utf-8")
    assert not any((kit / name).exists() for name in PUBLISHED_ONLY)
    # Without the site's marker, the kit is never taken for a site that a build may replace.
    capsys.readouterr()
    assert main(["-f", str(config), "build", "--site-dir", str(kit)]) == 1
    assert "không do ocop tạo ra" in capsys.readouterr().err
    assert (kit / MARKER).is_file() and (kit / "index.html").is_file()


def test_no_page_links_to_a_folder(kit):
    folder_href = re.compile(r'\s(?:href|src|action)="(?![a-z]+:|//|#|\?)[^"?#]*/(?:[?#][^"]*)?"')
    for page in kit.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not folder_href.search(html), page


@pytest.fixture
def offline_page(browser):
    """A page that may open local files only: any http(s) request is aborted and recorded."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    attempted: list[str] = []

    def block(route):
        attempted.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(https?|wss?)://"), block)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, attempted, errors
    context.close()


def _cards(page) -> list[str]:
    page.wait_for_function("() => document.getElementById('ocop-catalog').dataset.shown !== undefined"
                           " && !document.querySelector('[data-results]').hidden")
    return sorted(page.eval_on_selector_all(
        "[data-results] .ocop-card__link", "links => links.map(a => a.pathname.split('/').at(-2))"))


def test_the_kit_works_from_files_with_no_network(kit, offline_page):
    page, attempted, errors = offline_page
    config = SiteConfig(products_dir=REPO / "products", as_of=AS_OF)
    catalog, _ = load_catalog(config, traceability_notes=False)
    views = [product_view(p, AS_OF, config, Translator("vi")) for p in catalog.products]
    five_star = sorted(v.product.id for v in views if values_of(v).get("sao") == "5")
    assert five_star

    page.goto((kit / "index.html").as_uri())
    assert page.title()
    # The home page's search box opens the catalog with the words searched.
    page.fill(".ocop-search--home input[name=q]", "ca phe")
    page.press(".ocop-search--home input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"san-pham/index\.html\?q=ca\+phe"))
    found = _cards(page)
    assert found and all("ca-phe" in c for c in found)

    page.goto((kit / "san-pham" / "index.html").as_uri())
    # On a phone the filters are folded, results first (the form shows once catalog.js runs).
    page.click("[data-filters-panel] > summary")
    page.check("input[name=sao][value='5']")
    assert _cards(page) == five_star
    assert "sao=5" in page.url
    # A card opens its product page (a file, not a folder listing), and the language switch works.
    page.click(f"[data-results] a.ocop-card__link[href*='{five_star[0]}/']")
    page.wait_for_url(re.compile(rf"/san-pham/{five_star[0]}/index\.html$"))
    assert page.locator("article h1").count() == 1
    page.click("a.ocop-lang[hreflang=en]")
    page.wait_for_url(re.compile(rf"/en/san-pham/{five_star[0]}/index\.html$"))
    assert page.get_attribute("html", "lang") == "en"
    page.goto((kit / "en" / "san-pham" / "index.html").as_uri() + "?q=BANH+TRANG")
    assert any("banh-trang" in c for c in _cards(page))
    assert attempted == [] and errors == []


def test_a_province_kit_works_from_files_with_its_products_only(tmp_path, offline_page):
    """``ocop offline --province 'Tây Ninh'``: the catalog filters and searches Tây Ninh's five
    products, from files, with no network."""
    page, attempted, errors = offline_page
    shutil.copytree(REPO / "products", tmp_path / "products")
    config = write_mkdocs_config(tmp_path, tmp_path / "products", SITE_URL, sample_data=True)
    builder = KitBuilder(load_site_config, build_site)
    kit = make_kit(config, tmp_path / "usb" / "ocop", builder, parse_selection(["Tây Ninh"]),
                   as_of=AS_OF).folder
    catalog = (kit / "san-pham" / "index.html").as_uri()
    page.goto(catalog + "?tinh=tay-ninh")
    assert _cards(page) == ["banh-trang-phoi-suong", "mang-cau-ba-den", "mat-ong-tan-binh",
                            "muoi-tom-tay-ninh", "nuoc-mang-cau-thanh-tan"]
    page.goto(catalog + "?q=mang+cau")
    assert _cards(page) == ["mang-cau-ba-den", "nuoc-mang-cau-thanh-tan"]
    page.goto(catalog + "?sao=4")
    assert _cards(page) == ["banh-trang-phoi-suong", "muoi-tom-tay-ninh"]
    assert attempted == [] and errors == []
