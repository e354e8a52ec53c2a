"""``ocop offline``: the catalog from a USB stick, opened as files in Chromium with every network
request blocked: browsing, filters, search and the language switch keep working."""

from __future__ import annotations

import re

import pytest
from conftest import AS_OF, REPO

from site_builder.config import SiteConfig
from site_builder.facets import values_of
from site_builder.i18n import Translator
from site_builder.offline import MARKER, OfflineError, folder_link, make_offline_copy
from site_builder.validate import load_catalog
from site_builder.views import product_view


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
