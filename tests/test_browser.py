"""In a real browser: statuses and use-by dates are recomputed on the reader's day, a missing
lot page finds its product, and the SVG codes (site and stamps) scan."""

from __future__ import annotations

import io
import os
import shutil
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image
from static_host import serve
from support.records import DRAFT_GTIN
from support.sites import CHROMIUM, REPO, opened, write_mkdocs_config

from site_builder.assets.qr import code_text
from site_builder.config import SiteConfig
from site_builder.mkdocs.build import build_site
from site_builder.paper.stamp_files import SheetLayout
from site_builder.paper.stamp_kit import write_kit
from site_builder.records.validate import load_catalog

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (CI installs it)", allow_module_level=True)


SITE_URL = "https://ocop.khanhhoa.gov.vn/"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The sample site as built on 1 January 2025, served on localhost like GitHub Pages."""
    root = tmp_path_factory.mktemp("old-build")
    shutil.copytree(REPO / "products", root / "products")
    site = build_site(write_mkdocs_config(root, root / "products", SITE_URL), as_of=date(2025, 1, 1)).site_dir
    with serve(site, clean_urls=True) as base:
        yield site, base


def test_a_page_built_before_expiry_says_expired_when_read_after_it(served, browser):
    site, base = served
    html = (site / "p/ruou-nep-my-xa/index.html").read_text(encoding="utf-8")
    assert "Còn hiệu lực đến ngày 19/07/2026" in html  # true on the build day, 1 January 2025
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + "p/ruou-nep-my-xa/")
    assert page.inner_text(".ocop-status__text") == (
        "Đã hết hiệu lực ngày 19/07/2026. Sản phẩm không còn được dùng nhãn OCOP.")
    assert "is-lapsed" in page.get_attribute("section.ocop-status", "class")
    assert not page.is_visible(".ocop-status .ocop-stars")
    assert page.is_visible("text=Không còn là sản phẩm OCOP được công nhận")
    today_in_vietnam = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y")
    assert page.inner_text(".ocop-status__checked") == f"Tình trạng tính đến ngày {today_in_vietnam}"
    page.close()


def test_catalog_badges_are_recomputed_too(served, browser):
    _, base = served
    page = browser.new_page()
    page.goto(base + "san-pham/")
    card = page.locator("li.ocop-card", has=page.locator("a[href*='ruou-nep-my-xa']"))
    assert card.locator("[data-status-text]").inner_text() == "Hết hiệu lực"
    page.close()


def test_svg_qr_codes_scan_in_the_browser(served, browser):
    site, base = served
    page = browser.new_page(viewport={"width": 400, "height": 400})
    for product_id, path in (("buoi-tan-trieu", "01/08936058120082"),
                             ("banh-trang-phoi-suong", "01/08936058120051"),
                             ("du-lich-cong-dong-o-lam", "p/du-lich-cong-dong-o-lam/")):
        page.set_content(f'<img src="{base}qr/{product_id}.svg" style="width:300px;height:300px">')
        page.wait_for_load_state("networkidle")
        shot = Image.open(io.BytesIO(page.screenshot()))
        results = zxingcpp.read_barcodes(shot)
        assert [r.text for r in results] == [code_text(SITE_URL + path)]
    page.close()


def test_a_code_with_the_host_in_capitals_opens_the_same_page(served, browser):
    """The codes write the host in capitals (fewer modules); Chromium lowers it (WHATWG URL)
    and asks the server for the very page the address names."""
    site, base = served
    page = browser.new_page()
    for path in ("01/08936058120082", "01/08936058120082/10/B2610", "p/du-lich-cong-dong-o-lam/"):
        carried = code_text(SITE_URL + path)
        assert carried != SITE_URL + path
        assert page.evaluate("u => new URL(u).href", carried) == SITE_URL + path
        local = code_text(base.replace("127.0.0.1", "localhost") + path)
        assert "LOCALHOST" in local
        response = page.goto(local)
        assert response.status == 200 and page.url == base.replace("127.0.0.1", "localhost") + path
        assert opened(local) == page.url
    page.close()


LOT = "01/08936058120082/10/B2608"


def test_a_batch_past_its_use_by_date_is_flagged_on_the_readers_day(served, browser):
    site, base = served
    html = (site / (LOT + ".html")).read_text(encoding="utf-8")
    assert "data-past-use-by hidden" in html  # 18/11/2026 was ahead on the build day
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + LOT)
    assert page.is_visible("[data-past-use-by]")
    assert not page.is_visible("[data-qr-data]")
    page.close()


def test_query_attributes_are_shown_and_compared(served, browser):
    _, base = served
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + LOT + "?17=261118&10=B2608")
    box = page.locator("[data-qr-data]")
    assert box.is_visible() and "Hạn sử dụng" in box.inner_text() and "18/11/2026" in box.inner_text()
    assert not page.is_visible("[data-qr-mismatch]")
    mail = page.get_attribute("[data-report-mail]", "href")
    assert "261118" in mail  # the exact scanned address goes into the report
    page.goto(base + LOT + "?17=271231")
    assert page.is_visible("[data-qr-mismatch]")
    page.close()


def test_an_unpublished_lot_leads_to_its_product(served, browser):
    _, base = served
    page = browser.new_page(viewport={"width": 390, "height": 844})
    response = page.goto(base + "01/08936058120082/10/X9999?17=261231")
    assert response.status == 404
    page.wait_for_selector("[data-nf-product]:visible")
    link = page.locator("[data-nf-product]")
    assert link.inner_text() == "Bưởi Tân Triều"
    assert link.get_attribute("href") == "/01/08936058120082"
    assert "Lô X9999 chưa có trang riêng" in page.inner_text("[data-nf-lot]")
    assert "31/12/2026" in page.inner_text("[data-qr-data]")
    page.goto(base + "01/08930000000007/10/A1")
    page.wait_for_selector("[data-nf-missing]:visible")
    assert "08930000000007 chưa có trong danh mục" in page.inner_text("[data-nf-missing]")
    # A missing English address gets the same page, which says it in English too.
    response = page.goto(base + "en/san-pham/khong-co/")
    assert response.status == 404
    english = page.locator("div[lang=en]")
    assert "Page not found" in english.inner_text()
    assert english.locator("a").first.get_attribute("href") == "/en/san-pham/"
    page.close()



@pytest.mark.parametrize(("gone", "listing"), [
    ("san-pham/2/", "/san-pham/"),  # numbered as listing pages were before
    ("en/tinh/khanh-hoa/trang-sau-khong-co/", "/en/tinh/khanh-hoa/"),  # merged into another
    ("sao/3/trang-sau-khong-co", "/sao/3/"),
    ("truy-xuat/khanh-hoa/2/", "/truy-xuat/khanh-hoa/"),  # completeness pages, as listings
    ("en/truy-xuat/khanh-hoa/trang-sau-khong-co/", "/en/truy-xuat/khanh-hoa/")])
def test_a_listing_page_that_is_no_more_opens_the_listing(served, browser, gone, listing):
    _, base = served
    page = browser.new_page()
    page.goto(base + gone)
    page.wait_for_url(base + listing.lstrip("/"))
    assert page.locator("h1").first.inner_text()
    page.close()

def test_stamp_svgs_scan_in_the_browser(served, browser, tmp_path):
    site, _ = served
    config = SiteConfig(products_dir=REPO / "products", site_url=SITE_URL, as_of=date(2026, 11, 22))
    catalog, _ = load_catalog(config)
    result = write_kit(catalog, config, tmp_path, sheet=SheetLayout(columns=1, rows=1))
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    arts = result.artworks
    for start in range(0, len(arts), 12):
        chunk = arts[start:start + 12]
        images = "".join(
            f'<img src="{(tmp_path / job.product.id / f"{job.name}-{art.asked:g}mm.svg").as_uri()}" '
            'style="width:300px;height:300px;margin:8px">' for job, art in chunk)
        (tmp_path / "grid.html").write_text(f"<body style='margin:0'>{images}</body>")
        page.goto((tmp_path / "grid.html").as_uri())
        page.wait_for_load_state("load")
        shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
        decoded = sorted(r.text for r in zxingcpp.read_barcodes(shot))
        assert decoded == sorted(art.code_text for _, art in chunk)
    page.close()


@pytest.mark.parametrize("path", ["", "san-pham/", "san-pham/buoi-tan-trieu/", "truy-xuat/khanh-hoa/",
                                  "01/08936058120082", "01/08936058120082/10/B2610",
                                  "p/nho-say-nhon-son/NS-2610/", "01/08936058120082/10/Z1"])
def test_pages_fit_a_phone_screen(served, browser, path):
    _, base = served
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


# 00:30 on 15 March 2027 in Vietnam (still the 14th in UTC): the base record's last valid day.
LAST_DAY_IN_VIETNAM = datetime(2027, 3, 14, 17, 30, tzinfo=ZoneInfo("UTC"))


@pytest.fixture(scope="module")
def draft_served(draft_site):
    with serve(draft_site, clean_urls=True) as base:
        yield draft_site, base


@pytest.mark.parametrize("path, expected", [
    (f"en/01/{DRAFT_GTIN}/", ("Expiring soon: expires at the end of today (15 March 2027)",
                              "Status as of 15 March 2027", "2 May 2027")),
    (f"en/01/{DRAFT_GTIN}/10/NS2611/", ("Expiring soon: expires at the end of today (15 March 2027)",
                                       "Status as of 15 March 2027", "2 May 2027")),
    ("en/san-pham/nho-say-nhon-son/", ("Expiring soon: expires at the end of today (15 March 2027)",
                                       "Status as of 15 March 2027", None)),
    (f"01/{DRAFT_GTIN}", ("Sắp hết hiệu lực: hết hiệu lực sau hôm nay (15/03/2027)",
                          "Tình trạng tính đến ngày 15/03/2027", "02/05/2027")),
])
def test_on_the_last_day_the_browser_says_it_ends_today_in_the_pages_language(
        draft_served, browser, path, expected):
    """The page was built on 22 November 2026 ('còn 113 ngày'); read at 00:30 on the last day
    of validity, Vietnam time, it says the certificate ends today, with the reader's date and
    the code's dates written as the page's language writes them."""
    _, base = draft_served
    status, checked, use_by = expected
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.clock.set_fixed_time(LAST_DAY_IN_VIETNAM)
    page.goto(base + path + "?17=270502")
    assert page.inner_text(".ocop-status__checked") == checked
    assert page.inner_text(".ocop-status__text") == status
    if use_by:
        assert use_by in page.inner_text("[data-qr-data]")
    page.clock.set_fixed_time(LAST_DAY_IN_VIETNAM + timedelta(days=1))
    page.reload()
    assert page.inner_text(".ocop-status__text").startswith(("Expired on 15 March 2027",
                                                              "Đã hết hiệu lực ngày 15/03/2027"))
    page.close()


def test_an_english_traceability_page_reads_in_english(draft_served, browser, tmp_path):
    """A screenshot of the English page a QR code leads to, read on the last day: the draft
    notice, the status and its date in English; nothing wider than a phone's screen."""
    _, base = draft_served
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.clock.set_fixed_time(LAST_DAY_IN_VIETNAM)
    page.goto(base + f"en/01/{DRAFT_GTIN}/10/NS2611/?17=270502")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(tmp_path / "en-lot.png"), full_page=True)
    body = page.inner_text("main")
    assert "Bản nháp" not in body and "/2027" not in body and "/2026" not in body
    assert "2 May 2027" in page.inner_text("[data-qr-data]")
    notice = page.inner_text(".ocop-notice")
    assert "Draft — the QR codes and addresses on this page are not for printing yet." in notice
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(base + "en/san-pham/nho-say-nhon-son/")
    assert page.inner_text(".md-banner").strip() == (
        "Draft — the QR codes and addresses on this page are not for printing yet.")
    page.close()
