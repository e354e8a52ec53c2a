"""End to end: build the bundled sample catalog into a temporary folder and read it back."""

from __future__ import annotations

import gc
import json
import re
import shutil
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
import zxingcpp
from PIL import Image
from support.records import record, write_record
from support.sites import AS_OF, REPO, SITE_URL, opened, write_mkdocs_config

from site_builder.assets.qr import code_text
from site_builder.config import SiteConfig
from site_builder.mkdocs.build import MARKER, BuildError, build_site
from site_builder.records.validate import load_catalog
from site_builder.render.views import urls


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
    # stated as of the day it began to expire (12/10/2026, rules.unchanged_since); the page's
    # script counts the days left on the reader's day
    ("tao-xanh-my-son", "Sắp hết hiệu lực: còn 90 ngày, đến ngày 10/01/2027"),
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
    assert_links_resolve(site)


def assert_links_resolve(site: Path) -> None:
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
        url = opened(results[0].text)
        assert results[0].text == code_text(url)  # the host in capitals: fewer modules
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


def test_a_templates_dir_without_templates_is_named_not_a_traceback(tmp_path):
    products = tmp_path / "products"
    write_record(products, record())
    config = write_mkdocs_config(tmp_path, products)
    config.write_text(config.read_text(encoding="utf-8").replace(
        str(REPO / "theme" / "ocop"), str(tmp_path / "theme" / "ocop")), encoding="utf-8")
    with pytest.raises(BuildError, match="templates_dir: .*không có mẫu trang"):
        build_site(config, as_of=AS_OF)
    assert not (tmp_path / "site").exists()


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


# --- a product published from a decision annex alone ------------------------------------------

ANNEX_PAGE = "san-pham/mat-ong-tan-ninh/index.html"


def test_a_product_without_a_story_says_so_in_each_language(annex_site):
    vi = text_of(read(annex_site, ANNEX_PAGE))
    en = unescape(text_of(read(annex_site, "en/" + ANNEX_PAGE)))
    assert "Câu chuyện sản phẩm Chủ thể chưa cung cấp câu chuyện sản phẩm." in vi
    assert "The product's story The producer has not provided the product's story yet." in en
    # The address on the certificate and the province; no commune, no product set yet.
    assert ("Địa chỉ ghi trên giấy chứng nhận Khu phố 4, Phường 4, thành phố Tây Ninh, tỉnh Tây "
            "Ninh Địa bàn hiện nay (sau sắp xếp 01/07/2025) Tây Ninh Ngành hàng Chưa phân loại "
            "Bộ sản phẩm Chưa phân loại ") in vi
    assert "Tây Ninh Sector Not yet classified Product set Not yet classified " in en
    assert "Chủ thể chưa cung cấp" not in read(annex_site, "san-pham/nho-say-nhon-son/index.html")


def test_without_a_story_the_description_is_made_from_name_stars_producer_province(annex_site):
    for prefix, expected in (
            ("", "Mật ong hoa nhãn Tân Ninh: sản phẩm OCOP 4 sao của HTX Nông nghiệp Tân Ninh, "
                 "Tây Ninh."),
            ("en/", "Mật ong hoa nhãn Tân Ninh: a 4-star OCOP product of HTX Nông nghiệp Tân "
                    "Ninh, Tây Ninh.")):
        page = read(annex_site, prefix + ANNEX_PAGE)
        assert f'<meta name="description" content="{expected}">' in page
        assert f'<meta property="og:description" content="{expected}">' in page
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                    page).group(1))
        assert data["description"] == expected and "category" not in data and "image" not in data
        assert data["manufacturer"]["address"] == {
            "@type": "PostalAddress", "addressCountry": "VN", "addressRegion": "Tây Ninh",
            "streetAddress": "Khu phố 4, Phường 4, thành phố Tây Ninh, tỉnh Tây Ninh"}


