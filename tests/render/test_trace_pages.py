"""Traceability pages as a phone reaches them: GS1 Digital Link addresses on real static hosts,
batch pages, the page for a lot that has none, and the staff completeness page."""

from __future__ import annotations

import gzip
import re
import urllib.request
from urllib.error import HTTPError

import pytest
from static_host import serve
from support.records import DRAFT_GTIN, DRAFT_LOT, DRAFT_OFFICE_PHONE, DRAFT_PHONE
from support.sites import SITE_URL

from site_builder.render.html import relative


def fetch(url: str) -> tuple[int, str, str]:
    """Status, final address after redirects, and body."""
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.url, response.read().decode("utf-8")
    except HTTPError as error:
        return error.code, url, error.read().decode("utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


LOT = "01/08936058120082/10/B2610"


@pytest.mark.parametrize("clean_urls", [True, False])
def test_the_exact_digital_link_address_is_answered(sample_site, clean_urls):
    """A host that serves '/x' from 'x.html' answers at once; one that redirects folders to
    '/x/' keeps the query string on the way."""
    with serve(sample_site, clean_urls=clean_urls) as base:
        status, final, html = fetch(base + LOT + "?17=270110")
        assert status == 200
        assert final == base + (LOT if clean_urls else LOT + "/") + "?17=270110"
        assert "<h2>Lô hàng B2610</h2>" in html
        status, _, html = fetch(base + "01/08936058120082")
        assert status == 200 and "<h1>Bưởi Tân Triều</h1>" in html


def test_batch_page_shows_its_parts_in_order(sample_site):
    html = (sample_site / (LOT + ".html")).read_text(encoding="utf-8")
    body = text_of(html[html.index("<main>"):])
    order = ["Còn hiệu lực đến ngày 28/11/2027", "Bưởi Tân Triều", "Số lô B2610",
             "Ngày sản xuất 12/10/2026", "Hạn sử dụng 10/01/2027", "Sản xuất bởi",
             "Các công đoạn sản xuất, kinh doanh", "09/10/2026 · Thu hoạch",
             "Vùng nguyên liệu", "VN-75-735-26188-012-22", "Tài liệu kèm theo",
             "Mã QR này chứng minh điều gì?", "Báo sai sót", "Xem trang sản phẩm đầy đủ"]
    positions = [body.index(part) for part in order]
    assert positions == sorted(positions)
    assert f'<link rel="canonical" href="{SITE_URL}{LOT}">' in html
    assert "Khi sản xuất lô này (12/10/2026), sản phẩm là OCOP 5 sao" in body


def test_a_batch_past_its_use_by_date_says_so(sample_site):
    html = (sample_site / "01/08936058120082/10/B2608.html").read_text(encoding="utf-8")
    flag = re.search(r'<span class="lot-flag" data-past-use-by( hidden)?>', html)
    assert flag and flag.group(1) is None  # 18/11/2026 is before the build day


def test_batch_documents_are_published_and_linked(sample_site):
    """Under a name the project makes: its position, a slug of its title, its checked type."""
    name = "tai-lieu/buoi-tan-trieu/B2610/1-phieu-ket-qua-thu-nghiem-du-luong-thuoc.pdf"
    assert (sample_site / name).read_bytes().startswith(b"%PDF-")
    html = (sample_site / (LOT + ".html")).read_text(encoding="utf-8")
    assert f'href="../../../{name}"' in html


def test_products_without_gtin_use_the_short_pattern(sample_site):
    html = (sample_site / "p/nho-say-nhon-son/NS-2610/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE_URL}p/nho-say-nhon-son/NS-2610/">' in html
    assert "Sử dụng tốt nhất trước" in html


def test_report_link_is_prefilled_and_addressed(sample_site):
    html = (sample_site / (LOT + ".html")).read_text(encoding="utf-8")
    mail = re.search(r'href="(mailto:[^"]+)"', html).group(1).replace("&amp;", "&")
    decoded = urllib.request.unquote(mail)
    assert decoded.startswith("mailto:ocop@khanhhoa.gov.vn?subject=")
    assert "Lô: B2610" in decoded and f"Trang: {SITE_URL}{LOT}" in decoded
    assert "buoi-tan-trieu" in decoded
    assert 'href="tel:+842513865511"' in html and 'href="tel:+842583822000"' in html
    assert 'href="https://zalo.me/0912345678"' in html


def test_a_lot_without_a_page_lands_on_an_explanation_not_a_bare_404(sample_site):
    with serve(sample_site, clean_urls=True) as base:
        status, _, html = fetch(base + "01/08936058120082/10/X9999?17=261231")
    assert status == 404
    assert "Không tìm thấy trang" in html and "in tem trước khi trang được công bố" in html
    # Links work from any depth: they are absolute.
    assert 'href="/san-pham/"' in html
    assert "fetch(target)" in html  # finds the product of the address (checked in a browser)


def test_script_data_cannot_close_its_script_element(sample_site):
    html = (sample_site / "404.html").read_text(encoding="utf-8")
    for block in re.findall(r'<script id="ocop-[a-z]+" type="application/json">(.*?)</script>',
                            html, flags=re.S):
        assert "<" not in block


def test_completeness_page_lists_missing_items_per_product_and_lot(sample_site):
    summary = text_of((sample_site / "truy-xuat/index.html").read_text(encoding="utf-8"))
    assert "Mức đầy đủ thông tin truy xuất" in summary and "Thông tư 02/2024/TT-BKHCN" in summary
    assert re.search(r"\d+ / \d+ sản phẩm và lô hàng đủ các mục bắt buộc", summary)
    khanh_hoa = (sample_site / "truy-xuat/khanh-hoa/index.html").read_text(encoding="utf-8")
    row = re.search(r"<tr>\s*<td><a [^>]*>Hạt điều rang muối[^<]*</a></td>\s*<td><a [^>]*>HD2611"
                    r".*?</tr>", khanh_hoa, flags=re.S)
    assert row, "the lot HD2611 has its own row"
    assert "5. công đoạn có mã địa điểm; 10. tiêu chuẩn áp dụng" in row.group(0)


def test_batch_page_is_small_on_the_wire(sample_site):
    """The budget is 30 KB compressed without the photo; this guards against a large regression,
    and bench/page_weight.py reports the real figure."""
    html = (sample_site / (LOT + ".html")).read_bytes()
    assert len(gzip.compress(html, 9)) < 30_000
    assert b"<script src=" not in html  # no render-blocking script


@pytest.mark.parametrize("from_url, to, expected", [
    ("san-pham/x/", "01/08936058120082", "../../01/08936058120082"),
    ("01/08936058120082", "01/08936058120082/10/B1", "08936058120082/10/B1"),
    ("01/08936058120082/10/B1", "01/08936058120082", "../../08936058120082"),
    ("01/08936058120082/", "san-pham/x/", "../../san-pham/x/"),
    ("", "san-pham/", "san-pham/"),
    ("san-pham/", "", "../"),
])
def test_relative_links_from_pages_with_and_without_a_trailing_slash(from_url, to, expected):
    assert relative(from_url, to) == expected


def test_an_annex_products_trace_and_lot_pages_show_what_is_known(annex_site):
    """No photo, phone, GTIN, product set or commune: the page a QR stamp opens still starts
    with the status and names the producer, the address on the certificate and the province."""
    trace = text_of((annex_site / "p/mat-ong-tan-ninh/index.html").read_text(encoding="utf-8"))
    lot = text_of((annex_site / "p/mat-ong-tan-ninh/TN2410/index.html").read_text(encoding="utf-8"))
    for body in (trace, lot):
        assert body.index("Còn hiệu lực đến ngày 20/09/2027") < body.index("Sản xuất bởi")
        assert ("Địa bàn hiện nay (sau sắp xếp 01/07/2025) Tây Ninh Địa chỉ ghi trên giấy "
                "chứng nhận Khu phố 4, Phường 4, thành phố Tây Ninh, tỉnh Tây Ninh") in body
        assert "Bộ sản phẩm Chưa phân loại" in body
        assert "None" not in body and "Điện thoại" not in body and "GTIN" not in body
    english = text_of((annex_site / "en/p/mat-ong-tan-ninh/index.html").read_text(encoding="utf-8"))
    assert "Product set Not yet classified" in english
    assert "Số lô TN2410" in lot
    # The staff page lists the product under its province, with the photo among its gaps.
    staff = text_of((annex_site / "truy-xuat/tay-ninh/index.html").read_text(encoding="utf-8"))
    assert "Mật ong hoa nhãn Tân Ninh" in staff and "2. ảnh" in staff


def test_a_product_with_nothing_but_its_certificate_renders_cleanly_on_a_phone(annex_site, browser):
    """Screenshots of the product and traceability pages at a phone's width: nothing wider
    than the screen, the no-story sentence and the no-photo card shown."""
    with serve(annex_site, clean_urls=True) as base:
        page = browser.new_page(viewport={"width": 360, "height": 740})
        for url in ("san-pham/mat-ong-tan-ninh/", "p/mat-ong-tan-ninh/",
                    "p/mat-ong-tan-ninh/TN2410/", "en/san-pham/mat-ong-tan-ninh/"):
            page.goto(base + url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
            page.screenshot(full_page=True)  # renders without error
        assert page.is_visible("text=The producer has not provided the product's story yet.")
        page.goto(base + "nganh/chua-phan-loai/")
        assert page.is_visible(".ocop-card__nophoto")
        page.close()


DRAFT_TRACE = f"01/{DRAFT_GTIN}"
DRAFT_LOT_PAGE = f"{DRAFT_TRACE}/10/{DRAFT_LOT['lot']}"


def phone_links(html: str) -> set[tuple[str, str]]:
    """Each tel: and Zalo link of a page, with its text."""
    return set(re.findall(r'<a href="(tel:[^"]*|https://zalo\.me/[^"]*)"[^>]*>([^<]*)</a>', html))


def test_every_phone_link_dials_one_number_and_shows_it_as_written(draft_site):
    """The producer's '0259.385.1234' and the office's '+84 (0) 258 3822 000' are dialled as
    +84 numbers on the product, traceability, batch and 404 pages, in both languages, and in
    the report-a-problem block; their text stays as written. Zalo takes the national form."""
    producer = ("tel:+842593851234", DRAFT_PHONE)
    pages = {"san-pham/nho-say-nhon-son/index.html": {producer},
             "en/san-pham/nho-say-nhon-son/index.html": {producer}}
    for prefix, call in (("", "Gọi"), ("en/", "Call")):
        reports = {
            ("tel:+842593851234", f"{call} Hợp tác xã Nông nghiệp Nhơn Sơn: {DRAFT_PHONE}"),
            ("tel:+842583822000", f"{call} Văn phòng Điều phối nông thôn mới tỉnh Khánh Hòa: "
                                  f"{DRAFT_OFFICE_PHONE}"),
            ("https://zalo.me/0913456789", "Nhắn Zalo cho Hợp tác xã Nông nghiệp Nhơn Sơn"
             if not prefix else "Message Hợp tác xã Nông nghiệp Nhơn Sơn on Zalo"),
            ("https://zalo.me/0912345678", "Nhắn Zalo cho Văn phòng Điều phối nông thôn mới "
             "tỉnh Khánh Hòa" if not prefix else
             "Message Văn phòng Điều phối nông thôn mới tỉnh Khánh Hòa on Zalo"),
        }
        for page in (DRAFT_TRACE, DRAFT_LOT_PAGE):
            pages[prefix + page + ("/index.html" if prefix else ".html")] = {producer} | reports
    pages["404.html"] = {("tel:+842583822000", "Văn phòng Điều phối nông thôn mới tỉnh Khánh "
                                               f"Hòa: {DRAFT_OFFICE_PHONE}")}
    for page, links in pages.items():
        html = (draft_site / page).read_text(encoding="utf-8")
        assert phone_links(html) == links, page
        assert not re.search(r'href="tel:[^"]*[^+0-9:"]', html), page


ENGLISH_PAGES = ["en/index.html", "en/san-pham/index.html", "en/san-pham/nho-say-nhon-son/index.html",
                 f"en/{DRAFT_TRACE}/index.html", f"en/{DRAFT_LOT_PAGE}/index.html",
                 "en/truy-xuat/index.html", "en/du-lieu/index.html"]


def test_the_draft_banner_and_date_format_follow_the_pages_language(draft_site):
    """English pages, in Material's layout or the light traceability layout, carry the English
    draft notice and no Vietnamese one, and give the in-page scripts the English date format;
    the 404 page, shared by every language, says it in each."""
    english_notice = "Draft — the QR codes and addresses on this page are not for printing yet."
    vietnamese_notice = "Bản nháp — mã QR và địa chỉ trên trang này chưa dùng để in."
    english_dates = '"pattern":"{d} {month} {yyyy}"'
    for page in ENGLISH_PAGES:
        html = (draft_site / page).read_text(encoding="utf-8")
        assert english_notice in html and "Bản nháp" not in html, page
    for page in ENGLISH_PAGES[2:5]:
        html = (draft_site / page).read_text(encoding="utf-8")
        assert english_dates in html and '"pattern":"{dd}/{mm}' not in html, page
        assert "15 March 2027" in html and "15/03/2027" not in html, page
    for page in ("index.html", "san-pham/nho-say-nhon-son/index.html", f"{DRAFT_TRACE}.html"):
        html = (draft_site / page).read_text(encoding="utf-8")
        assert vietnamese_notice in html and "Draft" not in html, page
    not_found = (draft_site / "404.html").read_text(encoding="utf-8")
    assert vietnamese_notice in not_found and english_notice in not_found
