"""In a real browser: the status is recomputed from today's date, and the SVG codes scan."""

from __future__ import annotations

import functools
import io
import os
import shutil
import threading
from datetime import date, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from conftest import REPO, write_mkdocs_config
from PIL import Image
from playwright.sync_api import sync_playwright

from site_builder.build import build_site

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (CI installs it)", allow_module_level=True)


SITE_URL = "https://ocop.khanhhoa.gov.vn/"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The sample site as built on 1 January 2025, served on localhost."""
    root = tmp_path_factory.mktemp("old-build")
    shutil.copytree(REPO / "products", root / "products")
    site = build_site(write_mkdocs_config(root, root / "products", SITE_URL), as_of=date(2025, 1, 1)).site_dir
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield instance
        instance.close()


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
    for product_id in ("buoi-tan-trieu", "banh-trang-phoi-suong", "du-lich-cong-dong-o-lam"):
        page.set_content(f'<img src="{base}qr/{product_id}.svg" style="width:300px;height:300px">')
        page.wait_for_load_state("networkidle")
        shot = Image.open(io.BytesIO(page.screenshot()))
        results = zxingcpp.read_barcodes(shot)
        assert [r.text for r in results] == [f"{SITE_URL}p/{product_id}/"]
    page.close()