def test_an_unclassified_product_has_its_own_sector_listing(annex_site):
    sectors = text_of(read(annex_site, "nganh/index.html"))
    assert "Thực phẩm 1 Chưa phân loại 1" in sectors
    listing = read(annex_site, "nganh/chua-phan-loai/index.html")
    assert "mat-ong-tan-ninh/" in listing and "nho-say-nhon-son/" not in listing
    assert "Not yet classified" in read(annex_site, "en/nganh/chua-phan-loai/index.html")
    home = text_of(read(annex_site, "index.html"))
    assert "Số sản phẩm theo ngành hàng Thực phẩm 1 Chưa phân loại 1 " in home


def test_an_annex_product_never_prints_none_nor_breaks_a_link(annex_site):
    for path in annex_site.rglob("*"):
        if path.suffix in (".html", ".json", ".csv", ".atom", ".geojson", ".xml", ".svg"):
            assert "None" not in path.read_text(encoding="utf-8"), path
    assert_links_resolve(annex_site)


@pytest.mark.parametrize("url", ["https://example.org/", "https://ocop.example.org/",
                                 "https://EXAMPLE.COM/", "https://ocop.example.net./",
                                 "http://localhost:8000/", "http://127.0.0.1/", "http://[::1]:8000/",
                                 "http://0.0.0.0/", "https://ocop.example/", "https://san-pham.test/",
                                 "https://your-domain.vn/", "https://ocop.ten-mien.vn/"])
def test_placeholder_hosts_are_refused(tmp_path, url):
    problem = SiteConfig(products_dir=tmp_path, site_url=url).site_url_problem()
    assert problem is not None and "tên miền mẫu" in problem[0], url


@pytest.mark.parametrize("url", ["https://myexample.com/", "https://examples.vn/",
                                 "https://ocop.example.org.vn/", "https://localhost-ocop.vn/",
                                 "https://ocop.local.gov.vn/", "https://tenmienocop.vn/",
                                 "https://ocop.khanhhoa.gov.vn/"])
def test_a_real_domain_containing_a_placeholder_word_is_accepted(tmp_path, url):
    assert SiteConfig(products_dir=tmp_path, site_url=url).site_url_problem() is None, url


def test_the_home_page_title_is_the_site_name_once(site):
    def title(path: str) -> str:
        return re.search(r"<title>([^<]*)</title>", read(site, path)).group(1)

    assert title("index.html") == "Sản phẩm OCOP thử nghiệm"
    assert title("san-pham/index.html") == "Danh mục sản phẩm - Sản phẩm OCOP thử nghiệm"


def test_a_site_name_with_an_ampersand_is_escaped_once_in_every_language(tmp_path):
    products = tmp_path / "products"
    write_record(products, record())
    config = write_mkdocs_config(tmp_path, products)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["site_name"] = "Đặc sản Tây Ninh & Đồng Nai"
    settings["plugins"][0]["ocop"]["site_names"] = {"en": "Tay Ninh & Dong Nai specialities"}
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    site = build_site(config, as_of=AS_OF).site_dir
    for page in ("index.html", "san-pham/index.html", "san-pham/nho-say-nhon-son/index.html",
                 "en/index.html", "en/san-pham/index.html", "en/san-pham/nho-say-nhon-son/index.html"):
        assert "&amp;amp;" not in read(site, page), page
    english = read(site, "en/san-pham/nho-say-nhon-son/index.html")
    assert 'title="Tay Ninh &amp; Dong Nai specialities"' in english  # the header's home link
    assert "Đặc sản Tây Ninh" not in english
    assert 'title="Đặc sản Tây Ninh &amp; Đồng Nai"' in read(site, "san-pham/index.html")


def docs_page_at_a_product_address(folder: Path) -> Path:
    """A catalog whose docs/ has a page where the product's page goes: the build fails late,
    when the product's page is written."""
    products = folder / "products"
    write_record(products, record())
    config = write_mkdocs_config(folder, products)
    (folder / "docs" / "san-pham").mkdir(parents=True)
    (folder / "docs" / "san-pham" / "nho-say-nhon-son.md").write_text(
        "# Nho sấy Nhơn Sơn\n\nBài giới thiệu.\n", encoding="utf-8")
    return config


