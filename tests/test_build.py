"""End to end: build the bundled sample catalog into a temporary folder and read it back."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import zxingcpp
from conftest import AS_OF, REPO, SITE_URL, record, write_mkdocs_config, write_record
from PIL import Image

from site_builder.build import MARKER, BuildError, build_site
from site_builder.config import SiteConfig
from site_builder.validate import load_catalog
from site_builder.views import urls


@pytest.fixture
def site(sample_site) -> Path:
    return sample_site


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.links


def trace_html(site: Path, product_id: str) -> str:
    """The traceability page of a product, following the short address of one with a GTIN."""
    html = read(site, f"p/{product_id}/index.html")
    moved = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html)
    if moved:
        target = urlsplit(urljoin(f"http://x/p/{product_id}/", moved.group(1))).path.lstrip("/")
        html = read(site, target + ".html")
    return html


def sample_catalog():
    catalog, problems = load_catalog(SiteConfig(products_dir=REPO / "products", as_of=AS_OF))
    assert not problems.errors
    return catalog


def page_file(site: Path, url_path: str) -> Path | None:
    """The file a static host answers ``url_path`` with, if any."""
    path = url_path.lstrip("/")
    candidates = [site / path / "index.html"] if path.endswith("/") or not path else [
        site / path, site / (path + ".html"), site / path / "index.html"]
    return next((c for c in candidates if c.is_file()), None)


def test_every_sample_product_has_a_product_page_and_a_trace_page(site):
    ids = sorted(p.name for p in (REPO / "products").iterdir() if (p / "product.yml").is_file())
    for product_id in ids:
        assert (site / "san-pham" / product_id / "index.html").is_file()
        assert (site / "p" / product_id / "index.html").is_file()


@pytest.mark.parametrize("product_id, expected", [
    ("buoi-tan-trieu", "Còn hiệu lực đến ngày 28/11/2027"),
    ("tao-xanh-my-son", "Sắp hết hiệu lực: còn 49 ngày, đến ngày 10/01/2027"),
    ("tao-say-deo-nhon-son", "đang chờ đánh giá lại; hiệu lực tạm kéo dài đến ngày 17/12/2026"),
    ("ruou-nep-my-xa", "Đã hết hiệu lực ngày 19/07/2026. Sản phẩm không còn được dùng nhãn OCOP."),
    ("ruou-sam-tien-vua", "Đã bị thu hồi ngày 01/08/2025 theo Quyết định 512/QĐ-UBND."),
    ("mat-ong-tan-binh", "Đã ngừng trong danh mục từ ngày 01/03/2026."),
])
def test_trace_page_states_the_status_first(site, product_id, expected):
    html = trace_html(site, product_id)
    body = text_of(html[html.index("<main>"):])
    assert expected in body
    assert body.index(expected) < body.index("Sản xuất bởi")


def test_lapsed_products_do_not_show_stars_as_current(site):
    html = trace_html(site, "ruou-nep-my-xa")
    assert 'class="ocop-status ocop-status-expired is-lapsed"' in html
    assert "Không còn là sản phẩm OCOP được công nhận" in html


def test_superseded_certification_is_in_the_history(site):
    body = text_of(read(site, "san-pham/tra-hibiscus-tan-son/index.html"))
    assert "Đã được thay thế bằng quyết định 2744/QĐ-UBND ngày 15/12/2025" in body


def test_product_and_trace_pages_link_to_each_other(site):
    product = read(site, "san-pham/buoi-tan-trieu/index.html")
    assert "../../01/08936058120082" in links_of(product)
    assert "../san-pham/buoi-tan-trieu/" in links_of(read(site, "01/08936058120082.html"))
    assert "../../san-pham/buoi-tan-trieu/" in links_of(read(site, "01/08936058120082/index.html"))
    assert "../../san-pham/nho-say-nhon-son/" in links_of(read(site, "p/nho-say-nhon-son/index.html"))


def test_retired_products_keep_their_pages_and_listing(site):
    catalog = read(site, "san-pham/index.html")
    for product_id in ("ruou-sam-tien-vua", "mat-ong-tan-binh", "ruou-nep-my-xa"):
        assert f"{product_id}/" in catalog
        assert (site / "p" / product_id / "index.html").is_file()


def test_internal_links_resolve(site):
    """Every page, read at the address its file is served from (``x.html`` at '/x')."""
    for page in site.rglob("*.html"):
        served_at = str(page.relative_to(site))
        served_at = served_at[: -len("index.html")] if page.name == "index.html" else served_at[:-5]
        if page.name == "404.html":
            continue  # served at any address; its links are absolute (see test below)
        for link in links_of(page.read_text(encoding="utf-8")):
            parts = urlsplit(urljoin("http://x/" + served_at, link))
            if parts.netloc != "x" or parts.scheme not in ("http", ""):
                continue
            assert page_file(site, parts.path), f"{page.relative_to(site)} links to missing {link}"


def test_home_counts_and_five_stars_first(site):
    body = text_of(read(site, "index.html"))
    assert "dữ liệu mẫu minh họa" in body
    assert body.index("Sản phẩm OCOP 5 sao") < body.index("Danh mục sản phẩm")
    assert re.search(r"5 sao 1 ", body)
    assert "Khánh Hòa" in body and "Tây Ninh" in body


def test_product_pages_are_not_in_the_navigation(site):
    html = read(site, "san-pham/index.html")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):html.index("</nav>")]
    assert "buoi-tan-trieu" not in nav


def test_every_qr_code_decodes_to_an_existing_page(site):
    products = sample_catalog().by_id()
    codes = sorted((site / "qr").glob("*.png"))
    assert len(codes) == len(products)
    for png in codes:
        results = zxingcpp.read_barcodes(Image.open(png))
        assert len(results) == 1 and results[0].format == zxingcpp.BarcodeFormat.QRCode
        url = results[0].text
        assert url == SITE_URL + urls.trace(products[png.stem])
        assert page_file(site, urlsplit(url).path)


def test_story_html_is_sanitised(tmp_path):
    products = tmp_path / "products"
    story = ("Nho ngon <script>alert(1)</script> <img src=x onerror=alert(2)> "
             "[bấm](javascript:alert(3)) <a href='data:text/html,x'>d</a>\n")
    write_record(products, record(story={"vi": story}, name={"vi": "<b onmouseover=alert(4)>Nho</b>"}))
    result = build_site(write_mkdocs_config(tmp_path, products), as_of=AS_OF)
    for page in ("san-pham/nho-say-nhon-son/index.html", "p/nho-say-nhon-son/index.html",
                 "truy-xuat/khanh-hoa/index.html"):
        html = read(result.site_dir, page)
        assert "alert(1)" not in html and "onerror" not in html and "javascript:alert" not in html
        assert "data:text/html" not in html and "<b onmouseover" not in html


def test_broken_record_stops_check_and_build_and_keeps_the_old_site(tmp_path):
    products = tmp_path / "products"
    write_record(products, record())
    config = write_mkdocs_config(tmp_path, products)
    first = build_site(config, as_of=AS_OF)
    before = sorted(p.relative_to(first.site_dir) for p in first.site_dir.rglob("*"))
    bad = record(certifications=[{**record()["certifications"][0], "decision_date": "2024-02-30"}])
    path = write_record(products, bad)
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "decision_date" in text)

    check = subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(config), "check"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 1
    assert f"products/nho-say-nhon-son/product.yml:{line}: certifications[0].decision_date:" in check.stdout

    build = subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(config), "build"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert build.returncode == 1
    assert f"product.yml:{line}: certifications[0].decision_date" in build.stderr
    assert sorted(p.relative_to(first.site_dir) for p in first.site_dir.rglob("*")) == before
    assert not list(tmp_path.glob(".site.building-*"))


def test_placeholder_site_url_refuses_qr_codes_unless_draft(tmp_path):
    products = tmp_path / "products"
    write_record(products, record())
    config = write_mkdocs_config(tmp_path, products, site_url="https://example.org/")
    with pytest.raises(BuildError, match="tên miền mẫu"):
        build_site(config, as_of=AS_OF)
    assert not (tmp_path / "site").exists()
    draft = build_site(config, as_of=AS_OF, draft=True)
    assert "Bản nháp" in read(draft.site_dir, "p/nho-say-nhon-son/index.html")


def test_a_folder_not_made_by_ocop_is_never_replaced(tmp_path):
    products = tmp_path / "products"
    write_record(products, record())
    config = write_mkdocs_config(tmp_path, products)
    precious = tmp_path / "tai-lieu"
    precious.mkdir()
    (precious / "bao-cao.docx").write_bytes(b"data")
    with pytest.raises(BuildError, match="không do ocop tạo ra"):
        build_site(config, site_dir=precious, as_of=AS_OF)
    assert (precious / "bao-cao.docx").read_bytes() == b"data"
    result = build_site(config, site_dir=tmp_path / "out", as_of=AS_OF)
    assert (result.site_dir / MARKER).is_file()
    build_site(config, site_dir=tmp_path / "out", as_of=AS_OF)  # replacing its own output is fine


class _Resources(HTMLParser):
    """Addresses a page loads by itself (styles, scripts, images, fonts), not links to follow."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("script", "img", "source", "iframe") and values.get("src"):
            self.loaded.append(values["src"])
        if tag == "link" and values.get("rel") in ("stylesheet", "preload", "preconnect", "icon",
                                                   "manifest") and values.get("href"):
            self.loaded.append(values["href"])


def test_pages_load_nothing_from_other_hosts(site):
    for page in site.rglob("*.html"):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        outside = [u for u in parser.loaded if urlsplit(u).netloc]
        assert not outside, (page.relative_to(site), outside)