def test_a_docs_page_at_a_product_address_is_refused_naming_both(tmp_path):
    with pytest.raises(BuildError) as caught:
        build_site(docs_page_at_a_product_address(tmp_path), as_of=AS_OF)
    message = str(caught.value)
    assert "'san-pham/nho-say-nhon-son/index.html' được ghi hai lần" in message
    assert "MkDocs" in message and "product:nho-say-nhon-son" in message
    assert not (tmp_path / "site").exists()


def test_a_failed_build_gives_back_the_garbage_collector_settings(tmp_path):
    """A build collects garbage rarely and freezes its plan; a failed build too must undo
    both, or a long `mkdocs serve` keeps them."""
    original = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's defaults, whatever an earlier test left
    try:
        frozen = gc.get_freeze_count()
        with pytest.raises(BuildError):
            build_site(docs_page_at_a_product_address(tmp_path), as_of=AS_OF)
        assert (gc.get_threshold(), gc.get_freeze_count()) == ((700, 10, 10), frozen)
    finally:
        gc.set_threshold(*original)


def test_mkdocs_itself_builds_the_same_pages_as_ocop_build(tmp_path, sample_site):
    """`mkdocs build` and `mkdocs serve` drive the plugin alone (no ocop build around it): it
    must render the units and write the sitemap, marker and manifest itself."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    products = tmp_path / "products"
    shutil.copytree(REPO / "products", products)
    config = load_config(config_file=str(write_mkdocs_config(tmp_path, products, SITE_URL,
                                                             sample_data=True)),
                         site_dir=str(tmp_path / "by-mkdocs"))
    config.plugins["ocop"].config.as_of = AS_OF.isoformat()
    build(config)
    made = tmp_path / "by-mkdocs"
    for name in ("san-pham/buoi-tan-trieu/index.html", "p/lua-tan-chau/index.html", "sitemap.xml",
                 MARKER, ".ocop-manifest.json"):
        assert (made / name).is_file(), name
    page = "san-pham/buoi-tan-trieu/index.html"
    assert text_of(read(made, page)) == text_of(read(sample_site, page))


def test_ocop_build_reads_and_plans_once_and_hands_mkdocs_the_plan(tmp_path, monkeypatch):
    """The plugin gets what `ocop build` read and planned (mkdocs/plugin.py, Handoff): a full
    build with MkDocs running reads the records once and plans once, and leaves the plugin
    holding nothing of it."""
    from site_builder.mkdocs import build, plugin
    from site_builder.records import validate

    calls = {"read": 0, "plan": 0}
    read_catalog, plan = validate.load_catalog, plugin.plan_for_host

    def counted_read(*args, **kwargs):
        calls["read"] += 1
        return read_catalog(*args, **kwargs)

    def counted_plan(*args, **kwargs):
        calls["plan"] += 1
        return plan(*args, **kwargs)

    monkeypatch.setattr(validate, "load_catalog", counted_read)
    monkeypatch.setattr(plugin, "plan_for_host", counted_plan)
    monkeypatch.setattr(build, "plan_for_host", counted_plan)
    handed: list[tuple[plugin.OcopPlugin, object]] = []
    on_config = plugin.OcopPlugin.on_config

    def watched(self, config):
        handed.append((self, self.handoff))
        return on_config(self, config)

    monkeypatch.setattr(plugin.OcopPlugin, "on_config", watched)
    products = tmp_path / "products"
    write_record(products, record())
    result = build_site(write_mkdocs_config(tmp_path, products, SITE_URL), as_of=AS_OF)
    assert result.mode == "full" and calls == {"read": 1, "plan": 1}
    [(instance, handoff)] = handed
    assert isinstance(handoff, plugin.Handoff) and handoff.site.site_url == SITE_URL
    assert instance.handoff is None  # for this build only: a later `mkdocs serve` reads again
